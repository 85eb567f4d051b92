using Akka.Actor;
using Akka.Configuration;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Management.Cluster.Bootstrap;
using AkkaImap.Host.Telemetry;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Owners;
using AkkaImap.Server;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Tls;
using AkkaImap.Server.Transport;
using AkkaImap.Storage;
using AkkaImap.Storage.Search;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaImap.Host;

/// <summary>
/// Runs the service in the foreground: a Generic Host (stopped by SIGINT/SIGTERM through
/// <see cref="StopSignals"/> and <see cref="SignalLifetime"/>) holding the store and an
/// Akka.Hosting actor system with the IMAP dispatcher.
/// The only place that starts the IMAP server is <see cref="StartImapAsync"/>.
/// </summary>
internal static class ServerHosting
{
    public const string ActorSystemName = "akkaimap";

    // Unbinding the listeners after the drain: measured in milliseconds, bounded by GracefulStop.
    private static readonly TimeSpan DrainMargin = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(HostConfig config, CancellationToken ct)
    {
        var settings = config.Settings;
        // Disposed last: it writes out the lines still queued.
        using var loggers = HostLogging.Create(settings.Logging);
        var log = loggers.CreateLogger(HostLogging.Category);
        // From the first line: a signal during start-up cancels it (and then stops the host).
        using var starting = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var signals = new StopSignals(log, starting.Cancel);
        log.LogInformation("AkkaImap {Version} starting (pid {Pid}, configuration {File})",
            typeof(ServerHosting).Assembly.GetName().Version?.ToString(3), Environment.ProcessId, config.File ?? "built-in defaults");

        IHost host;
        IStore store;
        IDisposable serveLock;
        ServerTelemetry telemetry;
        try
        {
            (host, store, serveLock, telemetry) = await StartAsync(config, loggers, log, signals, starting.Token);
        }
        catch (Exception ex) when (ex is StoppedDuringStartException || (ex is OperationCanceledException && starting.IsCancellationRequested))
        {
            // SIGTERM or SIGINT before start-up finished (a node still joining its cluster): StartAsync
            // drained what already served and closed what it opened.
            log.LogInformation("AkkaImap stopped: asked to stop during start-up");
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One line on stderr and exit 1 (AkkaImapCli); the stack trace only at debug level.
            log.LogDebug(ex.InnerException ?? ex, "Start-up failed");
            throw ex is OperatorException or SettingsException
                ? ex
                : new OperatorException(StartupFailure.Describe(ex), innerException: ex);
        }

        try
        {
            await host.WaitForShutdownAsync(CancellationToken.None);
        }
        finally
        {
            host.Dispose();
            await telemetry.DisposeAsync();
            // Waits for the store's writer to commit what is queued (nothing acknowledged is waiting:
            // a tagged OK follows the commit), then closes it.
            await store.DisposeAsync();
            serveLock.Dispose();
        }

        log.LogInformation("AkkaImap stopped: the store is closed");
        return 0;
    }

