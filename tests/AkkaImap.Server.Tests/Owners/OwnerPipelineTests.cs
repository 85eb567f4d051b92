using System.Text;
using Akka.TestKit;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Tests.Sessions;
using AkkaImap.Storage;
using Microsoft.Data.Sqlite;
using Xunit;

namespace AkkaImap.Server.Tests.Owners;

/// <summary>
/// An owner's writes share commits where they can: it sends a STORE or EXPUNGE in a loaded folder
/// to SQLite's writer as soon as it takes it, behind the writes still in flight, and answers them
/// in the order taken (a session's pipelined STORE \Deleted and EXPUNGE then share one commit);
/// an APPEND whose messages a session claims as \Recent stores the claim with them.
/// </summary>
public sealed class OwnerPipelineTests : SessionTestKit
{
    [Fact]
    public async Task Writes_taken_while_one_is_in_flight_share_the_next_commit_and_are_answered_in_order()
    {
        var account = (await Store.FindAccountAsync(Login))!;
        await AppendThroughAccountAsync("INBOX",
            new AppendRequest(Encoding.ASCII.GetBytes("Subject: one\r\n\r\nOne.\r\n")),
            new AppendRequest(Encoding.ASCII.GetBytes("Subject: two\r\n\r\nTwo.\r\n")));
        var session = CreateTestProbe();
        Region.Tell(new AccountEnvelope(account.Id, new SelectFolder("INBOX", ReadOnly: false, RecentMode.None), null, 1), session.Ref);
        var folderId = Assert.IsType<FolderSelected>(session.ExpectMsg<OwnerReply>(Wait).Reply).Snapshot.FolderId;

        // Another connection holds the database's write lock, and the writer waits with a write
        // of its own in hand (one the owner does not know of: a message it does not use).
        await using var blocker = new SqliteConnection($"Data Source={Store.DatabasePath}");
        await blocker.OpenAsync();
        await ExecAsync(blocker, "BEGIN IMMEDIATE");
        var commits = Store.CommitCount;
        var first = Store.StoreFlagsAsync(folderId, [1u], StoreMode.Add, MessageFlags.Flagged);
        await Store.WhenQueuedWrites(0).WaitAsync(Wait);

        Region.Tell(new AccountEnvelope(account.Id, new StoreFlags(folderId, [2u], StoreMode.Add, MessageFlags.Deleted, [], null), null, 2), session.Ref);
        Region.Tell(new AccountEnvelope(account.Id, new Expunge(folderId, null), null, 3), session.Ref);
        // Both wait behind it, neither answered.
        await Store.WhenQueuedWrites(2).WaitAsync(Wait);
        session.ExpectNoMsg(TimeSpan.Zero);
        await ExecAsync(blocker, "ROLLBACK");

        await first;
        var deleted = session.ExpectMsg<OwnerReply>(Wait);
        Assert.Equal(2, deleted.RequestId);
        Assert.Equal([2u], Assert.IsType<FlagsStored>(deleted.Reply).Changed.Select(row => row.Uid));
        var expunged = session.ExpectMsg<OwnerReply>(Wait);
        Assert.Equal(3, expunged.RequestId);
        Assert.Equal([2u], Assert.IsType<Expunged>(expunged.Reply).Uids);
        Assert.Equal(2, Store.CommitCount - commits);
        Assert.Equal([1u], (await Store.GetMessageFlagsAsync(folderId)).Select(row => row.Uid));
    }

