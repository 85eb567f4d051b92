using Akka.Actor;
using AkkaImap.Server.Accounts;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Accounts;

public sealed class AccountActorTests : AccountTestBase
{
    [Fact]
    public async Task Select_answers_with_the_folder_as_stored()
    {
        var inbox = (await Store.GetFolderAsync(Owner, "INBOX"))!;
        await Store.AppendAsync(inbox.Id, [Mail("one", MessageFlags.Seen), Mail("two")]);
        var session = CreateTestProbe();

        var snapshot = Select(session, "inbox", readOnly: true);

        Assert.Equal(inbox.Id, snapshot.FolderId);
        Assert.Equal("INBOX", snapshot.Name);
        Assert.Equal(inbox.UidValidity, snapshot.UidValidity);
        Assert.Equal(new uint[] { 1, 2 }, snapshot.Messages.Select(m => m.Uid));
        Assert.Equal(MessageFlags.Seen, snapshot.Messages[0].Flags);
        Assert.Equal(3u, snapshot.UidNext);
        Assert.True(snapshot.ReadOnly);
    }

    [Fact]
    public void Selecting_a_missing_folder_fails_with_nonexistent()
    {
        var session = CreateTestProbe();

        var failed = Ask<AccountCommandFailed>(session, new SelectFolder("Nope", false));

        Assert.Equal(AccountFailure.NonExistent, failed.Code);
    }

    [Fact]
    public void An_append_is_replied_to_its_sender_and_announced_to_the_other_session()
    {
        var alice = CreateTestProbe();
        var other = CreateTestProbe();
        var folderId = Select(alice).FolderId;
        Select(other);

        var appended = Ask<MessagesAppended>(alice, new AppendMessages("INBOX", [Mail("hi", MessageFlags.Flagged)]));

        Assert.Equal(new uint[] { 1 }, appended.Messages.Select(m => m.Uid));
        var ownChange = Assert.IsType<MessagesAdded>(Assert.Single(appended.Changes).Change);
        var ev = other.ExpectMsg<FolderEvent>();
        Assert.Equal(folderId, ev.FolderId);
        var added = Assert.IsType<MessagesAdded>(ev.Change);
        // Events cross the region serialized: equal content, not the same list instances.
        Assert.Equal(Rows(ownChange.Messages), Rows(added.Messages));
        Assert.Equal((ownChange.UidNext, ownChange.HighestModSeq), (added.UidNext, added.HighestModSeq));
        Assert.Equal(1u, added.Messages[0].Uid);
        Assert.Equal(MessageFlags.Flagged, added.Messages[0].Flags);
        Assert.Equal(2u, added.UidNext);
        ExpectNothingBefore(alice);
    }

    [Fact]
    public void Storing_flags_notifies_the_other_session()
    {
        var alice = CreateTestProbe();
        var other = CreateTestProbe();
        var folderId = Select(alice).FolderId;
        Ask<MessagesAppended>(alice, new AppendMessages("INBOX", [Mail("a"), Mail("b")]));
        Select(other);

        var stored = Ask<FlagsStored>(alice, new StoreFlags(folderId, [2], StoreMode.Add, MessageFlags.Seen, ["$Work"]));

        var changed = Assert.Single(stored.Changed);
        Assert.Equal(2u, changed.Uid);
        var ev = Assert.IsType<FlagsChanged>(other.ExpectMsg<FolderEvent>().Change);
        Assert.Equal(Rows([changed]), Rows(ev.Messages));
        Assert.Equal(MessageFlags.Seen, changed.Flags);
        Assert.Equal(new[] { "$Work" }, changed.Keywords);
        Assert.Equal(stored.HighestModSeq, ev.HighestModSeq);
        ExpectNothingBefore(alice);
    }

    [Fact]
    public void Expunge_notifies_the_other_session()
    {
        var alice = CreateTestProbe();
        var other = CreateTestProbe();
        var folderId = Select(alice).FolderId;
        Ask<MessagesAppended>(alice, new AppendMessages("INBOX", [Mail("a"), Mail("b", MessageFlags.Deleted), Mail("c", MessageFlags.Deleted)]));
        Select(other);

        var expunged = Ask<Expunged>(alice, new Expunge(folderId));

        Assert.Equal(new uint[] { 2, 3 }, expunged.Uids);
        var removed = Assert.IsType<MessagesRemoved>(other.ExpectMsg<FolderEvent>().Change);
        Assert.Equal(new uint[] { 2, 3 }, removed.Uids);
        Assert.Equal(expunged.HighestModSeq, removed.HighestModSeq);
    }

