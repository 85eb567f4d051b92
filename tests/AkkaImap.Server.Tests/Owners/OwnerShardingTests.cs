using System.Net;
using System.Text;
using Akka.Actor;
using Akka.Cluster;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Owners;
using AkkaImap.Server.Tls;
using AkkaImap.Storage;
using AkkaImap.Storage.Sqlite;
using MailKit;
using AppendRequest = AkkaImap.Storage.AppendRequest;
using MessageFlags = AkkaImap.Storage.MessageFlags;
using MailKit.Net.Imap;
using MailKit.Security;
using Xunit;

namespace AkkaImap.Server.Tests.Owners;

/// <summary>
/// Owners as the server runs them: a one-node cluster, the real shard region with idle passivation,
/// every message serialized, and a real IMAP listener driven by MailKit. An owner that stops under
/// an idling client (here: passivated after a second without commands) is replaced by a new
/// incarnation, and the client still hears the next APPEND.
/// </summary>
public sealed class OwnerShardingTests : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const string Login = "alice@example.com";
    private const string Password = "secret";
    private static readonly TimeSpan PassivateAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkaimap-sharding-" + Guid.NewGuid().ToString("N"));
    private SqliteStore _store = null!;
    private IActorRef _owners = ActorRefs.Nobody;
    private long _accountId;

    public OwnerShardingTests()
        : base(OwnerMessageSerializer.Hocon + """
            akka.actor.serialize-messages = on
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            akka.loglevel = WARNING
            """)
    {
    }

    public async Task InitializeAsync()
    {
        _store = await SqliteStore.OpenAsync(_folder, new StoreOptions { Fsync = false, ScramIterations = 1 });
        await _store.AddPostOfficeAsync("example.com", publicFolders: true);
        _accountId = (await _store.AddAccountAsync(Login, Password)).Id;
        var cluster = Cluster.Get(Sys);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        cluster.Join(cluster.SelfAddress);
        await up.Task.WaitAsync(Wait);
        _owners = await OwnerSharding.StartAsync(Sys, _store, new OwnerOptions(), PassivateAfter);
    }

    public async Task DisposeAsync()
    {
        Shutdown();
        await _store.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Cleaned up with the temp folder later.
        }
    }

    [Fact]
    public async Task An_idling_client_hears_the_next_append_after_its_owner_was_passivated()
    {
        var settings = ImapSettings.Default with { Port = 0, Bind = ["127.0.0.1"] };
        var certificate = CertificateProvider.Load(new TlsSettings(null, null, null), _folder);
        var server = await ImapServer.StartAsync(Sys, settings, _store, certificate, _owners);
        try
        {
            using var client = new ImapClient { Timeout = 20_000 };
            var endpoint = (IPEndPoint)Assert.Single(server.Endpoints).Address;
            await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None);
            await client.AuthenticateAsync(Login, Password);
            await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
            var owner = OwnerOf(MailboxOwner.ForAccount(_accountId));

            var heard = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            client.Inbox.CountChanged += (_, _) => heard.TrySetResult(client.Inbox.Count);
            using var done = new CancellationTokenSource();
            var idle = client.IdleAsync(done.Token);

            // Nobody sends the owner a command: it is passivated, and the session subscribes again.
            Watch(owner);
            ExpectTerminated(owner, Wait);
            var appender = CreateTestProbe();
            await AwaitAssertAsync(() =>
            {
                _owners.Tell(new AccountEnvelope(_accountId, new CountSubscribers(InboxId())), appender.Ref);
                Assert.Equal(1, appender.ExpectMsg<SubscriberCount>(Wait).Count);
            }, Wait);
            Assert.NotEqual(owner, appender.LastSender);

            _owners.Tell(new AccountEnvelope(_accountId, new AppendMessages("INBOX", [Mail("after passivation")])), appender.Ref);
            appender.ExpectMsg<MessagesAppended>(Wait);

            Assert.Equal(1, await heard.Task.WaitAsync(Wait));
            await done.CancelAsync();
            await idle;
            var summary = Assert.Single(await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope));
            Assert.Equal("after passivation", summary.Envelope?.Subject);
        }
        finally
        {
            await server.StopAsync();
        }
    }

    [Fact]
    public void A_subscriber_of_a_stopped_owner_is_told_and_resubscribes_with_what_it_missed()
    {
        var session = CreateTestProbe();
        var other = CreateTestProbe();
        var selected = Ask<FolderSelected>(session, new SelectFolder("INBOX", ReadOnly: false));
        var owner = session.LastSender;
        Ask<MessagesAppended>(other, new AppendMessages("INBOX", [Mail("one")]));
        var known = session.ExpectMsg<FolderEvent>(Wait);
        var modSeq = ((MessagesAdded)known.Change).HighestModSeq;

        // Idle for a second: the owner stops and says so to its subscriber.
        Assert.Equal(selected.Snapshot.FolderId, session.ExpectMsg<SubscriptionEnded>(Wait).FolderId);
        Assert.Equal(owner, session.LastSender);
        // Meanwhile another client appends (a new incarnation serves it) and flags the first message.
        Ask<MessagesAppended>(other, new AppendMessages("INBOX", [Mail("two")]));
        Ask<FlagsStored>(other, new StoreFlags(selected.Snapshot.FolderId, [1], StoreMode.Add, MessageFlags.Flagged, []));

        var resubscribed = Ask<Resubscribed>(session, new Resubscribe(selected.Snapshot.FolderId, modSeq));

        Assert.NotEqual(owner, session.LastSender);
        var added = resubscribed.Changes.OfType<MessagesAdded>().Single();
        Assert.Equal(new uint[] { 1, 2 }, added.Messages.Select(m => m.Uid));
        Assert.Equal(MessageFlags.Flagged, added.Messages[0].Flags);
        // Nothing vanished: no removal, which would hold the new messages back in a view.
        Assert.Empty(resubscribed.Changes.OfType<MessagesRemoved>());
        // Subscribed again: the next change is heard.
        Ask<MessagesAppended>(other, new AppendMessages("INBOX", [Mail("three")]));
        Assert.Equal(3u, ((MessagesAdded)session.ExpectMsg<FolderEvent>(Wait).Change).Messages.Single().Uid);
    }

    private T Ask<T>(Akka.TestKit.TestProbe from, IAccountCommand command)
    {
        _owners.Tell(new AccountEnvelope(_accountId, command), from.Ref);
        return from.ExpectMsg<T>(Wait);
    }

    private IActorRef OwnerOf(MailboxOwner owner)
    {
        var probe = CreateTestProbe();
        _owners.Tell(new AccountEnvelope(owner.Id, new CountSubscribers(InboxId())), probe.Ref);
        Assert.Equal(1, probe.ExpectMsg<SubscriberCount>(Wait).Count);
        return probe.LastSender;
    }

    private long InboxId() => _store.GetFolderAsync(MailboxOwner.ForAccount(_accountId), "INBOX").GetAwaiter().GetResult()!.Id;

    private static AppendRequest Mail(string subject) =>
        new(Encoding.ASCII.GetBytes($"From: bob@example.com\r\nSubject: {subject}\r\n\r\nHello\r\n"));
}
