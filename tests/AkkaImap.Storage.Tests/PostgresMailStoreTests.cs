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

    protected override async Task RollBackToBeforeTheSentDateAsync()
    {
        await using var raw = await RawAsync();
        await ScalarAsync(raw, "ALTER TABLE blobs DROP COLUMN sent_date; UPDATE schema_version SET version = 6");
    }

    [Fact]
    public async Task The_schema_carries_its_version_in_a_table_and_opening_again_migrates_nothing()
    {
        await using var raw = await RawAsync();
        Assert.Equal(7, await ScalarAsync(raw, "SELECT version FROM schema_version"));
        Assert.Equal(1L, await ScalarAsync(raw, "SELECT count(*) FROM schema_version"));
        await ReopenAsync();
        Assert.Equal((7, 7), await PostgresStore.ReadSchemaVersionAsync(await ConnectionStringAsync()));
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

        Assert.Equal((99, 7), (refused.Found, refused.Known));
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
    public async Task Moves_in_opposite_directions_by_two_stores_deadlock_and_are_run_again_losing_nothing()
    {
        // Each MOVE locks its target folder, then its source: A->B by one store and B->A by the
        // other lock in opposite orders, which PostgreSQL breaks by failing one; that one is run again.
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
}
