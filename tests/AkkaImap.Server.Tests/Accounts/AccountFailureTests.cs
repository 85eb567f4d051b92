using Akka.Actor;
using AkkaImap.Server.Accounts;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Accounts;

public sealed class AccountFailureTests : AccountTestBase
{
    private FaultyStore _faults = null!;

    protected override Props RegionProps(IStore store)
    {
        var (faulty, control) = FaultyStore.Wrap(store);
        _faults = control;
        return Owners.LocalOwners.Props(faulty);
    }

    [Fact]
    public void An_unexpected_store_error_replies_serverbug_and_keeps_the_sessions_subscribed()
    {
        var alice = CreateTestProbe();
        var other = CreateTestProbe();
        Select(alice);
        Select(other);

        _faults.FailNext = nameof(IMailStore.AppendAsync);
        var failed = Ask<AccountCommandFailed>(alice, new AppendMessages("INBOX", [Mail("lost")]));

        Assert.Equal(AccountFailure.ServerBug, failed.Code);
        Assert.Equal("SERVERBUG", ((Protocol.Responses.AtomCode)failed.Code.ToResponseCode()).Name);
        // Not restarted: the subscriptions made before the failure still deliver events.
        Ask<MessagesAppended>(alice, new AppendMessages("INBOX", [Mail("kept")]));
        var added = Assert.IsType<MessagesAdded>(other.ExpectMsg<FolderEvent>().Change);
        Assert.Equal(1u, Assert.Single(added.Messages).Uid);
    }

    [Fact]
    public void A_full_disk_replies_unavailable_and_the_next_append_goes_through()
    {
        var alice = CreateTestProbe();
        Select(alice);

        _faults.Fault = new StoreException(StoreError.StorageFull, StorageFull.Message);
        _faults.FailNext = nameof(IMailStore.AppendAsync);
        var failed = Ask<AccountCommandFailed>(alice, new AppendMessages("INBOX", [Mail("no room")]));

        Assert.Equal(AccountFailure.Unavailable, failed.Code);
        Assert.Equal("UNAVAILABLE", ((Protocol.Responses.AtomCode)failed.Code.ToResponseCode()).Name);
        Assert.Equal(StorageFull.Message, failed.Text);
        Assert.Equal([1u], Ask<MessagesAppended>(alice, new AppendMessages("INBOX", [Mail("room again")])).Messages.Select(m => m.Uid));
    }

    [Fact]
    public async Task A_folder_of_another_account_cannot_be_touched()
    {
        var bob = await Store.AddAccountAsync("bob@example.com", "pw");
        var bobInbox = (await Store.GetFolderAsync(bob.Owner, "INBOX"))!;
        await Store.AppendAsync(bobInbox.Id, [Mail("private", MessageFlags.Deleted)]);
        var alice = CreateTestProbe();

        Assert.Equal(AccountFailure.NonExistent, Ask<AccountCommandFailed>(alice, new Expunge(bobInbox.Id)).Code);
        Assert.Equal(AccountFailure.NonExistent,
            Ask<AccountCommandFailed>(alice, new StoreFlags(bobInbox.Id, [1], StoreMode.Add, MessageFlags.Seen, [])).Code);
        Assert.Single(await Store.GetMessageFlagsAsync(bobInbox.Id));
    }

    [Fact]
    public void Selecting_a_folder_another_session_has_open_is_served_from_memory()
    {
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        var folderId = Select(first).FolderId;
        Ask<MessagesAppended>(first, new AppendMessages("INBOX", [Mail("a"), Mail("b")]));

        // Reading the messages from the store would fail now.
        _faults.FailNext = nameof(IMailStore.GetMessageFlagsAsync);
        var snapshot = Select(second);

        Assert.Equal(folderId, snapshot.FolderId);
        Assert.Equal(new uint[] { 1, 2 }, snapshot.Messages.Select(m => m.Uid));
    }

    [Fact]
    public async Task A_failure_after_the_commit_still_brings_every_session_up_to_date()
    {
        var alice = CreateTestProbe();
        var other = CreateTestProbe();
        var folderId = Select(alice).FolderId;
        Select(other);

        // Mail stored behind the owner's back (as another node's delivery would be) leaves its list
        // short, so the append is read back from the store; it commits, then that read fails.
        await Store.AppendAsync(folderId, [Mail("delivered")]);
        _faults.FailNext = nameof(IMailStore.GetChangedSinceAsync);
        Assert.Equal(AccountFailure.ServerBug, Ask<AccountCommandFailed>(alice, new AppendMessages("INBOX", [Mail("durable")])).Code);

        foreach (var session in new[] { alice, other })
        {
            var ev = session.ExpectMsg<FolderEvent>();
            Assert.Equal(folderId, ev.FolderId);
            Assert.Equal(new uint[] { 1, 2 }, Assert.IsType<MessagesAdded>(ev.Change).Messages.Select(m => m.Uid));
        }
        Assert.Equal(new uint[] { 1, 2 }, Select(CreateTestProbe()).Messages.Select(m => m.Uid));
    }

    [Fact]
    public async Task An_append_to_a_folder_whose_list_is_complete_is_not_read_back_and_others_hear_it_as_stored()
    {
        var alice = CreateTestProbe();
        var other = CreateTestProbe();
        Select(alice);
        Select(other);

        // Armed but never reached: the owner knows the new rows from the append itself.
        _faults.FailNext = nameof(IMailStore.GetChangedSinceAsync);
        var appended = Ask<MessagesAppended>(alice, new AppendMessages("INBOX",
            [Mail("flagged", MessageFlags.Flagged | MessageFlags.Recent) with { Keywords = ["Work", "work", "$Label1"] }]));

        var row = Assert.Single(Assert.IsType<MessagesAdded>(other.ExpectMsg<FolderEvent>().Change).Messages);
        var own = Assert.Single(appended.Messages);
        Assert.Equal((1u, MessageFlags.Flagged, "Work $Label1"), (row.Uid, row.Flags, string.Join(' ', row.Keywords)));
        Assert.Equal((own.Uid, own.Flags, own.ModSeq), (row.Uid, row.Flags, row.ModSeq));
        Assert.Equal(own.ModSeq, (await Store.GetFolderAsync(appended.FolderId))!.HighestModSeq);
        Assert.Equal(nameof(IMailStore.GetChangedSinceAsync), _faults.FailNext);
    }
}