    [Fact]
    public async Task A_store_that_changes_nothing_is_answered_without_a_write_unless_a_write_is_in_flight()
    {
        var account = (await Store.FindAccountAsync(Login))!;
        await AppendThroughAccountAsync("INBOX",
            new AppendRequest(Encoding.ASCII.GetBytes("Subject: read\r\n\r\nRead.\r\n"), MessageFlags.Seen, ["$Done"]));
        var session = CreateTestProbe();
        Region.Tell(new AccountEnvelope(account.Id, new SelectFolder("INBOX", ReadOnly: false, RecentMode.None), null, 1), session.Ref);
        var snapshot = Assert.IsType<FolderSelected>(session.ExpectMsg<OwnerReply>(Wait).Reply).Snapshot;
        var writes = Store.WriteOperationCount;

        // Already \Seen and $Done; no such message as 9.
        Region.Tell(new AccountEnvelope(account.Id, new StoreFlags(snapshot.FolderId, [1u, 9u], StoreMode.Add, MessageFlags.Seen | MessageFlags.Recent, ["$done"], null), null, 2), session.Ref);
        var unchanged = Assert.IsType<FlagsStored>(session.ExpectMsg<OwnerReply>(Wait).Reply);
        Assert.Empty(unchanged.Changed);
        Assert.Equal(snapshot.HighestModSeq, unchanged.HighestModSeq);
        Assert.Equal(writes, Store.WriteOperationCount);

        // With a STORE -FLAGS \Seen in flight, the loaded folder still says \Seen: the +FLAGS
        // behind it must be written all the same.
        await using var blocker = new SqliteConnection($"Data Source={Store.DatabasePath}");
        await blocker.OpenAsync();
        await ExecAsync(blocker, "BEGIN IMMEDIATE");
        var held = Store.SetSubscribedAsync(account.Owner, "Sent", false);
        await Store.WhenQueuedWrites(0).WaitAsync(Wait);
        Region.Tell(new AccountEnvelope(account.Id, new StoreFlags(snapshot.FolderId, [1u], StoreMode.Remove, MessageFlags.Seen, [], null), null, 3), session.Ref);
        Region.Tell(new AccountEnvelope(account.Id, new StoreFlags(snapshot.FolderId, [1u], StoreMode.Add, MessageFlags.Seen, [], null), null, 4), session.Ref);
        await Store.WhenQueuedWrites(2).WaitAsync(Wait);
        await ExecAsync(blocker, "ROLLBACK");
        await held;

        foreach (var (id, seen) in new[] { (3L, false), (4L, true) })
        {
            var reply = session.ExpectMsg<OwnerReply>(Wait);
            Assert.Equal(id, reply.RequestId);
            Assert.Equal(seen, Assert.Single(Assert.IsType<FlagsStored>(reply.Reply).Changed).Flags.HasFlag(MessageFlags.Seen));
        }
        Assert.Equal(MessageFlags.Seen, Assert.Single(await Store.GetMessageFlagsAsync(snapshot.FolderId)).Flags);
    }

    [Fact]
    public async Task An_append_into_a_folder_a_session_has_selected_stores_its_recent_claim_in_the_same_commit()
    {
        var account = (await Store.FindAccountAsync(Login))!;
        var session = CreateTestProbe();
        Region.Tell(new AccountEnvelope(account.Id, new SelectFolder("INBOX", ReadOnly: false, RecentMode.Claim), null, 1), session.Ref);
        var folderId = Assert.IsType<FolderSelected>(session.ExpectMsg<OwnerReply>(Wait).Reply).Snapshot.FolderId;
        var commits = Store.CommitCount;

        Region.Tell(new AccountEnvelope(account.Id, new AppendMessages("INBOX", [new AppendRequest(Encoding.ASCII.GetBytes("Subject: new\r\n\r\nNew.\r\n"))]), null, 2), session.Ref);

        var appended = Assert.IsType<MessagesAppended>(session.ExpectMsg<OwnerReply>(Wait).Reply);
        // \Recent for the session that has the folder selected, and for nobody after it.
        var added = Assert.IsType<MessagesAdded>(Assert.Single(appended.Changes).Change);
        Assert.True(added.Messages.Single().Flags.HasFlag(MessageFlags.Recent));
        Assert.Equal(0, (await Store.GetStatusAsync(folderId, countRecent: true))!.Recent);
        Assert.Equal(1, Store.CommitCount - commits);
    }

    [Fact]
    public async Task A_write_taken_as_the_store_closes_is_refused_and_the_owner_answers_the_next()
    {
        var account = (await Store.FindAccountAsync(Login))!;
        await AppendThroughAccountAsync("INBOX", new AppendRequest(Encoding.ASCII.GetBytes("Subject: one\r\n\r\nOne.\r\n")));
        var session = CreateTestProbe();
        Region.Tell(new AccountEnvelope(account.Id, new SelectFolder("INBOX", ReadOnly: false, RecentMode.None), null, 1), session.Ref);
        var folderId = Assert.IsType<FolderSelected>(session.ExpectMsg<OwnerReply>(Wait).Reply).Snapshot.FolderId;

        // The server stops: its store closes while the owner still has the folder loaded, and
        // the store's write call throws at once.
        await Store.DisposeAsync();
        Region.Tell(new AccountEnvelope(account.Id, new StoreFlags(folderId, [1u], StoreMode.Add, MessageFlags.Seen, [], null), null, 2), session.Ref);
        Region.Tell(new AccountEnvelope(account.Id, new Expunge(folderId, null), null, 3), session.Ref);

        foreach (var id in new long[] { 2, 3 })
        {
            var reply = session.ExpectMsg<OwnerReply>(Wait);
            Assert.Equal(id, reply.RequestId);
            Assert.Equal(AccountFailure.Unavailable, Assert.IsType<AccountCommandFailed>(reply.Reply).Code);
        }
    }

    private static async Task ExecAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
