using Akka.Actor;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Commands;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.PublicFolders;
using AkkaImap.Server.Sessions;
using AkkaImap.Server.Tls;
using AkkaImap.Server.Transport;
using AkkaImap.Server.Workers;
using AkkaImap.Storage;

namespace AkkaImap.Server;

/// <summary>
/// A running IMAP server on an actor system: the account region, the worker pool, the session
/// tracker and the listeners. <see cref="StartAsync"/> is the one entry point the Host calls;
/// stopping (explicitly, or through CoordinatedShutdown) stops accepting, tells every session to
/// say <c>* BYE Server shutting down</c>, waits for them, then stops the actors.
/// </summary>
public sealed class ImapServer : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly RunningListeners _listeners;
    private readonly IActorRef _tracker;
    private readonly IActorRef _region;
    private readonly IActorRef _publicFolders;
    private readonly IActorRef _router;
    private readonly IActorRef _workers;
    private readonly Lazy<Task> _stop;
    private readonly TimeSpan _drainTimeout;

    private ImapServer(ActorSystem system, RunningListeners listeners, IActorRef tracker, IActorRef region, IActorRef workers,
        IActorRef publicFolders, IActorRef router, TimeSpan drainTimeout)
    {
        _drainTimeout = drainTimeout;
        _publicFolders = publicFolders;
        _router = router;
        _system = system;
        _listeners = listeners;
        _tracker = tracker;
        _region = region;
        _workers = workers;
        _stop = new Lazy<Task>(StopCoreAsync);
    }

    /// <summary>
    /// The entry point to accounts (<see cref="AccountEnvelope"/>), for other front ends such as LMTP
    /// delivery: changes made through it reach the sessions that have the folder selected.
    /// </summary>
    public IActorRef AccountRegion => _region;

    /// <summary>The sockets listening (name, address, implicit TLS or not).</summary>
    public IReadOnlyList<BoundEndpoint> Endpoints => _listeners.Endpoints;

    /// <summary>
    /// Starts the server and returns once every endpoint listens.
    /// </summary>
    /// <exception cref="ListenerBindException">An endpoint could not be bound; nothing is left running.</exception>
    public static async Task<ImapServer> StartAsync(
        ActorSystem system,
        ImapSettings settings,
        IStore store,
        TlsIdentity certificate,
        CancellationToken cancellationToken = default)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var region = system.ActorOf(
            Accounts.AccountRegion.Props(store, settings.Cache.AccountIdle, settings.Cache.UnselectedMessages).OnImapDispatcher(system), $"accounts-{id}");
        // One public-folder actor per post office behind its own region; sessions reach both
        // regions through the router, with the one envelope they already use.
        var publicFolders = system.ActorOf(
            PublicFolderRegion.Props(store, new PublicFolderOptions(settings.PublicFolders.UserCreate)).OnImapDispatcher(system), $"public-{id}");
        var router = system.ActorOf(FolderOwnerRouter.Props(region, publicFolders).OnImapDispatcher(system), $"folders-{id}");
        var workers = WorkerPool.Create(system, settings.Threads, $"workers-{id}");
        var tracker = system.ActorOf(SessionTracker.Props(), $"sessions-{id}");
        var services = new SessionServices(settings, store, router, workers, CommandRegistry.CreateDefault(), tracker);

        RunningListeners listeners;
        try
        {
            listeners = await ImapListeners.StartAsync(system, settings, certificate, SessionActor.Factory(services), cancellationToken)
                .ConfigureAwait(false);
        }
        catch
        {
            system.Stop(tracker);
            system.Stop(workers);
            system.Stop(router);
            system.Stop(publicFolders);
            system.Stop(region);
            throw;
        }

        var server = new ImapServer(system, listeners, tracker, region, workers, publicFolders, router, settings.Shutdown.DrainTimeout);
        // `serve` stops through CoordinatedShutdown (SIGINT/SIGTERM): sessions say BYE before the actors go.
        // The Host sets this phase's timeout above shutdown.drain-timeout (ServerHosting.ShutdownHocon).
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceUnbind, $"akkaimap-stop-{id}", async () =>
        {
            await server.StopAsync().ConfigureAwait(false);
            return Akka.Done.Instance;
        });
        return server;
    }

    /// <summary>Stops accepting, sends BYE to every session and waits (briefly) for them, then stops the server's actors. Idempotent.</summary>
    public Task StopAsync() => _stop.Value;

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task StopCoreAsync()
    {
        await _listeners.StopAcceptingAsync().ConfigureAwait(false);
        var allGone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _tracker.Tell(new SessionTracker.ShutDownSessions(allGone));
        // shutdown.drain-timeout: BYE is one write per session; running commands get this long to finish.
        await Task.WhenAny(allGone.Task, Task.Delay(_drainTimeout)).ConfigureAwait(false);
        await _listeners.StopAsync().ConfigureAwait(false);
        _system.Stop(_tracker);
        _system.Stop(_workers);
        _system.Stop(_router);
        _system.Stop(_publicFolders);
        _system.Stop(_region);
    }
}