    [Fact]
    public void Copy_into_a_folder_another_session_has_selected_notifies_that_session()
    {
        var alice = CreateTestProbe();
        var archiveWatcher = CreateTestProbe();
        var inboxId = Select(alice).FolderId;
        Ask<MessagesAppended>(alice, new AppendMessages("INBOX", [Mail("a", MessageFlags.Seen), Mail("b")]));
        var archiveId = Select(archiveWatcher, "Archive").FolderId;

        var copied = Ask<MessagesCopied>(alice, new CopyMessages(inboxId, [1, 2], "Archive"));

        Assert.Equal(new uint[] { 1, 2 }, copied.Mapping.Select(m => m.SourceUid));
        var ev = archiveWatcher.ExpectMsg<FolderEvent>();
        Assert.Equal(archiveId, ev.FolderId);
        var added = Assert.IsType<MessagesAdded>(ev.Change);
        Assert.Equal(copied.Mapping.Select(m => m.TargetUid), added.Messages.Select(m => m.Uid));
        Assert.Equal(MessageFlags.Seen, added.Messages[0].Flags);
    }

    [Fact]
    public void Move_removes_from_the_source_and_adds_to_the_target_for_watching_sessions()
    {
        var alice = CreateTestProbe();
        var inboxWatcher = CreateTestProbe();
        var trashWatcher = CreateTestProbe();
        var inboxId = Select(alice).FolderId;
        Ask<MessagesAppended>(alice, new AppendMessages("INBOX", [Mail("a"), Mail("b")]));
        Select(inboxWatcher);
        Select(trashWatcher, "Trash");

        var moved = Ask<MessagesMoved>(alice, new MoveMessages(inboxId, [1], "Trash"));

        Assert.Equal(new uint[] { 1 }, moved.ExpungedUids);
        Assert.Equal(new uint[] { 1 }, Assert.IsType<MessagesRemoved>(inboxWatcher.ExpectMsg<FolderEvent>().Change).Uids);
        Assert.Single(Assert.IsType<MessagesAdded>(trashWatcher.ExpectMsg<FolderEvent>().Change).Messages);
        // The mover's own view learns of the removal from the reply.
        Assert.Contains(moved.Changes, e => e.FolderId == inboxId && e.Change is MessagesRemoved);
    }

    [Fact]
    public void Append_to_a_missing_folder_asks_the_client_to_create_it()
    {
        var alice = CreateTestProbe();

        var failed = Ask<AccountCommandFailed>(alice, new AppendMessages("Nowhere", [Mail("x")]));

        Assert.Equal(AccountFailure.TryCreate, failed.Code);
        Assert.Equal(AccountFailure.TryCreate, Ask<AccountCommandFailed>(alice, new CopyMessages(1, [1], "Nowhere")).Code);
    }

    [Fact]
    public void A_refused_store_operation_replies_failure_and_the_account_keeps_working()
    {
        var alice = CreateTestProbe();
        var other = CreateTestProbe();
        Select(alice);
        Select(other);

        Assert.Equal(AccountFailure.AlreadyExists, Ask<AccountCommandFailed>(alice, new CreateFolder("Sent")).Code);
        Assert.Equal(AccountFailure.Cannot, Ask<AccountCommandFailed>(alice, new DeleteFolder("INBOX")).Code);

        // Still the same actor with the same subscribers: the other session still hears of changes.
        Ask<MessagesAppended>(alice, new AppendMessages("INBOX", [Mail("after")]));
        Assert.IsType<MessagesAdded>(other.ExpectMsg<FolderEvent>().Change);
    }

    [Fact]
    public async Task A_later_select_sees_every_change_committed_while_the_folder_was_open()
    {
        var alice = CreateTestProbe();
        var late = CreateTestProbe();
        var folderId = Select(alice).FolderId;
        Ask<MessagesAppended>(alice, new AppendMessages("INBOX", [Mail("a"), Mail("b", MessageFlags.Deleted), Mail("c")]));
        Ask<FlagsStored>(alice, new StoreFlags(folderId, [3], StoreMode.Replace, MessageFlags.Answered, ["$Done"]));
        Ask<Expunged>(alice, new Expunge(folderId));

        var fromMemory = Select(late);

        await AssertAsStoredAsync(fromMemory);
        Assert.Contains("$Done", fromMemory.Keywords);
    }

    [Fact]
    public async Task A_folder_kept_loaded_after_every_session_left_it_stays_current()
    {
        var alice = CreateTestProbe();
        var writer = CreateTestProbe();
        var folderId = Select(alice).FolderId;
        Ask<MessagesAppended>(alice, new AppendMessages("INBOX", [Mail("a"), Mail("b")]));
        Select(alice, "Drafts");

        // Nobody has INBOX selected now; changes to it still pass through the account.
        Ask<MessagesAppended>(writer, new AppendMessages("INBOX", [Mail("c", MessageFlags.Deleted), Mail("d")]));
        Ask<FlagsStored>(writer, new StoreFlags(folderId, [1], StoreMode.Add, MessageFlags.Seen, ["$Later"]));
        Ask<Expunged>(writer, new Expunge(folderId));

        var again = Select(alice);
        Assert.Equal([1u, 2u, 4u], again.Messages.Select(r => r.Uid));
        await AssertAsStoredAsync(again);
        Assert.Contains("$Later", again.Keywords);
    }

