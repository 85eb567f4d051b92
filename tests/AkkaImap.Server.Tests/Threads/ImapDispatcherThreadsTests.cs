using System.Net;
using Akka.Actor;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Tests.Transport;
using AkkaImap.Server.Tls;
using AkkaImap.Server.Workers;
using AkkaImap.Storage;
using AkkaImap.Storage.Sqlite;
using Xunit;

namespace AkkaImap.Server.Tests.Threads;

/// <summary>
/// <c>threads = 3</c> (MailEnable "Max concurrent connections (threads)"): the server, started the
/// way the Host starts it (<see cref="ImapServer.StartAsync"/> on an actor system that defines
/// <see cref="ImapDispatcher.Id"/>), processes session, account and worker messages on exactly
/// three threads, all of that dispatcher. Socket completions and awaited I/O are not actor work
/// and stay on the .NET pool.
/// </summary>
public sealed class ImapDispatcherThreadsTests : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const int Threads = 3;
    private const string Login = "alice@example.com";
    private const string Password = "secret";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkaimap-threads-" + Guid.NewGuid().ToString("N"));
    private SqliteStore _sqlite = null!;
    private IStore _store = null!;
    private ThreadRecordingStore _recorder = null!;

    public ImapDispatcherThreadsTests()
        : base(ImapDispatcher.Hocon(Threads) + "\n" + Owners.LocalOwners.Hocon + "akka.loglevel = WARNING")
    {
    }

    public async Task InitializeAsync()
    {
        _sqlite = await SqliteStore.OpenAsync(_folder, new StoreOptions { Fsync = false, ScramIterations = 1 });
        await _sqlite.AddPostOfficeAsync("example.com", publicFolders: false);
        await _sqlite.AddAccountAsync(Login, Password);
        (_store, _recorder) = ThreadRecordingStore.Wrap(_sqlite);
    }

    public async Task DisposeAsync()
    {
        Shutdown();
        await _sqlite.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held for a moment: the temp folder is cleaned up later.
        }
    }

    [Fact]
    public async Task Sessions_accounts_and_workers_run_on_exactly_three_imap_dispatcher_threads()
    {
        var settings = ImapSettings.Default with
        {
            Threads = Threads,
            Port = 0,
            Bind = ["127.0.0.1"],
            Auth = ImapSettings.Default.Auth with { FailureDelay = TimeSpan.FromMilliseconds(10), FailureDelayMax = TimeSpan.FromMilliseconds(20) },
        };
        var certificate = CertificateProvider.Load(new TlsSettings(null, null, null), _folder);
        var server = await ImapServer.StartAsync(Sys, settings, _store, certificate, Sys.ActorOf(Owners.LocalOwners.Props(_store)));
        try
        {
            var endpoint = (IPEndPoint)Assert.Single(server.Endpoints).Address;

            OccupyEveryWorkerAtOnce();
            // Six clients at once keep every thread busy with sessions, the account and workers.
            await Task.WhenAll(Enumerable.Range(0, 6).Select(n => MailDayAsync(endpoint, n)));
        }
        finally
        {
            await server.StopAsync();
        }

        var uses = _recorder.Uses;
        var sessions = uses.Where(u => u.ActorPath.EndsWith("/session", StringComparison.Ordinal)).ToList();
        var accounts = uses.Where(u => u.ActorPath.Contains("/acct-", StringComparison.Ordinal)).ToList();
        var workers = uses.Where(u => u.ActorPath.Contains("/workers-", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(sessions);
        Assert.NotEmpty(accounts);
        Assert.NotEmpty(workers);

        var imapActors = sessions.Concat(accounts).Concat(workers).ToList();
        var threads = imapActors.Select(u => u.ThreadId).Distinct().ToList();
        var report = string.Join("\n", imapActors.Select(u => $"{u.ActorPath} {u.Method} on {u.ThreadId} {u.ThreadName}").Distinct());
        Assert.True(threads.Count == Threads, $"{threads.Count} threads:\n{report}");
        Assert.All(imapActors, u => Assert.StartsWith(ImapDispatcher.ThreadNamePrefix, u.ThreadName ?? "(unnamed)"));
    }

    /// <summary>
    /// Sends the server's pool one work item per worker, each blocking until all have started: they
    /// can only all start on three different threads, so every dispatcher thread is seen.
    /// </summary>
    private void OccupyEveryWorkerAtOnce()
    {
        using var allStarted = new Barrier(Threads);
        var pool = Sys.ActorSelection("/user/workers-*");
        for (var i = 0; i < Threads; i++)
        {
            pool.Tell(new RunWork(() =>
            {
                _recorder.Note("RunWork");
                return Task.FromResult<object>(allStarted.SignalAndWait(Bound));
            }), TestActor);
        }

        for (var i = 0; i < Threads; i++)
        {
            Assert.True(ExpectMsg<bool>(Bound), "the workers did not all run at the same time");
        }
    }

    private static async Task MailDayAsync(IPEndPoint endpoint, int n)
    {
        await using var client = await TestClient.ConnectAsync(endpoint);
        Assert.StartsWith("* OK ", await client.ReadLineAsync());
        await RunAsync(client, "a", $"LOGIN {Login} {Password}");
        await RunAsync(client, "b", "LIST \"\" \"*\"");
        await RunAsync(client, "c", "SELECT INBOX");
        var message = $"Subject: note {n}\r\n\r\nhello from client {n}\r\n";
        await RunAsync(client, "d", $"APPEND INBOX {{{message.Length}+}}\r\n{message}");
        await RunAsync(client, "e", "FETCH 1:* (BODY.PEEK[])");
        await RunAsync(client, "f", "SEARCH TEXT hello");
        await RunAsync(client, "z", "LOGOUT");
    }

    private static async Task RunAsync(TestClient client, string tag, string command)
    {
        await client.WriteAsync($"{tag} {command}\r\n");
        string? line;
        do
        {
            line = await client.ReadLineAsync();
            Assert.NotNull(line);
        }
        while (!line.StartsWith(tag + " ", StringComparison.Ordinal));

        Assert.StartsWith(tag + " OK", line);
    }
}