    /// <summary>Everything before serving: the data folder and its lock, the certificate, the store, the host and its listeners.</summary>
    private static async Task<(IHost Host, IStore Store, IDisposable Lock, ServerTelemetry Telemetry)> StartAsync(HostConfig config, ILoggerFactory loggers, ILogger log, StopSignals signals, CancellationToken ct)
    {
        var settings = config.Settings;

        // A cluster shares its store: seed nodes on SQLite stop here, before anything starts.
        ClusterMode.Check(config.Config, settings);
        // One server per embedded store, checked before anything else touches the folder.
        DataFolder.Prepare(settings.Storage.Path);
        var serveLock = ServeLock.Acquire(settings.Storage.Path);
        IStore? store = null;
        ServerTelemetry? telemetry = null;
        try
        {
            // Read (or made, when tls.certificate is unset) before anything starts, so that a bad
            // certificate stops start-up with its one line.
            var identity = LoadCertificate(settings);
            if (identity.IsSelfSigned)
            {
                log.LogWarning("No akka-imap.tls.certificate set: using the self-signed certificate {Path}; clients will not trust it", identity.Source);
            }

            store = await StoreAccess.OpenAsync(settings.Storage, ct, serving: true);
            await DropSecretsOfDisabledMechanismsAsync(store, settings.Auth, log, ct);
            if (settings.FullTextIndex)
            {
                // Bodies stored while the index was off: indexed in small steps while serving.
                _ = CatchUpIndexAsync(store, log);
            }
            // Before the actor system: /health/ready answers (not ready) while the server starts.
            telemetry = ServerTelemetry.Start(settings, store);
            if (telemetry.Endpoint is { } endpoint)
            {
                log.LogInformation("Telemetry on http://{Endpoint}/ (/metrics, /health/live, /health/ready)", endpoint);
            }

            var host = BuildHost(config.Config, settings, store, identity, telemetry, loggers, signals);
            try
            {
                await host.StartAsync(ct);
            }
            catch (Exception ex)
            {
                // SIGTERM (SignalLifetime) stops the application, which cancels the hosted services' start.
                var stopAsked = ct.IsCancellationRequested
                    || host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested;
                if (ex is OperationCanceledException && stopAsked)
                {
                    // Asked to stop before start-up finished: what already serves (the listener
                    // binds before the last hosted service has started) drains as on any stop, within
                    // shutdown.drain-timeout, and a second signal still exits at once.
                    await host.StopAsync(CancellationToken.None);
                    host.Dispose();
                    throw new StoppedDuringStartException(ex);
                }

                await StopQuietly(host);
                host.Dispose();

                // Bind and configuration failures already read as the one line naming the fix.
                throw ex switch
                {
                    OperatorException or SettingsException => ex,
                    ListenerBindException or CertificateException => new OperatorException(ex.Message, innerException: ex),
                    _ => new OperatorException(StartupFailure.Describe(ex), innerException: ex),
                };
            }

            return (host, store, serveLock, telemetry);
        }
        catch
        {
            if (telemetry is not null)
            {
                await telemetry.DisposeAsync();
            }

            if (store is not null)
            {
                await store.DisposeAsync();
            }

            serveLock.Dispose();
            throw;
        }
    }

    /// <summary>Runs <see cref="IndexUpkeep.CatchUpAsync"/> in the background; it ends by itself when the store closes.</summary>
    private static async Task CatchUpIndexAsync(IStore store, ILogger log)
    {
        try
        {
            var indexed = await Task.Run(() => IndexUpkeep.CatchUpAsync(store, CancellationToken.None));
            if (indexed > 0) log.LogInformation("Full-text index caught up: {Count} message bodies stored while it was off", indexed);
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Full-text index catch-up stopped; those messages stay scanned until the next start");
        }
    }

    /// <summary>
    /// The CRAM-MD5 contexts and NT hashes are password equivalents, kept only while their
    /// mechanism is switched on (SPEC.md, Security): switching one off deletes them at start.
    /// </summary>
    private static async Task DropSecretsOfDisabledMechanismsAsync(IStore store, AuthSettings auth, ILogger log, CancellationToken ct)
    {
        var off = (PasswordSecrets.CramMd5 | PasswordSecrets.Ntlm) & ~Cli.MailboxCommands.ExtraSecrets(auth);
        var dropped = await store.DropPasswordSecretsAsync(off, ct);
        if (dropped > 0)
        {
            log.LogInformation("Deleted the stored {Kinds} secrets of {Count} mailboxes: those mechanisms are switched off", off, dropped);
        }
    }