    [Fact]
    public void A_folder_deleted_and_created_again_while_unselected_is_the_new_one()
    {
        var alice = CreateTestProbe();
        Ask<FolderCreated>(alice, new CreateFolder("Projects"));
        Ask<MessagesAppended>(alice, new AppendMessages("Projects", [Mail("old")]));
        var old = Select(alice, "Projects");
        Select(alice, "INBOX");

        Ask<FolderDeleted>(alice, new DeleteFolder("Projects"));
        Ask<FolderCreated>(alice, new CreateFolder("Projects"));

        var fresh = Select(alice, "Projects");
        Assert.NotEqual(old.UidValidity, fresh.UidValidity);
        Assert.Empty(fresh.Messages);
    }

    [Fact]
    public void Deleting_a_folder_tells_the_sessions_that_have_it_selected()
    {
        var alice = CreateTestProbe();
        var other = CreateTestProbe();
        Ask<FolderCreated>(alice, new CreateFolder("Projects"));
        var folderId = Select(other, "Projects").FolderId;

        Ask<FolderDeleted>(alice, new DeleteFolder("Projects"));

        var ev = other.ExpectMsg<FolderEvent>();
        Assert.Equal(folderId, ev.FolderId);
        Assert.IsType<FolderRemoved>(ev.Change);
    }

    [Fact]
    public async Task A_stopped_session_no_longer_gets_events()
    {
        var alice = CreateTestProbe();
        var gone = CreateTestProbe();
        var folderId = Select(alice).FolderId;
        Select(gone);
        Watch(gone.Ref);

        Sys.Stop(gone.Ref);
        ExpectTerminated(gone.Ref);

        await AwaitAssertAsync(async () =>
        {
            var count = await Region.Ask<SubscriberCount>(new AccountEnvelope(AccountId, new CountSubscribers(folderId)), TimeSpan.FromSeconds(3));
            Assert.Equal(1, count.Count);
        });
    }

    [Fact]
    public void Unselect_and_selecting_elsewhere_stop_the_events()
    {
        var alice = CreateTestProbe();
        var other = CreateTestProbe();
        var inboxId = Select(alice).FolderId;
        Select(other);
        Select(other, "Sent");
        Ask<MessagesAppended>(alice, new AppendMessages("INBOX", [Mail("a")]));
        ExpectNothingBefore(other);

        Select(other);
        Send(other, new UnselectFolder(inboxId));
        Ask<MessagesAppended>(alice, new AppendMessages("INBOX", [Mail("b")]));
        ExpectNothingBefore(other);
    }

    [Fact]
    public void Uid_expunge_removes_only_the_named_deleted_messages()
    {
        var alice = CreateTestProbe();
        var other = CreateTestProbe();
        var folderId = Select(alice).FolderId;
        Ask<MessagesAppended>(alice, new AppendMessages("INBOX", [Mail("a", MessageFlags.Deleted), Mail("b", MessageFlags.Deleted)]));
        Select(other);

        var expunged = Ask<Expunged>(alice, new Expunge(folderId, [2]));

        Assert.Equal(new uint[] { 2 }, expunged.Uids);
        Assert.Equal(new uint[] { 2 }, Assert.IsType<MessagesRemoved>(other.ExpectMsg<FolderEvent>().Change).Uids);
        Assert.Equal(new uint[] { 1 }, Select(other).Messages.Select(m => m.Uid));
    }

    [Fact]
    public void Renaming_inbox_empties_it_for_the_sessions_that_have_it_selected()
    {
        var alice = CreateTestProbe();
        var other = CreateTestProbe();
        var inboxId = Select(alice).FolderId;
        Ask<MessagesAppended>(alice, new AppendMessages("INBOX", [Mail("a"), Mail("b")]));
        Select(other);

        var renamed = Ask<FolderRenamed>(alice, new RenameFolder("INBOX", "Old mail"));

        var removed = Assert.IsType<MessagesRemoved>(other.ExpectMsg<FolderEvent>().Change);
        Assert.Equal(new uint[] { 1, 2 }, removed.Uids);
        Assert.Equal(inboxId, Assert.Single(renamed.Changes).FolderId);
        Assert.Equal(2, Select(alice, "Old mail").Messages.Count);
    }

    [Fact]
    public void A_renamed_folder_keeps_its_selection_and_answers_to_its_new_name()
    {
        var alice = CreateTestProbe();
        var other = CreateTestProbe();
        Ask<FolderCreated>(alice, new CreateFolder("Work/2024"));
        var folderId = Select(other, "Work/2024").FolderId;

        Ask<FolderRenamed>(alice, new RenameFolder("Work", "Jobs"));
        Ask<MessagesAppended>(alice, new AppendMessages("Jobs/2024", [Mail("a")]));

        Assert.Equal(folderId, other.ExpectMsg<FolderEvent>().FolderId);
        Assert.Equal("Jobs/2024", Select(alice, "Jobs/2024").Name);
    }

    private static IEnumerable<(uint, MessageFlags, string, ulong)> Rows(IEnumerable<MessageFlagState> rows) =>
        rows.Select(r => (r.Uid, r.Flags, string.Join(' ', r.Keywords), r.ModSeq));
}
