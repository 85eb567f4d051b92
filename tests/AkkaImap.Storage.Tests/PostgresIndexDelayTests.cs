using System.Text;
using AkkaImap.Storage.Postgres;
using AkkaImap.Storage.Search;
using Npgsql;

namespace AkkaImap.Storage.Tests;

/// <summary>
/// <c>storage.postgresql.index-delay</c>: an append notes its bodies as pending and a pass, a
/// moment later and in a transaction of its own, writes their full-text index rows. Until then a
/// lookup lists them for the scan (answers stay exact); one expunged before the pass is never
/// indexed; one left pending by a store that stopped is taken by another store's pass, as a node
/// of a cluster takes what a stopped node left. A private PostgreSQL, a database per test.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresIndexDelayTests(PostgresFixture fixture) : IAsyncLifetime
{
    private readonly string _database = "idx" + Guid.NewGuid().ToString("N");
    private string _connectionString = "";
    private PostgresStore _store = null!;
    private long _inbox;

    public async Task InitializeAsync()
    {
        _connectionString = await fixture.Server.CreateDatabaseAsync(_database);
        _store = await OpenAsync(TimeSpan.FromMilliseconds(200));
        _inbox = await TestMailbox.AliceInboxAsync(_store);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await fixture.Server.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task An_appended_body_is_scanned_until_its_pass_and_indexed_by_it()
    {
        // A pass an hour away, so that "before" cannot race it on a loaded machine.
        await ReopenAsync(TimeSpan.FromHours(1));
        var uids = await AppendAsync("zebracorn one", "zebracorn two");

        var before = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "zebracorn"))!;
        Assert.Empty(before.Matches);
        Assert.Equal(uids, before.Unindexed.Order());
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM blob_text"));

        await ReopenAsync(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, await _store.IndexPendingAsync(16));
        var after = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "zebracorn"))!;
        Assert.Equal(uids, after.Matches.Order());
        Assert.Empty(after.Unindexed);
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM blob_text_pending"));
    }

    [Fact]
    public async Task A_body_expunged_before_its_pass_is_never_indexed_and_one_kept_is()
    {
        // 2 s: the expunge comes before the pass on a loaded machine too.
        await ReopenAsync(TimeSpan.FromSeconds(2));
        var gone = await AppendAsync("quokkafish gone");
        await _store.StoreFlagsAsync(_inbox, gone, StoreMode.Add, MessageFlags.Deleted);
        await _store.ExpungeAsync(_inbox);
        var kept = await AppendAsync("quokkafish kept");

        // The pass queued by the first APPEND runs a delay after it; "kept", appended after it was
        // queued, may be the next pass's.
        await PassesDoneAsync();
        var found = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "quokkafish"))!;

        Assert.Equal(kept, found.Matches.Order());
        Assert.Empty(found.Unindexed);
        Assert.Equal(1L, _store.IndexedByPasses);
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM blob_text"));
    }

    [Fact]
    public async Task A_pass_writes_a_body_too_long_to_index_as_unindexed_beside_one_it_indexes()
    {
        await ReopenAsync(TimeSpan.FromHours(1));
        // Over IndexedDocument.MaxIndexedChars (1 Mi characters): never indexed, always scanned.
        var huge = await AppendAsync("gecko " + new string('x', 1_100_000));
        var small = await AppendAsync("gecko small");

        Assert.Equal(2, await _store.IndexPendingAsync(16));
        var found = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "gecko"))!;
        Assert.Equal(small, found.Matches.Order());
        Assert.Equal(huge, found.Unindexed.Order());
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM blob_text WHERE unindexed"));
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM blob_text_pending"));
    }

    [Fact]
    public async Task Bodies_of_a_pass_the_database_refuses_stay_pending_for_the_pass_after_it()
    {
        await ReopenAsync(TimeSpan.FromMilliseconds(100));
        await ExecAsync("""
            CREATE FUNCTION refuse_index() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no room'; END $$;
            CREATE TRIGGER refuse_index BEFORE INSERT ON blob_text FOR EACH ROW EXECUTE FUNCTION refuse_index();
            """);
        var first = await AppendAsync("ocelotfig first");
        await _store.IndexPasses.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM blob_text_pending"));
        Assert.Equal(first, (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "ocelotfig"))!.Unindexed.Order());

        // The database takes them again: the next append's pass indexes both.
        await ExecAsync("DROP TRIGGER refuse_index ON blob_text");
        var second = await AppendAsync("ocelotfig second");
        await PassesDoneAsync();

        var found = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "ocelotfig"))!;
        Assert.Equal(first.Concat(second), found.Matches.Order());
        Assert.Empty(found.Unindexed);
    }

    [Fact]
    public async Task A_pass_takes_only_the_bodies_appended_at_least_the_delay_before_it()
    {
        await ReopenAsync(TimeSpan.FromHours(1));
        var early = await AppendAsync("narwhalpear early");
        await using (var raw = await RawAsync())
        await using (var cmd = new NpgsqlCommand("UPDATE blob_text_pending SET queued_at = now() - interval '2 hours'", raw))
            await cmd.ExecuteNonQueryAsync();
        var late = await AppendAsync("narwhalpear late");

        Assert.Equal(1, await _store.IndexDuePassAsync(16));
        var found = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "narwhalpear"))!;
        Assert.Equal(early, found.Matches.Order());
        Assert.Equal(late, found.Unindexed.Order());
    }

    [Fact]
    public async Task Bodies_a_stopped_store_left_pending_are_indexed_by_another_stores_pass()
    {
        await ReopenAsync(TimeSpan.FromHours(1));
        var left = await AppendAsync("wombatlily left");
        await _store.DisposeAsync();

        // Another node, with a short delay: its append's pass takes what the first one left too.
        _store = await OpenAsync(TimeSpan.FromMilliseconds(100));
        var own = await AppendAsync("wombatlily own");
        await PassesDoneAsync();

        var found = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "wombatlily"))!;
        Assert.Equal(left.Concat(own), found.Matches.Order());
        Assert.Empty(found.Unindexed);
    }

    /// <summary>Waits for the queued passes until nothing is pending (a pass queued meanwhile runs a delay later).</summary>
    private async Task PassesDoneAsync()
    {
        for (var pass = 0; pass < 3 && await CountAsync("SELECT count(*) FROM blob_text_pending") > 0; pass++)
            await _store.IndexPasses.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private async Task ReopenAsync(TimeSpan delay)
    {
        await _store.DisposeAsync();
        _store = await OpenAsync(delay);
    }

    private Task<PostgresStore> OpenAsync(TimeSpan delay) =>
        PostgresStore.OpenAsync(_connectionString, new StoreOptions { IndexDelay = delay });

    private async Task<IReadOnlyList<uint>> AppendAsync(params string[] bodies) =>
        (await _store.AppendAsync(_inbox, bodies.Select(b => new AppendRequest(Encoding.UTF8.GetBytes($"Subject: test\r\n\r\n{b}\r\n"))).ToArray())).Uids;

    private async Task<NpgsqlConnection> RawAsync()
    {
        var c = new NpgsqlConnection(_connectionString);
        await c.OpenAsync();
        return c;
    }

    private async Task ExecAsync(string sql)
    {
        await using var c = await RawAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var c = await RawAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
