using System.Text;
using AkkaImap.Storage.Search;
using AkkaImap.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Tests;

/// <summary>
/// <c>storage.sqlite.index-delay</c>: an appended body's full-text index rows come in a pass a
/// moment after its append. Until then the body is listed for the scan (answers stay exact); one
/// expunged before the pass is never indexed; one still waiting when the store closes is indexed
/// as it closes. Real SQLite files.
/// </summary>
public sealed class SqliteIndexDelayTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkaimap-store-tests", Guid.NewGuid().ToString("N"));
    private SqliteStore _store = null!;
    private long _inbox;

    public async Task InitializeAsync()
    {
        _store = await OpenAsync(TimeSpan.FromMilliseconds(200));
        _inbox = await TestMailbox.AliceInboxAsync(_store);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* best effort: temp folder */ }
    }

    [Fact]
    public async Task An_appended_body_is_scanned_until_its_pass_and_indexed_by_it()
    {
        // A pass an hour away, so "before" cannot race it (at 200 ms a loaded CI machine ran the
        // pass first); the pass at close indexes what waits. The timed pass is the next tests'.
        _store.Dispose();
        _store = await OpenAsync(TimeSpan.FromHours(1));
        var uids = await AppendAsync("zebracorn one", "zebracorn two");

        var before = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "zebracorn"))!;
        Assert.Empty(before.Matches);
        Assert.Equal(uids, before.Unindexed.Order());

        _store.Dispose();
        _store = await OpenAsync(TimeSpan.FromHours(1));
        var after = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "zebracorn"))!;
        Assert.Equal(uids, after.Matches.Order());
        Assert.Empty(after.Unindexed);
    }

    [Fact]
    public async Task A_body_expunged_before_its_pass_is_never_indexed()
    {
        var gone = await AppendAsync("quokkafish gone");
        await _store.StoreFlagsAsync(_inbox, gone, StoreMode.Add, MessageFlags.Deleted);
        await _store.ExpungeAsync(_inbox);
        var kept = await AppendAsync("quokkafish kept");

        // The pass queued by the first APPEND takes what waited then; "kept", appended after it
        // was queued, is the next pass's.
        for (var pass = 0; pass < 3 && await CountAsync("SELECT count(*) FROM text_pending") > 0; pass++)
            await _store.IndexPass.WaitAsync(TimeSpan.FromSeconds(30));
        var indexed = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "quokkafish"))!;

        Assert.Equal(kept, indexed.Matches.Order());
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM text_folded"));
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM text_pending"));
    }

    [Fact]
    public async Task A_pass_leaves_the_bodies_appended_after_it_was_queued_to_the_next_one()
    {
        _store.Dispose();
        _store = await OpenAsync(TimeSpan.FromSeconds(1));
        var early = await AppendAsync("narwhalpear early");
        var firstPass = _store.IndexPass;
        var late = await AppendAsync("narwhalpear late");

        await firstPass.WaitAsync(TimeSpan.FromSeconds(30));
        var found = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "narwhalpear"))!;

        // "late" may be expunged before its own pass, a delay after its APPEND: it is not indexed yet.
        Assert.Equal(early, found.Matches.Order());
        Assert.Equal(late, found.Unindexed.Order());
        await _store.IndexPass.WaitAsync(TimeSpan.FromSeconds(30));
        var later = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "narwhalpear"))!;
        Assert.Equal(early.Concat(late), later.Matches.Order());
        Assert.Empty(later.Unindexed);
    }

    [Fact]
    public async Task Bodies_still_waiting_when_the_store_closes_are_indexed_as_it_closes_even_under_a_reused_blob_id()
    {
        _store.Dispose();
        _store = await OpenAsync(TimeSpan.FromHours(1));
        var first = await AppendAsync("wombatlily first");
        await _store.StoreFlagsAsync(_inbox, first, StoreMode.Add, MessageFlags.Deleted);
        await _store.ExpungeAsync(_inbox);
        // The expunged body was the last blob: SQLite gives its id to the next one.
        var second = await AppendAsync("platypusfern second");

        _store.Dispose();
        _store = await OpenAsync(TimeSpan.Zero);

        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM text_pending"));
        var found = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "platypusfern"))!;
        Assert.Equal(second, found.Matches.Order());
        var stale = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "wombatlily"))!;
        Assert.Empty(stale.Matches);
        Assert.Empty(stale.Unindexed);
    }

    [Fact]
    public async Task An_indexed_body_expunged_takes_its_index_rows_with_it_before_its_blob_id_is_given_again()
    {
        _store.Dispose();
        _store = await OpenAsync(TimeSpan.Zero);
        var gone = await AppendRawAsync("From: Stale Kestrel <kestrel@example.com>\r\nSubject: old\r\n\r\nheronvale old\r\n");
        await _store.StoreFlagsAsync(_inbox, gone, StoreMode.Add, MessageFlags.Deleted);
        await _store.ExpungeAsync(_inbox);
        // The expunged body was the last blob: SQLite gives its id to the next one.
        var next = await AppendRawAsync("From: Fresh Osprey <osprey@example.com>\r\nSubject: new\r\n\r\nheronvale new\r\n");

        Assert.Empty((await _store.SearchIndexAsync(_inbox, IndexedField.From, "kestrel"))!.Matches);
        Assert.Equal(next, (await _store.SearchIndexAsync(_inbox, IndexedField.From, "osprey"))!.Matches.Order());
        Assert.Equal(next, (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "heronvale"))!.Matches.Order());
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM text_folded"));
    }

    [Fact]
    public async Task A_pass_refused_by_a_full_disk_leaves_its_bodies_to_the_pass_after_it()
    {
        _store.Dispose();
        // A pass 2 s after the append: time to take the room away first, on a loaded machine too.
        _store = await OpenAsync(TimeSpan.FromSeconds(2));
        var first = await AppendAsync("yakfinch first " + Words(1, 40_000));
        // No room to grow (SQLITE_FULL, as on a full disk): the pass cannot write the body's index rows.
        await _store.SetMaxPageCountAsync(long.Parse((await _store.PragmaAsync("page_count"))!));
        await _store.IndexPass.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(first, (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "yakfinch"))!.Unindexed.Order());

        // Room again: the next append's pass takes the refused body with its own.
        await _store.SetMaxPageCountAsync(int.MaxValue);
        var second = await AppendAsync("yakfinch second");
        await _store.IndexPass.WaitAsync(TimeSpan.FromSeconds(30));

        var found = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "yakfinch"))!;
        Assert.Equal(first.Concat(second), found.Matches.Order());
        Assert.Empty(found.Unindexed);
    }

    [Fact]
    public async Task A_pass_ends_early_for_a_write_that_waits_and_a_pass_after_it_indexes_the_rest()
    {
        _store.Dispose();
        _store = await OpenAsync(TimeSpan.FromSeconds(2));
        // Six bodies of 300,000 characters of random words: each takes a pass well over its least
        // time. The pass queued by the append takes the first (the others came after it was
        // queued) and queues the next, 2 s later, for the other five.
        var uids = await AppendAsync(Enumerable.Range(1, 6).Select(i => "lynxberry " + Words(i, 300_000)).ToArray());
        await _store.IndexPass.WaitAsync(TimeSpan.FromSeconds(30));
        var release = new TaskCompletionSource();
        var held = await _store.HoldWriterAsync(release.Task);
        var stored = _store.StoreFlagsAsync(_inbox, [uids[0]], StoreMode.Add, MessageFlags.Flagged);
        // The next pass queues behind the STORE. Once it has waited longer than background work
        // waits at most (the writer's rule is a time, so the test lets that time pass), the writer
        // takes it before the STORE, which then waits.
        await _store.WhenBackgroundQueued().WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(WriteQueue.BackgroundMaxWait + TimeSpan.FromMilliseconds(50));
        release.SetResult();
        await held;
        await stored;

        // The pass ended after its first body, so that the STORE did not wait for all five.
        Assert.InRange(await CountAsync("SELECT count(*) FROM text_pending"), 1L, 4L);
        for (var pass = 0; pass < 6 && await CountAsync("SELECT count(*) FROM text_pending") > 0; pass++)
            await _store.IndexPass.WaitAsync(TimeSpan.FromSeconds(30));
        var found = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "lynxberry"))!;
        Assert.Equal(uids, found.Matches.Order());
        Assert.Empty(found.Unindexed);
    }

    [Fact]
    public async Task A_lookup_while_passes_commit_lists_every_body_as_found_or_still_to_scan()
    {
        _store.Dispose();
        _store = await OpenAsync(TimeSpan.FromMilliseconds(1));
        var appended = new List<uint>();
        var appending = Task.Run(async () =>
        {
            for (var i = 0; i < 150; i++)
            {
                var uids = await AppendAsync("ibexmoth a", "ibexmoth b");
                lock (appended) appended.AddRange(uids);
            }
        });

        var lookups = 0;
        while (!appending.IsCompleted || lookups == 0)
        {
            uint[] before;
            lock (appended) before = [.. appended];
            var found = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "ibexmoth"))!;
            // A body indexed by a pass between two statements of the lookup must not fall between them.
            var missing = before.Where(uid => !found.Matches.Contains(uid) && !found.Unindexed.Contains(uid)).ToList();
            Assert.True(missing.Count == 0, $"lookup {lookups}: UIDs {string.Join(',', missing)} neither found nor listed to scan");
            lookups++;
        }

        await appending;
    }

    [Fact]
    public async Task Past_16_MB_of_bodies_waiting_an_append_is_indexed_in_its_own_write()
    {
        _store.Dispose();
        _store = await OpenAsync(TimeSpan.FromHours(1));
        await AppendAsync(Enumerable.Range(1, 9).Select(i => Words(i, 2_000_000)).ToArray());

        var late = await AppendAsync("okapiwren late");

        var found = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "okapiwren"))!;
        Assert.Equal(late, found.Matches.Order());
        Assert.Empty(found.Unindexed.Intersect(late));
    }

    [Fact]
    public async Task Bodies_expunged_while_they_wait_no_longer_count_toward_the_16_MB()
    {
        _store.Dispose();
        _store = await OpenAsync(TimeSpan.FromHours(1));
        var big = await AppendAsync(Enumerable.Range(1, 9).Select(i => Words(i, 2_000_000)).ToArray());
        await _store.StoreFlagsAsync(_inbox, big, StoreMode.Add, MessageFlags.Deleted);
        await _store.ExpungeAsync(_inbox);

        var late = await AppendAsync("okapiwren late");

        // Left to its pass, an hour away: the scan decides it meanwhile.
        var found = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "okapiwren"))!;
        Assert.Empty(found.Matches);
        Assert.Equal(late, found.Unindexed.Order());
    }

    [Fact]
    public async Task A_pass_takes_at_most_16_MB_of_bodies_and_a_pass_after_it_the_rest()
    {
        _store.Dispose();
        _store = await OpenAsync(TimeSpan.FromSeconds(2));
        var small = await AppendAsync("gnukite zero");
        var firstPass = _store.IndexPass;
        // Two 9 MB messages while the first pass waits: the pass after it has both in its turn, 18
        // MB. Their text (made and held together until a pass writes it) is small; their bytes are
        // an attachment.
        var big = (await _store.AppendAsync(_inbox, [Attached("gnukite one", 1), Attached("gnukite two", 2)])).Uids;
        await firstPass.WaitAsync(TimeSpan.FromSeconds(30));
        var secondPass = _store.IndexPass;

        await secondPass.WaitAsync(TimeSpan.FromSeconds(30));

        // It took the first of the two alone and queued a pass for the other.
        Assert.NotSame(secondPass, _store.IndexPass);
        await _store.IndexPass.WaitAsync(TimeSpan.FromSeconds(30));
        var found = (await _store.SearchIndexAsync(_inbox, IndexedField.Body, "gnukite"))!;
        Assert.Equal(small.Concat(big), found.Matches.Order());
        Assert.Empty(found.Unindexed);
    }

    private static AppendRequest Attached(string text, int seed)
    {
        var bytes = new byte[6_800_000];
        new Random(seed).NextBytes(bytes);
        return new AppendRequest(Encoding.ASCII.GetBytes(
            "Subject: big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
            $"--b\r\nContent-Type: text/plain\r\n\r\n{text}\r\n" +
            "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
            Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks) + "\r\n--b--\r\n"));
    }

    private Task<SqliteStore> OpenAsync(TimeSpan delay) =>
        SqliteStore.OpenAsync(_folder, new StoreOptions { Fsync = false, IndexDelay = delay });

    private async Task<IReadOnlyList<uint>> AppendAsync(params string[] bodies) =>
        (await _store.AppendAsync(_inbox, bodies.Select(b => new AppendRequest(Encoding.UTF8.GetBytes($"Subject: test\r\n\r\n{b}\r\n"))).ToArray())).Uids;

    private async Task<IReadOnlyList<uint>> AppendRawAsync(string message) =>
        (await _store.AppendAsync(_inbox, [new AppendRequest(Encoding.UTF8.GetBytes(message))])).Uids;

    /// <summary>Random words, about <paramref name="length"/> characters: text whose index rows take many pages.</summary>
    private static string Words(int seed, int length)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        while (text.Length < length) text.Append(Convert.ToHexString(BitConverter.GetBytes(random.NextInt64()))).Append(' ');
        return text.ToString();
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var c = new SqliteConnection($"Data Source={Path.Combine(_folder, SqliteStore.FileName)};Pooling=False");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
