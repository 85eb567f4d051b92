using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Tls;

namespace AkkaImap.Server.Transport;

/// <summary>A socket that is listening: its endpoint name (<c>imap:143</c>, <c>imaps:993</c>) and actual address.</summary>
public sealed record BoundEndpoint(string Name, EndPoint Address, bool ImplicitTls);

/// <summary>Binds every IMAP endpoint the settings ask for; the Host's one entry point to the transport.</summary>
public static class ImapListeners
{
    private static int _listenerCount;

    /// <summary>
    /// Binds all endpoints and returns once every one listens. Sessions and connections run on
    /// <see cref="ImapDispatcher.Id"/> when the actor system defines it.
    /// </summary>
    /// <exception cref="ListenerBindException">A socket could not be bound (port in use, no
    /// permission, address not on this machine); the message is one line naming the fix. Sockets
    /// already bound are released first.</exception>
    public static async Task<RunningListeners> StartAsync(
        ActorSystem system,
        ImapSettings settings,
        TlsIdentity certificate,
        SessionPropsFactory sessions,
        CancellationToken cancellationToken = default,
        UnsentOutputTotal? unsentTotal = null)
    {
        var dispatcher = system.Dispatchers.HasDispatcher(ImapDispatcher.Id) ? ImapDispatcher.Id : null;
        return await StartPlannedAsync(system, ListenerPlan.From(settings, certificate, dispatcher, unsentTotal), new ConnectionGate(settings.MaxConnections), sessions, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Binds the LMTP endpoints (<c>lmtp.bind</c> × <c>lmtp.port</c>, plain TCP) with their own
    /// connection cap (<c>lmtp.max-connections</c>); <paramref name="sessions"/> makes LMTP sessions.
    /// </summary>
    /// <exception cref="ListenerBindException">As for IMAP, naming <c>lmtp.port</c>.</exception>
    public static Task<RunningListeners> StartLmtpAsync(
        ActorSystem system,
        ImapSettings settings,
        TlsIdentity certificate,
        SessionPropsFactory sessions,
        CancellationToken cancellationToken = default)
    {
        var dispatcher = system.Dispatchers.HasDispatcher(ImapDispatcher.Id) ? ImapDispatcher.Id : null;
        return StartPlannedAsync(system, ListenerPlan.ForLmtp(settings, certificate, dispatcher), new ConnectionGate(settings.Lmtp.MaxConnections), sessions, cancellationToken);
    }

    private static async Task<RunningListeners> StartPlannedAsync(
        ActorSystem system,
        IReadOnlyList<PlannedListener> plan,
        ConnectionGate gate,
        SessionPropsFactory sessions,
        CancellationToken cancellationToken)
    {

        var started = new List<(PlannedListener Plan, IActorRef Actor, Task<EndPoint> Bound)>();
        foreach (var planned in plan)
        {
            var bound = new TaskCompletionSource<EndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
            var actor = system.ActorOf(
                ListenerActor.Props(planned.Address, planned.Endpoint, gate, sessions, bound),
                $"{(planned.Endpoint.Name.StartsWith("lmtp", StringComparison.Ordinal) ? "lmtp" : "imap")}-listener-{Interlocked.Increment(ref _listenerCount)}-{planned.Address.Port}");
            started.Add((planned, actor, bound.Task));
        }

        var listening = new List<(IActorRef Actor, BoundEndpoint Endpoint)>();
        ListenerBindException? failure = null;
        try
        {
            foreach (var (planned, actor, bound) in started)
            {
                try
                {
                    var address = await bound.WaitAsync(cancellationToken).ConfigureAwait(false);
                    listening.Add((actor, new BoundEndpoint(planned.Endpoint.Name, address, planned.Endpoint.ImplicitTls)));
                }
                catch (ListenerBindException ex) when (planned.Optional && IsFamilyMissing(ex.Error))
                {
                    // "*" on a machine without IPv6: IPv4 alone is what the operator gets.
                    system.Log.Warning("{0}: IPv6 is not available here, listening on IPv4 only", planned.Endpoint.Name);
                }
                catch (ListenerBindException ex)
                {
                    failure ??= ex;
                }
            }
        }
        catch (OperationCanceledException)
        {
            await Abandon(system, started.Select(s => s.Actor), listening).ConfigureAwait(false);
            throw;
        }

        if (failure is not null)
        {
            await Abandon(system, started.Select(s => s.Actor), listening).ConfigureAwait(false);
            throw failure;
        }

        return new RunningListeners(listening, gate);
    }

    /// <summary>Releases what was bound before start-up failed, so a retry finds the ports free.</summary>
    private static async Task Abandon(ActorSystem system, IEnumerable<IActorRef> all, List<(IActorRef Actor, BoundEndpoint Endpoint)> listening)
    {
        await new RunningListeners(listening, new ConnectionGate(null)).StopAsync().ConfigureAwait(false);
        foreach (var actor in all)
        {
            system.Stop(actor);
        }
    }

    private static bool IsFamilyMissing(SocketError error) =>
        error is SocketError.AddressFamilyNotSupported or SocketError.ProtocolNotSupported or SocketError.AddressNotAvailable;
}

/// <summary>The listening sockets of one server, and the shared connection gate.</summary>
public sealed class RunningListeners : IAsyncDisposable
{
    private readonly IReadOnlyList<(IActorRef Actor, BoundEndpoint Endpoint)> _listeners;

    internal RunningListeners(IReadOnlyList<(IActorRef Actor, BoundEndpoint Endpoint)> listeners, ConnectionGate gate)
    {
        _listeners = listeners;
        Gate = gate;
    }

    public IReadOnlyList<BoundEndpoint> Endpoints => _listeners.Select(l => l.Endpoint).ToList();

    /// <summary>The <c>max-connections</c> gate; <see cref="ConnectionGate.Open"/> counts open connections.</summary>
    public ConnectionGate Gate { get; }

    /// <summary>
    /// New clients are refused with <c>* BYE Server shutting down</c>; open connections carry on.
    /// The sockets stay bound, so a newcomer hears why instead of finding the port closed.
    /// </summary>
    public Task StopAcceptingAsync() => Task.WhenAll(_listeners.Select(l =>
        l.Actor.Ask<ListenerActor.StopAccepting>(ListenerActor.StopAccepting.Instance, TimeSpan.FromSeconds(10))));

    /// <summary>Unbinds every socket, which closes every open connection and stops its session.</summary>
    public async Task StopAsync()
    {
        await Task.WhenAll(_listeners.Select(l =>
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            l.Actor.Tell(new ListenerActor.StopListening(done));
            return done.Task;
        })).ConfigureAwait(false);
        await Task.WhenAll(_listeners.Select(l => l.Actor.GracefulStop(TimeSpan.FromSeconds(10)))).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
