using Akka.Actor;
using Akka.Event;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Commands;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.DirectoryFeed;
using AkkaImap.Server.Lmtp;
using AkkaImap.Server.Owners;
using AkkaImap.Server.Sessions;
using AkkaImap.Server.Tls;
using AkkaImap.Server.Transport;
using AkkaImap.Server.Workers;
using AkkaImap.Storage;

namespace AkkaImap.Server;

/// <summary>
/// A running IMAP server on an actor system: the worker pool, the session tracker, the directory
/// watcher (the store's change feed on the EventStream) and the listeners, in front of the owner
/// shard region (<see cref="OwnerSharding"/>) the host started. <see cref="StartAsync"/> is the one entry point the Host calls;
/// stopping (explicitly, or through CoordinatedShutdown) stops accepting, tells every session to
/// say <c>* BYE Server shutting down</c>, waits for them, then stops the actors.
/// </summary>
public sealed class ImapServer : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly RunningListeners _listeners;
    private readonly RunningListeners? _lmtp;
    private readonly IActorRef _tracker;
    private readonly IActorRef _region;
    private readonly IActorRef _workers;
    private readonly IActorRef _directory;
    /// <summary>Hands imported mail's change-feed rows to the owners on this node (<see cref="AkkaImap.Server.Owners.MailAddedRelay"/>).</summary>
    private IActorRef? _relay;
    private readonly IActorRef _memory;
    private readonly Lazy<Task> _stop;
    private readonly TimeSpan _drainTimeout;

    private ImapServer(ActorSystem system, RunningListeners listeners, RunningListeners? lmtp, IActorRef tracker, IActorRef region, IActorRef workers, IActorRef directory,
        IActorRef memory, TimeSpan drainTimeout)
    {
        _lmtp = lmtp;
        _directory = directory;
        _memory = memory;
        _drainTimeout = drainTimeout;
        _system = system;
        _listeners = listeners;
        _tracker = tracker;
        _region = region;
        _workers = workers;
        _stop = new Lazy<Task>(StopCoreAsync);
    }

    /// <summary>
    /// The entry point to folder owners (<see cref="AccountEnvelope"/>), which LMTP delivery uses as
    /// IMAP does: changes made through it reach the sessions that have the folder selected.
    /// </summary>
    public IActorRef Owners => _region;

    /// <summary>The sockets listening (name, address, implicit TLS or not): IMAP, then LMTP when <c>lmtp.enabled</c>.</summary>
    public IReadOnlyList<BoundEndpoint> Endpoints => _lmtp is null ? _listeners.Endpoints : [.. _listeners.Endpoints, .. _lmtp.Endpoints];

    /// <summary>
    /// Starts the server and returns once every endpoint listens.
    /// </summary>
    /// <exception cref="ListenerBindException">An endpoint could not be bound; nothing is left running.</exception>
    public static async Task<ImapServer> StartAsync(
        ActorSystem system,
        ImapSettings settings,
        IStore store,
        TlsIdentity certificate,
        IActorRef owners,
        CancellationToken cancellationToken = default)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var region = owners;
        var workers = WorkerPool.Create(system, settings.Threads, $"workers-{id}");
        var tracker = system.ActorOf(SessionTracker.Props(), $"sessions-{id}");
        // Publishes the CLI's (and every other) directory change on the EventStream, where the
        // tracker hears of the ones that end sessions.
        var directory = system.ActorOf(DirectoryWatcher.Props(store), $"directory-{id}");
        // Mail appended by akkaimap import reaches the owner of its account, where it runs.
        var relay = system.ActorOf(AkkaImap.Server.Owners.MailAddedRelay.Props(region), $"mail-added-{id}");
        Memory.NativeHeap.Apply();
        var unsent = new UnsentOutputTotal(settings.Limits.MaxUnsentOutputTotal);
        var memory = system.ActorOf(Memory.MemoryReturn.Props(unsent), $"memory-{id}");
        var services = new SessionServices(settings, store, region, workers, CommandRegistry.CreateDefault(), tracker);

        RunningListeners listeners;
        RunningListeners? lmtp = null;
        try
        {
            listeners = await ImapListeners.StartAsync(system, settings, certificate, SessionActor.Factory(services), cancellationToken, unsent)
                .ConfigureAwait(false);
            if (settings.Lmtp.Enabled)
            {
                // LMTP sessions share the transport, the owners and the tracker (so they drain on stop).
                var lmtpServices = new LmtpServices(settings, store, region, tracker, System.Net.Dns.GetHostName());
                try
                {
                    lmtp = await ImapListeners.StartLmtpAsync(system, settings, certificate, LmtpSessionActor.Factory(lmtpServices), cancellationToken)
                        .ConfigureAwait(false);
                }
                catch
                {
                    await listeners.StopAsync().ConfigureAwait(false);
                    throw;
                }
            }
        }
        catch
        {
            system.Stop(directory);
            system.Stop(relay);
            system.Stop(memory);
            system.Stop(tracker);
            system.Stop(workers);
            throw;
        }

        var server = new ImapServer(system, listeners, lmtp, tracker, region, workers, directory, memory, settings.Shutdown.DrainTimeout) { _relay = relay };
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
        var log = Logging.GetLogger(_system, typeof(ImapServer));
        await _listeners.StopAcceptingAsync().ConfigureAwait(false);
        if (_lmtp is not null)
        {
            await _lmtp.StopAcceptingAsync().ConfigureAwait(false);
        }
        log.Info("stopping: no new connections; draining the sessions for up to {DrainTimeout} (akka-imap.shutdown.drain-timeout)",
            SettingValues.FormatDuration(_drainTimeout));
        var allGone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _tracker.Tell(new SessionTracker.ShutDownSessions(allGone));
        // shutdown.drain-timeout: BYE is one write per session; running commands get this long to finish.
        var started = Environment.TickCount64;
        if (await Task.WhenAny(allGone.Task, Task.Delay(_drainTimeout)).ConfigureAwait(false) == allGone.Task)
        {
            log.Info("every session has ended ({Seconds} s)", Math.Round((Environment.TickCount64 - started) / 1000.0, 3));
        }
        else
        {
            log.Warning("the drain timed out after {DrainTimeout}: the sessions still running are closed now", SettingValues.FormatDuration(_drainTimeout));
        }
        await _listeners.StopAsync().ConfigureAwait(false);
        if (_lmtp is not null)
        {
            await _lmtp.StopAsync().ConfigureAwait(false);
        }
        _system.Stop(_directory);
        if (_relay is not null) _system.Stop(_relay);
        _system.Stop(_memory);
        _system.Stop(_tracker);
        _system.Stop(_workers);
    }
}
