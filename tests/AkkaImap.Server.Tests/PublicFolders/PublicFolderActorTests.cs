using System.Text;
using Akka.Actor;
using Akka.TestKit;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.PublicFolders;
using AkkaImap.Storage;
using AkkaImap.Storage.Sqlite;
using Xunit;

namespace AkkaImap.Server.Tests.PublicFolders;

/// <summary>
/// A post office's public-folder owner (<see cref="Server.Owners.OwnerActor"/>) over a real SQLite store: post office example.com with public
/// folder "News" and readers alice and bob, and post office other.org with carol.
/// </summary>
public sealed class PublicFolderActorTests : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    public PublicFolderActorTests()
        : base(Owners.LocalOwners.Hocon + "akka.loglevel = WARNING")
    {
    }

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkaimap-public-" + Guid.NewGuid().ToString("N"));
    private SqliteStore _store = null!;
    private IActorRef _region = ActorRefs.Nobody;
    private PostOffice _example = null!;
    private PostOffice _other = null!;
    private Account _alice = null!;
    private Account _bob = null!;
    private Account _carol = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteStore.OpenAsync(_folder, new StoreOptions { Fsync = false, ScramIterations = 1 });
        _example = await _store.AddPostOfficeAsync("example.com", publicFolders: true);
        _other = await _store.AddPostOfficeAsync("other.org", publicFolders: true);
        _alice = await _store.AddAccountAsync("alice@example.com", "pw");
        _bob = await _store.AddAccountAsync("bob@example.com", "pw");
        _carol = await _store.AddAccountAsync("carol@other.org", "pw");
        await _store.CreateFolderAsync(MailboxOwner.ForPublicFolders(_example.Id), "News");
        _region = Sys.ActorOf(Owners.LocalOwners.Props(_store), "owners");
    }

    public async Task DisposeAsync()
    {
        await Sys.Terminate();
        await _store.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private static AppendRequest Mail(string subject, MessageFlags flags = MessageFlags.None) =>
        new(Encoding.ASCII.GetBytes($"From: bob@example.com\r\nSubject: {subject}\r\n\r\nHello\r\n"), flags);

    private T Ask<T>(TestProbe session, Account reader, IAccountCommand command)
    {
        _region.Tell(new AccountEnvelope(reader.Id, new ToPublicFolders(reader.PostOfficeId, command)), session.Ref);
        return session.ExpectMsg<T>();
    }

    private FolderSnapshot Select(TestProbe session, Account reader, string name = "News", bool readOnly = false) =>
        Ask<FolderSelected>(session, reader, new SelectFolder(name, readOnly)).Snapshot;

    /// <summary>Replies and events come in order from one actor: a reply now proves nothing came before.</summary>
    private void ExpectNothingBefore(TestProbe session, Account reader) =>
        Ask<SubscriberCount>(session, reader, new CountSubscribers(0));

    [Fact]
    public void Readers_of_one_post_office_see_each_others_appends()
    {
        var alice = CreateTestProbe();
        var bob = CreateTestProbe();
        var snapshot = Select(alice, _alice);
        Select(bob, _bob);

        var appended = Ask<MessagesAppended>(alice, _alice, new AppendMessages("News", [Mail("hello", MessageFlags.Flagged)]));

        Assert.Equal("Public Folders/News", snapshot.Name);
        var ev = bob.ExpectMsg<FolderEvent>();
        Assert.Equal(snapshot.FolderId, ev.FolderId);
        var added = Assert.IsType<MessagesAdded>(ev.Change);
        Assert.Equal(appended.Messages.Select(m => m.Uid), added.Messages.Select(m => m.Uid));
        Assert.Equal(MessageFlags.Flagged, added.Messages[0].Flags);
        ExpectNothingBefore(alice, _alice);
    }

    [Fact]
    public void Seen_is_per_reader_and_shared_flags_reach_everyone()
    {
        var alice = CreateTestProbe();
        var bob = CreateTestProbe();
        var folderId = Select(alice, _alice).FolderId;
        Select(bob, _bob);
        Ask<MessagesAppended>(alice, _alice, new AppendMessages("News", [Mail("one", MessageFlags.Seen)]));
        var bobsAdd = Assert.IsType<MessagesAdded>(bob.ExpectMsg<FolderEvent>().Change);

        var stored = Ask<FlagsStored>(bob, _bob, new StoreFlags(folderId, [1], StoreMode.Add, MessageFlags.Flagged, []));

        // Alice appended it \Seen: seen for her, not for bob.
        Assert.Equal(MessageFlags.None, Assert.Single(bobsAdd.Messages).Flags);
        Assert.Equal(MessageFlags.Flagged, Assert.Single(stored.Changed).Flags);
        var alicesEvent = Assert.IsType<FlagsChanged>(alice.ExpectMsg<FolderEvent>().Change);
        Assert.Equal(MessageFlags.Flagged | MessageFlags.Seen, Assert.Single(alicesEvent.Messages).Flags);

        Ask<FlagsStored>(bob, _bob, new StoreFlags(folderId, [1], StoreMode.Add, MessageFlags.Seen, []));
        var aliceAgain = Assert.IsType<FlagsChanged>(alice.ExpectMsg<FolderEvent>().Change);
        Assert.Equal(MessageFlags.Flagged | MessageFlags.Seen, Assert.Single(aliceAgain.Messages).Flags);
        Ask<FlagsStored>(alice, _alice, new StoreFlags(folderId, [1], StoreMode.Remove, MessageFlags.Seen, []));
        var bobAgain = Assert.IsType<FlagsChanged>(bob.ExpectMsg<FolderEvent>().Change);
        Assert.Equal(MessageFlags.Flagged | MessageFlags.Seen, Assert.Single(bobAgain.Messages).Flags);

        var fresh = CreateTestProbe();
        Assert.Equal(MessageFlags.Flagged, Assert.Single(Select(fresh, _alice).Messages).Flags);
    }

    [Fact]
    public async Task A_read_only_folder_keeps_each_readers_seen_and_refuses_every_other_change()
    {
        var alice = CreateTestProbe();
        var folderId = Select(alice, _alice).FolderId;
        Ask<MessagesAppended>(alice, _alice, new AppendMessages("News", [Mail("before")]));
        // --read-only on is anyone = lrs (RFC 4314): look up, read, and keep one's own \Seen.
        Assert.True(await _store.SetFolderReadOnlyAsync(MailboxOwner.ForPublicFolders(_example.Id), "News", true));

        Ask<PublicFolderDenied>(alice, _alice, new AppendMessages("News", [Mail("after")]));
        Ask<PublicFolderDenied>(alice, _alice, new StoreFlags(folderId, [1], StoreMode.Add, MessageFlags.Deleted, []));
        Ask<PublicFolderDenied>(alice, _alice, new StoreFlags(folderId, [1], StoreMode.Add, MessageFlags.Flagged, []));
        Ask<PublicFolderDenied>(alice, _alice, new StoreFlags(folderId, [1], StoreMode.Replace, MessageFlags.Seen, []));
        Ask<PublicFolderDenied>(alice, _alice, new Expunge(folderId));
        Ask<FlagsStored>(alice, _alice, new StoreFlags(folderId, [1], StoreMode.Add, MessageFlags.Seen, []));
        var snapshot = Select(alice, _alice, readOnly: false);

        Assert.False(snapshot.ReadOnly);
        Assert.Equal(AclRights.ReadOnly, snapshot.Rights);
        Assert.Equal(MessageFlags.Seen, Assert.Single(snapshot.Messages).Flags);
    }

    [Fact]
    public async Task A_reader_without_any_right_that_changes_messages_selects_read_only_and_without_r_not_at_all()
    {
        var alice = CreateTestProbe();
        var news = await _store.GetFolderAsync(MailboxOwner.ForPublicFolders(_example.Id), "News");
        await _store.SetRightsAsync(news!.Id, 0, AclRight.Lookup | AclRight.Read);
        Assert.True(Select(alice, _alice).ReadOnly);

        await _store.SetRightsAsync(news.Id, 0, AclRight.Lookup);
        Ask<PublicFolderDenied>(alice, _alice, new SelectFolder("News", false));
        await _store.SetRightsAsync(news.Id, 0, null);
        Assert.Equal(AccountFailure.NonExistent, Ask<AccountCommandFailed>(alice, _alice, new SelectFolder("News", false)).Code);
        // Alice's own entry counts with anyone's.
        await _store.SetRightsAsync(news.Id, _alice.Id, AclRight.Read | AclRight.Insert);
        Assert.False(Select(alice, _alice).ReadOnly);
    }

    [Fact]
    public async Task A_read_only_folder_takes_no_children()
    {
        // Issue 16, finding 5: users cannot delete public folders, so children of a read-only
        // folder would pile up for the whole post office.
        Assert.True(await _store.SetFolderReadOnlyAsync(MailboxOwner.ForPublicFolders(_example.Id), "News", true));
        var alice = CreateTestProbe();

        Ask<PublicFolderDenied>(alice, _alice, new CreateFolder("News/Mine"));
        Ask<PublicFolderDenied>(alice, _alice, new CreateFolder("News/Deeper/Mine"));

        Assert.Null(await _store.GetFolderAsync(MailboxOwner.ForPublicFolders(_example.Id), "News/Mine"));
        Assert.Equal("Public Folders/Elsewhere", Ask<FolderCreated>(alice, _alice, new CreateFolder("Elsewhere")).Name);
    }

    [Fact]
    public void Another_post_office_never_reaches_the_folders()
    {
        var carol = CreateTestProbe();

        var failed = Ask<AccountCommandFailed>(carol, _carol, new SelectFolder("News", false));
        var append = Ask<AccountCommandFailed>(carol, _carol, new AppendMessages("News", [Mail("x")]));

        Assert.Equal(AccountFailure.NonExistent, failed.Code);
        Assert.Equal(AccountFailure.TryCreate, append.Code);
    }

    [Fact]
    public async Task A_folder_id_of_another_post_office_is_refused()
    {
        var alice = CreateTestProbe();
        var carol = CreateTestProbe();
        var folderId = Select(alice, _alice).FolderId;
        Ask<MessagesAppended>(alice, _alice, new AppendMessages("News", [Mail("secret")]));

        Ask<AccountCommandFailed>(carol, _carol, new StoreFlags(folderId, [1], StoreMode.Add, MessageFlags.Deleted, []));
        Ask<AccountCommandFailed>(carol, _carol, new Expunge(folderId));

        Assert.Equal(MessageFlags.None, (await _store.GetMessageAsync(folderId, 1))!.Flags);
    }

    [Fact]
    public async Task Copy_into_a_public_folder_takes_only_the_readers_own_folders()
    {
        var alice = CreateTestProbe();
        var bob = CreateTestProbe();
        var snapshot = Select(bob, _bob);
        var inbox = (await _store.GetFolderAsync(_alice.Owner, "INBOX"))!;
        var bobsInbox = (await _store.GetFolderAsync(_bob.Owner, "INBOX"))!;
        await _store.AppendAsync(inbox.Id, [Mail("share me", MessageFlags.Seen | MessageFlags.Answered)]);
        await _store.AppendAsync(bobsInbox.Id, [Mail("private")]);

        var copied = Ask<MessagesCopied>(alice, _alice, new CopyIntoPublic(inbox.Id, [1], "News"));
        var refused = Ask<AccountCommandFailed>(alice, _alice, new CopyIntoPublic(bobsInbox.Id, [1], "News"));

        Assert.Equal(snapshot.FolderId, copied.TargetFolderId);
        Assert.Equal(new uint[] { 1 }, copied.Mapping.Select(m => m.TargetUid));
        Assert.Equal(AccountFailure.NonExistent, refused.Code);
        Assert.IsType<MessagesAdded>(bob.ExpectMsg<FolderEvent>().Change);
        Assert.Single(await _store.GetMessageFlagsAsync(snapshot.FolderId));
        // The copier's \Seen went with the copy; for bob it is a new, unseen message.
        Assert.Equal(MessageFlags.Seen | MessageFlags.Answered, Assert.Single(Select(alice, _alice).Messages).Flags);
        Assert.Equal(MessageFlags.Answered, Assert.Single(Select(CreateTestProbe(), _bob).Messages).Flags);
    }

    [Fact]
    public async Task Readers_create_but_delete_or_rename_only_with_x()
    {
        var alice = CreateTestProbe();

        var created = Ask<FolderCreated>(alice, _alice, new CreateFolder("Team/Minutes"));
        // The default list (lrswipkte) has no x: one reader may not throw away everyone's folder.
        Ask<PublicFolderDenied>(alice, _alice, new DeleteFolder("News"));
        Ask<PublicFolderDenied>(alice, _alice, new RenameFolder("News", "Old"));

        Assert.Equal("Public Folders/Team/Minutes", created.Name);
        Select(alice, _alice, "Team/Minutes");

        var news = await _store.GetFolderAsync(MailboxOwner.ForPublicFolders(_example.Id), "News");
        await _store.SetRightsAsync(news!.Id, _alice.Id, AclRight.DeleteMailbox);
        Ask<FolderRenamed>(alice, _alice, new RenameFolder("News", "Old"));
        Ask<FolderDeleted>(alice, _alice, new DeleteFolder("Old"));
    }

    [Fact]
    public void Create_is_refused_when_user_create_is_off()
    {
        var region = Sys.ActorOf(Owners.LocalOwners.Props(_store, new Server.Owners.OwnerOptions(PublicFolderUserCreate: false)));
        var alice = CreateTestProbe();

        region.Tell(new AccountEnvelope(_alice.Id, new ToPublicFolders(_example.Id, new CreateFolder("Mine"))), alice.Ref);

        alice.ExpectMsg<PublicFolderDenied>();
    }

    [Fact]
    public void Public_commands_go_to_the_post_office_owner_and_the_rest_to_the_account()
    {
        var extractor = Server.Owners.OwnerSharding.MessageExtractor;
        var toPublic = new AccountEnvelope(_alice.Id, new ToPublicFolders(_alice.PostOfficeId, new SelectFolder("News", false)));
        var toOwn = new AccountEnvelope(_alice.Id, new SelectFolder("INBOX", false));

        Assert.Equal($"po-{_alice.PostOfficeId}", extractor.EntityId(toPublic));
        Assert.Equal($"acct-{_alice.Id}", extractor.EntityId(toOwn));
        // The reader goes with the command; the post office never comes from the client.
        Assert.Equal(new OwnerRequest(_alice.Id, new SelectFolder("News", false)), extractor.EntityMessage(toPublic));
        Assert.Equal(new OwnerRequest(_alice.Id, new SelectFolder("INBOX", false)), extractor.EntityMessage(toOwn));
    }
}