    /// <summary>Loads the server certificate; with <c>tls.certificate</c> unset, the self-signed one in the data folder.</summary>
    public static TlsIdentity LoadCertificate(ImapSettings settings)
    {
        if (settings.Tls.Certificate is null)
        {
            // The self-signed certificate and its key go into the data folder: private from the start.
            DataFolder.Prepare(settings.Storage.Path);
        }

        try
        {
            return CertificateProvider.Load(settings.Tls, settings.Storage.Path);
        }
        catch (CertificateException ex)
        {
            // Its messages name the key relative to akka-imap ("tls.key: ..."); the operator's file uses the full path.
            var colon = ex.Message.IndexOf(": ", StringComparison.Ordinal);
            var namesKey = colon > 0 && !ex.Message[..colon].Contains(' ') && !ex.Message.StartsWith(ImapSettings.Path + ".", StringComparison.Ordinal);
            throw new OperatorException(namesKey ? $"{ImapSettings.Path}.{ex.Message}" : ex.Message);
        }
    }

    /// <summary>
    /// THE call site where the IMAP server (listeners, sessions, workers, in front of the owner region) starts
    /// on <paramref name="system"/>. Completes once every listener is bound; throws
    /// <see cref="ListenerBindException"/> (one line naming the fix) when one cannot bind.
    /// </summary>
    internal static Task<ImapServer> StartImapAsync(
        ActorSystem system, ImapSettings settings, IStore store, TlsIdentity certificate, IActorRef owners, CancellationToken ct) =>
        ImapServer.StartAsync(system, settings, store, certificate, owners, ct);

