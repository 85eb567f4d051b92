using System.Text;
using AkkaImap.Storage.Postgres;
using Npgsql;

namespace AkkaImap.Storage.Tests;

/// <summary>
/// The contract against the PostgreSQL store on a private PostgreSQL: each test has a database
/// of its own, which stands for the data folder (every store "opened on the folder" is a store on
/// that database, as the CLI and the nodes of a cluster are).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresMailStoreTests(PostgresFixture fixture) : MailStoreContract
{
    private string? _connectionString;
    private string _database = "";

    private async Task<string> ConnectionStringAsync()
    {
        if (_connectionString is null)
        {
            _database = "t" + Path.GetFileName(DataFolder);
            _connectionString = await fixture.Server.CreateDatabaseAsync(_database);
        }
        return _connectionString;
    }

    protected override async Task<IStore> OpenStoreAsync(string dataFolder, bool fullTextIndex = true) =>
        await PostgresStore.OpenAsync(await ConnectionStringAsync(), new StoreOptions { FullTextIndex = fullTextIndex });

    protected override Task<long> CountBlobsAsync(IStore store) => ((PostgresStore)store).CountBlobsAsync();

    protected override long CommitCount(IStore store) => ((PostgresStore)store).CommitCount;

    protected override IEnumerable<string> StoreFiles(string dataFolder) =>
        fixture.Server.DatabaseFilesAsync(_database).GetAwaiter().GetResult();

    /// <summary>The test's database goes with it: a few megabytes each, a hundred tests per run.</summary>
    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_connectionString is not null) await fixture.Server.DropDatabaseAsync(_database);
    }

    private async Task<NpgsqlConnection> RawAsync()
    {
        var c = new NpgsqlConnection(await ConnectionStringAsync());
        await c.OpenAsync();
        return c;
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        return await cmd.ExecuteScalarAsync();
    }

    protected override async Task SetUidNextAsync(long folderId, uint uidNext)
    {
        await using var raw = await RawAsync();
        await ScalarAsync(raw, $"UPDATE folders SET uidnext = {uidNext} WHERE id = {folderId}");
    }

    protected override async Task RollBackToBeforeTheCountsAsync()
    {
        await using var raw = await RawAsync();
        await ScalarAsync(raw, """
            DROP TRIGGER messages_counted_in ON messages; DROP TRIGGER messages_counted_out ON messages; DROP TRIGGER messages_recounted ON messages;
            ALTER TABLE folders DROP COLUMN message_count, DROP COLUMN unseen_count, DROP COLUMN deleted_count, DROP COLUMN total_size, DROP COLUMN deleted_size;
            UPDATE schema_version SET version = 10;
            """);
    }

    protected override async Task RollBackToBeforeTheSentDateAsync()
    {
        await using var raw = await RawAsync();
        await ScalarAsync(raw, "ALTER TABLE blobs DROP COLUMN sent_date; UPDATE schema_version SET version = 6");
    }

    [Fact]
    public async Task The_schema_carries_its_version_in_a_table_and_opening_again_migrates_nothing()
    {
        await using var raw = await RawAsync();
        Assert.Equal(13, await ScalarAsync(raw, "SELECT version FROM schema_version"));
        Assert.Equal(1L, await ScalarAsync(raw, "SELECT count(*) FROM schema_version"));
        await ReopenAsync();
        Assert.Equal((13, 13), await PostgresStore.ReadSchemaVersionAsync(await ConnectionStringAsync()));
    }

    [Fact]
    public async Task The_stores_connections_plan_each_statement_once_unless_the_connection_string_says_otherwise()
    {
        Assert.Equal("force_generic_plan", await ((PostgresStore)Store).ShowAsync("plan_cache_mode"));

        await using var own = await PostgresStore.OpenAsync(await ConnectionStringAsync() + ";Options=-c plan_cache_mode=auto");
        Assert.Equal("auto", await own.ShowAsync("plan_cache_mode"));
    }

    [Fact]
    public async Task Bodies_and_their_text_are_compressed_with_lz4_on_a_server_built_with_it()
    {
        // Debian's PostgreSQL is built with LZ4; schema 13 keeps pglz on a server without it.
        await using var raw = await RawAsync();
        Assert.Equal("blob_text.body=l blob_text.header=l blobs.body=l blobs.content=l blobs.envelope=l blobs.parts=l", await ScalarAsync(raw, """
            SELECT string_agg(c.relname || '.' || a.attname || '=' || a.attcompression::text, ' ' ORDER BY c.relname, a.attname)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relname IN ('blobs', 'blob_text') AND a.attcompression <> ''::"char"
            """));
    }

    [Fact]
    public async Task A_store_left_at_the_first_version_7_of_the_write_functions_gets_the_sent_date_and_one_append_function()
    {
        // Main briefly had the write functions as schema 7, before the sent date took that number:
        // such a store has the functions of the old signature and no sent_date column.
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        await Store.DisposeAsync();
        await using (var raw = await RawAsync())
        {
            await ScalarAsync(raw, """
                ALTER TABLE blobs DROP COLUMN sent_date;
                CREATE FUNCTION akkaimap_append(p_folder bigint, p_now bigint, p_staged bigint[], p_flags integer[], p_keywords text[],
                    p_dates bigint[], p_tzs integer[], p_email_ids text[], p_sizes bigint[], p_envelopes bytea[], p_bodies bytea[], p_parts bytea[],
                    p_previews text[], p_contents bytea[], p_unindexed boolean[], p_header text[], p_text text[], p_from text[], p_to text[],
                    p_cc text[], p_bcc text[], p_subject text[], p_keep_up boolean, OUT uidvalidity bigint, OUT first_uid bigint, OUT new_modseq bigint)
                LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the old function'; END $$;
                UPDATE schema_version SET version = 7;
                """);
        }

        await ReopenAsync();

        await using (var raw = await RawAsync())
        {
            Assert.Equal(1L, await ScalarAsync(raw, "SELECT count(*) FROM pg_proc WHERE proname = 'akkaimap_append'"));
        }
        var uid = (await AppendAsync(inbox.Id, Simple("after")))[0];
        var facts = await Store.GetSortFactsAsync(inbox.Id, [uid], SortFactsNeed.SentDate);
        Assert.Equal(new DateTimeOffset(1994, 2, 8, 5, 52, 25, TimeSpan.Zero), facts[0].SentDate);
    }

    [Fact]
    public async Task A_store_from_before_the_full_text_index_gets_its_messages_indexed_by_the_migration()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var uids = await AppendAsync(inbox.Id, "From: Jürgen <j@example.de>\r\nSubject: old\r\n\r\nSch=C3=B6ne Gr=C3=BC=C3=9Fe\r\n", "Subject: other\r\n\r\nnothing\r\n");
        await Store.DisposeAsync();
        await using (var raw = await RawAsync())
        {
            // Schema 3 as it was: no index, and the read-only switch instead of access control lists.
            await ScalarAsync(raw, "DROP TABLE blob_text_pending; DROP TABLE blob_text; DROP TABLE acl; ALTER TABLE folders ADD COLUMN read_only boolean NOT NULL DEFAULT false; ALTER TABLE blobs DROP COLUMN sent_date; UPDATE schema_version SET version = 3");
        }

        await ReopenAsync();

        Assert.Equal([uids[0]], (await Store.SearchIndexAsync(inbox.Id, Search.IndexedField.From, "jürgen"))!.Matches.ToArray());
        Assert.Equal([uids[1]], (await Store.SearchIndexAsync(inbox.Id, Search.IndexedField.Body, "NOTHING"))!.Matches.ToArray());
    }

    [Fact]
    public async Task A_store_written_by_a_newer_AkkaImap_is_refused_with_both_versions()
    {
        await using (var raw = await RawAsync())
        {
            await ScalarAsync(raw, "UPDATE schema_version SET version = 99");
        }

        var refused = await Assert.ThrowsAsync<StoreVersionException>(() => PostgresStore.OpenAsync(_connectionString!));

        Assert.Equal((99, 13), (refused.Found, refused.Known));
        Assert.Contains("schema version 99", refused.Message);
    }

    [Fact]
    public async Task Two_stores_appending_to_one_folder_at_once_never_share_a_uid()
    {
        // Two nodes by mistake (a split brain): each has its own writer and commits on its own.
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var other = await OpenAsync();
        const int each = 60;

        var appends = Enumerable.Range(0, 2 * each).Select(i => (i % 2 == 0 ? Store : other)
            .AppendAsync(inbox.Id, [new AppendRequest(Encoding.UTF8.GetBytes(Simple($"m{i}")))]));
        var results = await Task.WhenAll(appends);

        var uids = results.Select(r => r.Uids.Single()).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 2 * each).Select(i => (uint)i), uids);
        var modSeqs = results.Select(r => r.ModSeq).ToList();
        Assert.Equal(modSeqs.Count, modSeqs.Distinct().Count());
        var status = await Store.GetStatusAsync(inbox.Id);
        Assert.Equal((2 * each, (uint)(2 * each + 1), modSeqs.Max()), (status!.Messages, status.UidNext, status.HighestModSeq));
    }

    [Fact]
    public async Task An_owner_left_behind_writes_nothing_once_another_node_took_its_mailbox()
    {
        // Two serving nodes: the first owned the account, was cut off, and the cluster started its
        // owner on the second, which took the lease. The first's writes are refused, every kind.
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        await using var before = await PostgresStore.OpenAsync(await ConnectionStringAsync(), new StoreOptions { OwnerLeases = true });
        await using var after = await PostgresStore.OpenAsync(await ConnectionStringAsync(), new StoreOptions { OwnerLeases = true });
        await before.TakeOwnershipAsync(account.Owner);
        var first = await before.AppendAsync(inbox.Id, [new AppendRequest(Encoding.UTF8.GetBytes(Simple("first")))]);
        await before.CreateFolderAsync(account.Owner, "Kept");
        var archive = await before.CreateFolderAsync(account.Owner, "Target");

        await after.TakeOwnershipAsync(account.Owner);
        var second = await after.AppendAsync(inbox.Id, [new AppendRequest(Encoding.UTF8.GetBytes(Simple("second")))]);

        uint[] one = [first.Uids[0]];
        var refused = new (string What, Func<Task> Write)[]
        {
            ("APPEND", () => before.AppendAsync(inbox.Id, [new AppendRequest(Encoding.UTF8.GetBytes(Simple("late")))])),
            ("STORE", () => before.StoreFlagsAsync(inbox.Id, one, StoreMode.Add, MessageFlags.Deleted)),
            ("STORE of a keyword", () => before.StoreFlagsAsync(inbox.Id, one, StoreMode.Add, MessageFlags.None, ["$Late"])),
            ("EXPUNGE", () => before.ExpungeAsync(inbox.Id)),
            ("COPY", () => before.CopyAsync(inbox.Id, one, archive.Id)),
            ("MOVE", () => before.MoveAsync(inbox.Id, one, archive.Id)),
            ("CREATE", () => before.CreateFolderAsync(account.Owner, "Late")),
            ("DELETE", () => before.DeleteFolderAsync(account.Owner, "Kept")),
            ("RENAME", () => before.RenameFolderAsync(account.Owner, "Kept", "Renamed")),
            ("SUBSCRIBE", () => before.SetSubscribedAsync(account.Owner, "Kept", true)),
        };
        foreach (var (what, write) in refused)
        {
            var error = await Assert.ThrowsAsync<StoreException>(write);
            Assert.True(error.Error == StoreError.Superseded, $"{what}: {error.Error} {error.Message}");
        }

        // Nothing of them happened; the new owner and the command line tools (no lease) write on.
        var status = await Store.GetStatusAsync(inbox.Id);
        Assert.Equal((2, second.Uids[0] + 1), (status!.Messages, status.UidNext));
        Assert.Equal(0, (await Store.GetStatusAsync(archive.Id))!.Messages);
        var names = (await Store.ListFoldersAsync(account.Owner)).Select(f => f.Name).ToList();
        Assert.Contains("Kept", names);
        Assert.DoesNotContain("Late", names);
        Assert.DoesNotContain("Renamed", names);
        Assert.DoesNotContain("Kept", await Store.ListSubscriptionsAsync(account.Owner));
        await after.StoreFlagsAsync(inbox.Id, one, StoreMode.Add, MessageFlags.Seen);
        await Store.AppendAsync(inbox.Id, [new AppendRequest(Encoding.UTF8.GetBytes(Simple("imported")))]);

        // Taking the lease back turns it round.
        await before.TakeOwnershipAsync(account.Owner);
        await before.AppendAsync(inbox.Id, [new AppendRequest(Encoding.UTF8.GetBytes(Simple("back")))]);
        Assert.Equal(StoreError.Superseded, (await Assert.ThrowsAsync<StoreException>(() => after.ExpungeAsync(inbox.Id))).Error);
        Assert.Equal(4, (await Store.GetStatusAsync(inbox.Id))!.Messages);
    }

    [Fact]
    public async Task The_database_itself_refuses_a_uidnext_or_highest_modseq_that_goes_down()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        await AppendAsync(inbox.Id, Simple("one"), Simple("two"));
        await using var raw = await RawAsync();

        var lowerUid = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(raw, $"UPDATE folders SET uidnext = 2 WHERE id = {inbox.Id}"));
        var lowerModSeq = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(raw, $"UPDATE folders SET highest_modseq = 1 WHERE id = {inbox.Id}"));

        Assert.Contains("never go down", lowerUid.MessageText);
        Assert.Contains("never go down", lowerModSeq.MessageText);
        Assert.Equal(3u, (await Store.GetFolderAsync(inbox.Id))!.UidNext);
    }

    [Fact]
    public async Task Change_ids_are_visible_in_the_order_they_were_given_even_from_two_stores()
    {
        var other = await OpenAsync();
        var start = await Store.GetLatestChangeIdAsync();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? Store : other).AddPostOfficeAsync($"po{i}.example", false)));

        var rows = await Store.GetChangesSinceAsync(start, 100);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => start + i), rows.Select(r => r.Id));
        Assert.Equal(start + 20, await other.GetLatestChangeIdAsync());
    }

    [Fact]
    public async Task Moves_in_opposite_directions_by_two_stores_take_turns_losing_nothing()
    {
        // Each MOVE locks both folders, the lower id first: A->B by one store and B->A by the other
        // wait for each other (had they locked target then source, PostgreSQL would break the
        // deadlock by failing one, and that one would be run again).
        var account = await NewAccountAsync();
        var a = await FolderAsync(account, "INBOX");
        var b = await FolderAsync(account, "Archive");
        const int each = 15;
        var inA = await AppendAsync(a.Id, Enumerable.Range(0, each).Select(i => Simple($"a{i}")).ToArray());
        var inB = await AppendAsync(b.Id, Enumerable.Range(0, each).Select(i => Simple($"b{i}")).ToArray());
        var other = await OpenAsync();

        var moves = inA.Select(uid => Store.MoveAsync(a.Id, [uid], b.Id))
            .Zip(inB.Select(uid => other.MoveAsync(b.Id, [uid], a.Id)))
            .SelectMany(pair => new[] { pair.First, pair.Second });
        var results = await Task.WhenAll(moves);

        Assert.All(results, r => Assert.Single(r.ExpungedUids));
        var nowA = (await Store.GetMessageFlagsAsync(a.Id)).Select(m => m.Uid).ToList();
        var nowB = (await Store.GetMessageFlagsAsync(b.Id)).Select(m => m.Uid).ToList();
        Assert.Equal((each, each), (nowA.Count, nowB.Count));
        // No UID came back: every one in the folder is new, above the ones moved away.
        Assert.All(nowA, uid => Assert.True(uid > each));
        Assert.All(nowB, uid => Assert.True(uid > each));
        Assert.Equal((uint)(2 * each + 1), (await Store.GetStatusAsync(a.Id))!.UidNext);
    }

    [Fact]
    public async Task A_MOVE_behind_another_writer_of_its_source_moves_only_what_that_writer_left()
    {
        // Two owners by mistake: another node removes message 1 (its own MOVE or EXPUNGE) and has not
        // committed when this store's MOVE of 1 and 2 starts. The MOVE must not copy message 1 from
        // before that commit, or it would be in two places (or back after an EXPUNGE).
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var archive = await FolderAsync(account, "Archive");
        await AppendAsync(inbox.Id, Simple("one"), Simple("two"));
        await using var other = await RawAsync();
        await using var tx = await other.BeginTransactionAsync();
        await ScalarAsync(other, $"SELECT 1 FROM folders WHERE id = {inbox.Id} FOR UPDATE; DELETE FROM messages WHERE folder_id = {inbox.Id} AND uid = 1");

        var move = Store.MoveAsync(inbox.Id, [1, 2], archive.Id);
        await WaitUntilAWriteWaitsForALockAsync();
        await tx.CommitAsync();
        var moved = await move;

        Assert.Equal([new UidMapping(2, 1)], moved.Copy.Mapping);
        Assert.Equal(new uint[] { 2 }, moved.ExpungedUids);
        var left = await Store.GetMessagesAsync(archive.Id, [1, 2, 3]);
        Assert.Equal("two", Assert.Single(left).Envelope.Subject);
        Assert.Empty(await Store.GetMessageFlagsAsync(inbox.Id));
    }

    [Fact]
    public async Task A_COPY_behind_another_writer_of_its_source_copies_what_that_writer_left()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var archive = await FolderAsync(account, "Archive");
        await AppendAsync(inbox.Id, Simple("one"), Simple("two"), Simple("three"));
        await using var other = await RawAsync();
        await using var tx = await other.BeginTransactionAsync();
        await ScalarAsync(other, $"SELECT 1 FROM folders WHERE id = {inbox.Id} FOR UPDATE; DELETE FROM messages WHERE folder_id = {inbox.Id} AND uid = 2");

        var copy = Store.CopyAsync(inbox.Id, [1, 2, 3], archive.Id);
        await WaitUntilAWriteWaitsForALockAsync();
        await tx.CommitAsync();
        var copied = await copy;

        // COPYUID names exactly the copies made, one after the other.
        Assert.Equal([new UidMapping(1, 1), new UidMapping(3, 2)], copied.Mapping);
        var copies = await Store.GetMessagesAsync(archive.Id, [1, 2, 3]);
        Assert.Equal(["one", "three"], copies.Select(m => m.Envelope.Subject));
        Assert.Equal(3u, (await Store.GetStatusAsync(archive.Id))!.UidNext);
    }

    /// <summary>Until a session of the test's database waits for a row lock (a writer blocked by the test's own transaction).</summary>
    private async Task WaitUntilAWriteWaitsForALockAsync()
    {
        await using var watch = await RawAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (Convert.ToInt64(await ScalarAsync(watch, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")) == 0)
            await Task.Delay(20, timeout.Token);
    }

    /// <summary>Queues <paramref name="writes"/> while the folder's writer is held, so that they are taken as one group commit.</summary>
    private async Task<(Task<T>[] Writes, long Commits)> InOneGroupCommit<T>(long folderId, IEnumerable<Func<Task<T>>> writes)
    {
        var store = (PostgresStore)Store;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = store.HoldWriterAsync(folderId, release.Task);
        Task<T>[] started;
        try
        {
            // The writer has taken the hold: what comes next waits behind it.
            await store.WhenQueuedWrites(folderId, 0).WaitAsync(TimeSpan.FromSeconds(30));
            var pending = writes.ToList();
            var allQueued = store.WhenQueuedWrites(folderId, pending.Count);
            started = pending.Select(write => write()).ToArray();
            // Appends reach the writer once their MIME analysis is done: wait until every write is queued.
            await allQueued.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            release.SetResult();
        }
        await held;
        var commitsBefore = store.CommitCount;
        await Task.WhenAll(started.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        return (started, store.CommitCount - commitsBefore);
    }

    [Fact]
    public async Task A_group_commit_of_appends_where_one_is_refused_commits_the_others_in_one_transaction()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        // The sixth refers to a staged body that does not exist: it fails inside the batch.
        var requests = Enumerable.Range(0, 12).Select(i => i == 5
            ? new AppendRequest(ReadOnlyMemory<byte>.Empty) { StagedBodyId = 999_999 }
            : new AppendRequest(Encoding.UTF8.GetBytes(Simple($"m{i}")))).ToList();

        var (writes, commits) = await InOneGroupCommit(inbox.Id, requests.Select(r => (Func<Task<AppendResult>>)(() => Store.AppendAsync(inbox.Id, [r]))));

        var refused = await Assert.ThrowsAsync<StoreException>(() => writes[5]);
        Assert.Equal(StoreError.NotAllowed, refused.Error);
        var uids = (await Task.WhenAll(writes.Where((_, i) => i != 5))).Select(r => r.Uids.Single()).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 11).Select(i => (uint)i), uids);
        Assert.Equal(1, commits);
        var status = await Store.GetStatusAsync(inbox.Id);
        Assert.Equal((11, 12u), (status!.Messages, status.UidNext));
    }

    [Fact]
    public async Task A_group_commit_past_the_quota_refuses_exactly_the_appends_that_do_not_fit()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        Assert.True(await Store.SetAccountQuotaAsync(account.Login, new QuotaChange(false, null, true, 3)));

        var (writes, commits) = await InOneGroupCommit(inbox.Id, Enumerable.Range(0, 5)
            .Select(i => (Func<Task<AppendResult>>)(() => Store.AppendAsync(inbox.Id, [new AppendRequest(Encoding.UTF8.GetBytes(Simple($"m{i}")))]))));

        Assert.Equal(3, writes.Count(w => w.IsCompletedSuccessfully));
        Assert.All(writes.Where(w => !w.IsCompletedSuccessfully), w => Assert.Equal(StoreError.OverQuota, Assert.IsType<StoreException>(w.Exception!.InnerException).Error));
        Assert.Equal(1, commits);
        Assert.Equal(3, (await Store.GetQuotaAsync(account.Id))!.MessagesUsed);
    }

    [Fact]
    public async Task STORE_EXPUNGE_and_MOVE_of_one_group_commit_each_see_the_writes_before_them()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var archive = await FolderAsync(account, "Archive");
        await AppendAsync(inbox.Id, Simple("one"), Simple("two"), Simple("three"));

        // Queued in this order on INBOX's writer: each statement runs after the one before it, in one transaction.
        var (writes, commits) = await InOneGroupCommit<object>(inbox.Id,
        [
            async () => await Store.StoreFlagsAsync(inbox.Id, [1, 2], StoreMode.Add, MessageFlags.Deleted),
            async () => await Store.ExpungeAsync(inbox.Id),
            async () => await Store.MoveAsync(inbox.Id, [2, 3], archive.Id),
        ]);

        var stored = (StoreResult)await writes[0];
        var expunged = (ExpungeResult)await writes[1];
        var moved = (MoveResult)await writes[2];
        Assert.Equal(new uint[] { 1, 2 }, stored.Changed.Select(c => c.Uid));
        Assert.Equal(new uint[] { 1, 2 }, expunged.ExpungedUids);
        Assert.Equal([new UidMapping(3, 1)], moved.Copy.Mapping);
        Assert.True(stored.HighestModSeq < expunged.HighestModSeq && expunged.HighestModSeq < moved.SourceHighestModSeq);
        Assert.Equal(1, commits);
        Assert.Empty(await Store.GetMessageFlagsAsync(inbox.Id));
        Assert.Single(await Store.GetMessageFlagsAsync(archive.Id));
    }
}
