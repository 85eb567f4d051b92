using System.Text;
using Akka.Actor;
using Akka.TestKit;
using AkkaImap.Server.Accounts;
using AkkaImap.Storage;
using AkkaImap.Storage.Sqlite;
using Xunit;

namespace AkkaImap.Server.Tests.Accounts;

/// <summary>
/// An actor system with owner entities (<see cref="Owners.LocalOwners"/>) over a real SQLite store in a temp folder,
/// holding one account (alice@example.com with the default folders).
/// </summary>
public abstract class AccountTestBase : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    protected AccountTestBase()
        // A reply waited for (ExpectMsg) may take longer than Akka's 3 s on a loaded 2-core machine:
        // the owner's first command runs cold (JIT, the store's first statements).
        : base(Owners.LocalOwners.Hocon + "akka.loglevel = WARNING\nakka.test.single-expect-default = 10s")
    {
    }

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkaimap-acct-" + Guid.NewGuid().ToString("N"));

    protected SqliteStore Store { get; private set; } = null!;
    protected IActorRef Region { get; private set; } = ActorRefs.Nobody;
    protected long AccountId { get; private set; }
    protected MailboxOwner Owner => MailboxOwner.ForAccount(AccountId);

    public virtual async Task InitializeAsync()
    {
        Store = await SqliteStore.OpenAsync(_folder, new StoreOptions { Fsync = false, ScramIterations = 1 });
        await Store.AddPostOfficeAsync("example.com", publicFolders: false);
        AccountId = (await Store.AddAccountAsync("alice@example.com", "secret")).Id;
        Region = Sys.ActorOf(RegionProps(Store), "accounts");
    }

    protected virtual Props RegionProps(IStore store) => Owners.LocalOwners.Props(store);

    public async Task DisposeAsync()
    {
        await Sys.Terminate();
        await Store.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    protected static AppendRequest Mail(string subject, MessageFlags flags = MessageFlags.None) =>
        new(Encoding.ASCII.GetBytes($"From: bob@example.com\r\nSubject: {subject}\r\n\r\nHello\r\n"), flags);

    protected void Send(TestProbe session, IAccountCommand command) =>
        Region.Tell(new AccountEnvelope(AccountId, command), session.Ref);

    protected T Ask<T>(TestProbe session, IAccountCommand command)
    {
        Send(session, command);
        return session.ExpectMsg<T>();
    }

    protected FolderSnapshot Select(TestProbe session, string name = "INBOX", bool readOnly = false) =>
        Ask<FolderSelected>(session, new SelectFolder(name, readOnly)).Snapshot;

    /// <summary>A snapshot served from the account's memory says what the store says.</summary>
    protected async Task AssertAsStoredAsync(FolderSnapshot snapshot)
    {
        var stored = await Store.GetMessageFlagsAsync(snapshot.FolderId);
        var folder = (await Store.GetFolderAsync(snapshot.FolderId))!;
        Assert.Equal(stored.Select(r => (r.Uid, r.Flags, string.Join(' ', r.Keywords), r.ModSeq)),
            snapshot.Messages.Select(r => (r.Uid, r.Flags, string.Join(' ', r.Keywords), r.ModSeq)));
        Assert.Equal(folder.UidNext, snapshot.UidNext);
        Assert.Equal(folder.HighestModSeq, snapshot.HighestModSeq);
    }

    /// <summary>
    /// Proves that <paramref name="session"/> got nothing before this point: replies and events come
    /// from the same actor in order, so the next message it gets must be this command's reply.
    /// </summary>
    protected void ExpectNothingBefore(TestProbe session) =>
        Ask<SubscriptionChanged>(session, new SetSubscribed("Drafts", true));
}
