using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using AkkaImap.Server.Configuration;

namespace AkkaImap.Server.Transport;

/// <summary>
/// Listens on one address × port: binds its own socket, accepts in a loop on the thread pool,
/// enforces the shared connection cap at accept time (before any TLS), and parents one
/// <see cref="ConnectionActor"/> per client, which owns its socket (<see cref="SocketChannel"/>).
/// <see cref="StopAccepting"/> keeps the socket bound and refuses newcomers with BYE;
/// <see cref="StopListening"/> closes the listening socket (stopping this actor then stops the
/// connections, each aborting its socket).
/// </summary>
internal sealed class ListenerActor : UntypedActor
{
    private readonly EndPoint _address;
    private readonly EndpointSettings _endpoint;
    private readonly ConnectionGate _gate;
    private readonly SessionPropsFactory _sessions;
    private readonly TaskCompletionSource<EndPoint> _bound;
    private Socket? _socket;
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

    protected override void PreStart()
    {
        // Bind and listen return at once (no I/O waits on this thread); accepting is the loop below.
        var socket = new Socket(_address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (_address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // [::] takes IPv6 alone: the plan binds 0.0.0.0 beside it (ListenerPlan).
                socket.DualMode = false;
            }

            socket.Bind(_address);
            socket.Listen(_endpoint.ListenBacklog);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            _bound.TrySetException(BindFailure.From(_address, ex, _endpoint.PortKey));
            Context.Stop(Self);
            return;
        }

        _socket = socket;
        _bound.TrySetResult(socket.LocalEndPoint!);
        _ = AcceptLoopAsync(socket, Self);
    }

    protected override void PostStop()
    {
        _bound.TrySetException(new InvalidOperationException($"the listener on {_address} stopped before binding"));
        _socket?.Dispose();
    }

    // A connection actor that throws is stopped (its socket is aborted); other clients carry on.
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Accepted accepted:
                Accept(accepted.Socket);
                break;
            case AcceptFailed failed:
                Context.GetLogger().Warning("accepting on {0} failed: {1}", _address, failed.Reason);
                break;
            case Terminated:
                _gate.Release();
                break;
            case StopAccepting:
                _refusing = true;
                Sender.Tell(StopAccepting.Instance);
                break;
            case StopListening stop:
                _socket?.Dispose();
                _socket = null;
                stop.Done.TrySetResult();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>Accepts until the listening socket is closed; each client goes to the actor as <see cref="Accepted"/>.</summary>
    private static async Task AcceptLoopAsync(Socket listener, IActorRef self)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Out of file descriptors and the like: say so, wait a moment, go on accepting.
                self.Tell(new AcceptFailed(ex.Message));
                await Task.Delay(TimeSpan.FromMilliseconds(50)).ConfigureAwait(false);
                continue;
            }

            self.Tell(new Accepted(client));
        }
    }

    private void Accept(Socket socket)
    {
        if (_refusing)
        {
            Refuse(socket, _endpoint.ShuttingDownReply);
            return;
        }

        if (!_gate.TryAcquire())
        {
            Context.GetLogger().Info("refusing {0}: max-connections ({1}) reached", socket.RemoteEndPoint, _gate.MaxConnections);
            Refuse(socket, _endpoint.TooManyConnectionsReply);
            return;
        }

        try
        {
            var connection = Context.ActorOf(LeanMailbox.On(ConnectionActor.Props(socket, _endpoint, _sessions), Context.System));
            Context.Watch(connection);
        }
        catch
        {
            _gate.Release();
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Says why and closes at once, in plaintext even on a TLS endpoint, before spending a
    /// handshake or a session on the client (RFC 9051 §7.1.5 BYE; for LMTP a 421, RFC 5321 §3.8).
    /// </summary>
    private static void Refuse(Socket socket, string bye)
    {
        var channel = new SocketChannel(socket, ActorRefs.Nobody, readChunk: 0);
        channel.Send(new OutgoingWrite(System.Text.Encoding.ASCII.GetBytes(bye)));
        channel.Close();
    }

    private sealed record Accepted(Socket Socket) : INoSerializationVerificationNeeded;

    private sealed record AcceptFailed(string Reason) : INoSerializationVerificationNeeded;

    /// <summary>From now on every new client is refused with BYE; the socket stays bound. Answered with itself.</summary>
    internal sealed record StopAccepting : INoSerializationVerificationNeeded
    {
        public static readonly StopAccepting Instance = new();
    }

    /// <summary>Closes the listening socket; <see cref="Done"/> completes when it is closed. Open connections stay until this actor stops.</summary>
    internal sealed record StopListening(TaskCompletionSource Done) : INoSerializationVerificationNeeded;
}
