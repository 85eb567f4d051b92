using System.Net;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using AkkaImap.Server.Configuration;

namespace AkkaImap.Server.Transport;

/// <summary>
/// Listens on one address × port: binds through Akka.IO, enforces the shared connection cap at
/// accept time (before any TLS), and parents one <see cref="ConnectionActor"/> per client.
/// Akka.IO parents each accepted socket under its listening socket, so unbinding closes every
/// connection of the endpoint (measured): to stop taking clients while serving the open ones,
/// <see cref="StopAccepting"/> keeps the socket bound and refuses newcomers with BYE.
/// </summary>
internal sealed class ListenerActor : UntypedActor
{
    private readonly EndPoint _address;
    private readonly EndpointSettings _endpoint;
    private readonly ConnectionGate _gate;
    private readonly SessionPropsFactory _sessions;
    private readonly TaskCompletionSource<EndPoint> _bound;
    private IActorRef? _socket;
    private TaskCompletionSource? _unbound;
    private bool _refusing;

    public ListenerActor(EndPoint address, EndpointSettings endpoint, ConnectionGate gate, SessionPropsFactory sessions, TaskCompletionSource<EndPoint> bound)
    {
        _address = address;
        _endpoint = endpoint;
        _gate = gate;
        _sessions = sessions;
        _bound = bound;
    }

    public static Props Props(EndPoint address, EndpointSettings endpoint, ConnectionGate gate, SessionPropsFactory sessions, TaskCompletionSource<EndPoint> bound) =>
        Akka.Actor.Props.Create(() => new ListenerActor(address, endpoint, gate, sessions, bound));

    protected override void PreStart() =>
        Context.System.Tcp().Tell(new Tcp.Bind(Self, _address, backlog: _endpoint.ListenBacklog, pullMode: false));

    protected override void PostStop()
    {
        _bound.TrySetException(new InvalidOperationException($"the listener on {_address} stopped before binding"));
        _unbound?.TrySetResult();
    }

    // A connection actor that throws is stopped (its socket is aborted); other clients carry on.
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tcp.Bound bound:
                _socket = Sender;
                _bound.TrySetResult(bound.LocalAddress);
                break;
            case Tcp.CommandFailed { Cmd: Tcp.Bind } failed:
                _bound.TrySetException(BindFailure.From(_address, failed.Cause.HasValue ? failed.Cause.Value : null, _endpoint.PortKey));
                Context.Stop(Self);
                break;
            case Tcp.Connected connected:
                Accept(connected);
                break;
            case Terminated:
                _gate.Release();
                break;
            case StopAccepting:
                _refusing = true;
                Sender.Tell(StopAccepting.Instance);
                break;
            case StopListening stop:
                _unbound = stop.Done;
                if (_socket is null)
                {
                    stop.Done.TrySetResult();
                }
                else
                {
                    _socket.Tell(Tcp.Unbind.Instance);
                }

                break;
            case Tcp.Unbound:
                _socket = null;
                _unbound?.TrySetResult();
                break;
            case Tcp.Event:
                // Received/closed events of refused connections: nothing to do.
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Accept(Tcp.Connected connected)
    {
        if (_refusing)
        {
            Refuse(ByteString.FromString(_endpoint.ShuttingDownReply));
            return;
        }

        if (!_gate.TryAcquire())
        {
            Context.GetLogger().Info("refusing {0}: max-connections ({1}) reached", connected.RemoteAddress, _gate.MaxConnections);
            Refuse(ByteString.FromString(_endpoint.TooManyConnectionsReply));
            return;
        }

        try
        {
            var connection = Context.ActorOf(LeanMailbox.On(ConnectionActor.Props(Sender, connected, _endpoint, _sessions), Context.System));
            Context.Watch(connection);
        }
        catch
        {
            _gate.Release();
            throw;
        }
    }

    /// <summary>
    /// Says why and closes at once, in plaintext even on a TLS endpoint, before spending a
    /// handshake or a session on the client (RFC 9051 §7.1.5 BYE; for LMTP a 421, RFC 5321 §3.8).
    /// </summary>
    private void Refuse(ByteString bye)
    {
        Sender.Tell(new Tcp.Register(Self, keepOpenOnPeerClosed: false, useResumeWriting: false));
        Sender.Tell(Tcp.Write.Create(bye));
        Sender.Tell(Tcp.Close.Instance);
    }

    /// <summary>From now on every new client is refused with BYE; the socket stays bound. Answered with itself.</summary>
    internal sealed record StopAccepting : INoSerializationVerificationNeeded
    {
        public static readonly StopAccepting Instance = new();
    }

    /// <summary>Unbinds (Tcp.Unbind), which also closes the endpoint's open connections; <see cref="Done"/> completes when the socket is closed.</summary>
    internal sealed record StopListening(TaskCompletionSource Done) : INoSerializationVerificationNeeded;
}