    private static IHost BuildHost(Config config, ImapSettings settings, IStore store, TlsIdentity identity, ServerTelemetry telemetry, ILoggerFactory loggers, StopSignals signals)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        // One log for everything (HostLogging): the host, Akka.Hosting and the actors write to the same factory.
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        // SIGTERM drains, a second one exits at once (in place of ConsoleLifetime).
        builder.Services.AddSingleton(signals);
        builder.Services.AddSingleton<IHostLifetime, SignalLifetime>();
        // The host stops ImapService (which drains the sessions) within this; keep the drain inside it.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30) + settings.Shutdown.DrainTimeout);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton(telemetry);
        builder.Services.AddAkka(ActorSystemName, (akka, _) =>
        {
            akka.AddHocon(config, HoconAddMode.Prepend)
                .AddHocon(ShutdownHocon(config, settings.Shutdown), HoconAddMode.Prepend)
                .AddHocon(ConfigurationFactory.ParseString(ImapDispatcher.Hocon(ImapDispatcher.ThreadCount(settings.Threads))), HoconAddMode.Append)
                .AddHocon(ConfigurationFactory.ParseString(ClusterDefaults), HoconAddMode.Append)
                .AddHocon(ConfigurationFactory.ParseString(IsClusterOfOne(config) ? OneNodeTimings : string.Empty), HoconAddMode.Prepend)
                .AddHocon(ConfigurationFactory.ParseString($"akka.loglevel = {HostLogging.AkkaLogLevel(settings.Logging)}\nakka.stdout-loglevel = {HostLogging.AkkaLogLevel(settings.Logging)}"), HoconAddMode.Append)
                .WithCustomSerializer(OwnerMessageSerializer.Name, [typeof(IOwnerMessage)], system => new OwnerMessageSerializer(system))
                .WithShardRegion<OwnerRegion>(
                    OwnerSharding.TypeName,
                    (system, _, _) => OwnerSharding.EntityProps(system, store, new OwnerOptions(settings.Cache.UnselectedMessages, settings.PublicFolders.UserCreate, settings.Limits.MaxFolders)),
                    OwnerSharding.MessageExtractor,
                    new ShardOptions
                    {
                        // An owner's state is a cache: one idle this long stops, and its subscribers
                        // subscribe again to the next incarnation (remember-entities stays off).
                        PassivateIdleEntityAfter = settings.Cache.AccountIdle,
                        ShouldPassivateIdleEntities = true,
                        RememberEntities = false,
                        // Shard allocations live in distributed data, replicated to every node.
                        // Akka's default (persistence) kept them in the coordinator node's in-memory
                        // journal (and an empty ./snapshots folder): a new coordinator after a kill
                        // or a leave knew none of them and could start an account's owner on a
                        // second node beside the one still running, each with its own cache.
                        StateStoreMode = Akka.Cluster.Sharding.StateStoreMode.DData,
                    })
                .ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddLogger<AkkaLogForwarder>();
                });
        });

        // Registered after AddAkka, so it starts once the actor system is up.
        builder.Services.AddHostedService<ImapService>();
        return builder.Build();
    }

    /// <summary>
    /// The embedded default is a cluster of one bound to loopback on a port the system picks, so a
    /// newcomer opens no new port; a configuration file's own akka.remote and akka.cluster keys win.
    /// </summary>
    private const string ClusterDefaults = """
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        akka.cluster.run-coordinated-shutdown-when-down = on
        # The host decides how the process stops (SignalLifetime): Akka's own process-exit hook would
        # start a second shutdown beside the drain, and block a second signal's immediate exit.
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        # Remoting says goodbye after the log forwarder has stopped, through Akka's basic logger:
        # its lines take the console log's form too.
        akka.stdout-logger-class = "AkkaImap.Host.AkkaStdoutLogger, akkaimap"
        """;

    /// <summary>
    /// The embedded default cluster of one (no seed nodes, remoting on loopback at a port the system
    /// picks, so no other node can ever join) has nobody to gossip with, heartbeat or down: Akka's
    /// periodic ticks for those (gossip, both failure detectors' heartbeats and reapers every 1 s,
    /// the split-brain resolver's tick every 1 s, the coordinator's rebalance every 10 s, and the
    /// sharding state's replicator: deltas every 400 ms, subscribers every 500 ms, gossip and clock
    /// every 2 s) only woke an idle server (issue 17). Here they tick every 10 s (rebalance every
    /// 60 s, the replicator's deltas every 2 s) and there is no downing provider. Leader actions stay at Akka's 1 s (they move this node to Up at start
    /// and to Removed on shutdown) and so does the shard region's retry, 2 s: reference.conf's
    /// 250 ms for both are for failover, which one node never has. These win over reference.conf's
    /// cluster timings and the file's own (none of which means anything to a cluster of one); a
    /// configuration with seed nodes, discovery or a fixed remoting port (a real cluster) gets
    /// reference.conf's and its own.
    /// </summary>
    private const string OneNodeTimings = """
        akka.cluster.gossip-interval = 10s
        akka.cluster.unreachable-nodes-reaper-interval = 10s
        akka.cluster.leader-actions-interval = 1s
        akka.cluster.failure-detector.heartbeat-interval = 10s
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 30s
        akka.cluster.downing-provider-class = ""
        akka.cluster.sharding.rebalance-interval = 60s
        akka.cluster.sharding.retry-interval = 2s
        akka.cluster.sharding.distributed-data.gossip-interval = 10s
        akka.cluster.sharding.distributed-data.notify-subscribers-interval = 10s
        akka.remote.watch-failure-detector.heartbeat-interval = 10s
        akka.remote.watch-failure-detector.unreachable-nodes-reaper-interval = 10s
        akka.remote.watch-failure-detector.acceptable-heartbeat-pause = 30s
        """;

    /// <summary>
    /// True for the embedded default: no seed nodes, no discovery, and remoting on a port the system
    /// picks (reference.conf's 0), which no other node can know to join. (reference.conf itself sets
    /// the remoting host and port, so whether the keys exist says nothing.)
    /// </summary>
    internal static bool IsClusterOfOne(Config config) =>
        ClusterMode.Of(config) == Membership.OneNode
        && config.GetInt("akka.remote.dot-netty.tcp.port", 0) == 0;

    /// <summary>The key of the owner shard region in Akka.Hosting's registry.</summary>
    private sealed class OwnerRegion;

    /// <summary>
    /// Joins the cluster: the configured seed nodes (Akka joins them by itself), Cluster Bootstrap
    /// (Akka.Management's HTTP endpoint, which the other nodes probe, then the contact points from
    /// discovery), or this node alone (the embedded default); completes once this node is Up, so
    /// owners can be reached.
    /// </summary>
    private static async Task JoinClusterAsync(ActorSystem system, Membership membership, CancellationToken ct)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        switch (membership)
        {
            case Membership.OneNode:
                cluster.Join(cluster.SelfAddress);
                break;
            case Membership.Bootstrap:
                await StartBootstrapAsync(system).WaitAsync(ct);
                break;
        }

        await up.Task.WaitAsync(ct);
    }

    /// <summary>
    /// Binds Akka.Management's HTTP endpoint (<see cref="ManagementEndpoint"/>; one it cannot bind
    /// stops start-up with one line) and starts Cluster Bootstrap, which looks up the contact points
    /// and joins or forms the cluster by itself.
    /// </summary>
    private static async Task StartBootstrapAsync(ActorSystem system)
    {
        await ManagementEndpoint.StartAsync(system);
        await ClusterBootstrap.Get(system).Start();
    }

    /// <summary>
    /// CoordinatedShutdown gives each phase 5 s by default; the IMAP server drains its sessions in
    /// service-unbind (ImapServer.StopAsync), so that phase gets shutdown.drain-timeout plus a margin
    /// for unbinding, or more when the operator's file asks for more.
    /// </summary>
    private static Config ShutdownHocon(Config config, ShutdownSettings shutdown)
    {
        const string Key = "akka.coordinated-shutdown.phases.service-unbind.timeout";
        var wanted = shutdown.DrainTimeout + DrainMargin;
        var configured = config.HasPath(Key) ? config.GetTimeSpan(Key) : TimeSpan.Zero;
        var timeout = configured > wanted ? configured : wanted;
        return ConfigurationFactory.ParseString($"{Key} = {(long)Math.Ceiling(timeout.TotalMilliseconds)}ms");
    }

    private static async Task StopQuietly(IHost host)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StopAsync(timeout.Token);
        }
        catch (Exception)
        {
            // Start-up already failed; that error is the one to report.
        }
    }

    /// <summary>The operator stopped the server (SIGTERM, SIGINT) before it was serving.</summary>
    private sealed class StoppedDuringStartException(Exception inner) : Exception("stopped during start-up", inner);

    /// <summary>Starts the IMAP server once the actor system runs, says where it listens, and stops it first on shutdown.</summary>
    private sealed class ImapService(ActorSystem system, IRequiredActor<OwnerRegion> owners, ImapSettings settings, IStore store, TlsIdentity identity, ServerTelemetry telemetry, ILoggerFactory loggers) : IHostedService
    {
        private ImapServer? _server;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (!system.Dispatchers.HasDispatcher(ImapDispatcher.Id))
            {
                throw new InvalidOperationException($"the actor system lacks the {ImapDispatcher.Id} dispatcher");
            }

            telemetry.Readiness.Attach(system);
            await JoinClusterAsync(system, ClusterMode.Of(system.Settings.Config), cancellationToken);
            var region = await owners.GetAsync(cancellationToken);
            telemetry.Attach(system, region);
            _server = await StartImapAsync(system, settings, store, identity, region, cancellationToken);
            HostLogging.Serving = true;
            telemetry.Readiness.Listening(true);
            loggers.CreateLogger(HostLogging.Category).LogInformation(
                "AkkaImap listening on {Endpoints} (store {Path}, {Threads} IMAP threads)",
                string.Join(", ", _server.Endpoints.Select(e => $"{e.Address} ({(e.Name.StartsWith("lmtp", StringComparison.Ordinal) ? "LMTP" : e.ImplicitTls ? "implicit TLS" : "plain+STARTTLS")})")),
                settings.Storage.Path,
                ImapDispatcher.ThreadCount(system.Settings.Config));
        }

        // Stops accepting and says BYE to every session before Akka.Hosting's CoordinatedShutdown
        // stops the actor system (which would also do it; stopping twice is harmless).
        public Task StopAsync(CancellationToken cancellationToken)
        {
            // Probes see the node leave before its listeners do.
            telemetry.Readiness.Listening(false);
            return _server?.StopAsync().WaitAsync(cancellationToken) ?? Task.CompletedTask;
        }
    }
}
