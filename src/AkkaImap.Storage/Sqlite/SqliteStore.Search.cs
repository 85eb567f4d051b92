using System.IO.Compression;
using System.Text;
using System.Text.Json;
using AkkaImap.Storage.Mime;
using AkkaImap.Storage.Search;
using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Sqlite;

// The full-text index (schema 9, first built in 7): FTS5 with the trigram tokenizer, one row per
// blob (copies share it), written in the transaction that writes the blob or in a pass a moment
// after it (StoreOptions.IndexDelay, IndexLater below), and deleted with it.
public sealed partial class SqliteStore
{
    public Task<IndexedMatches?> SearchIndexAsync(long folderId, IndexedField field, string value, CancellationToken ct = default)
    {
        if (IndexedDocument.NeedleFor(value) is not { } needle) return Task.FromResult<IndexedMatches?>(null);
        // One snapshot for the matches and the list of bodies not indexed yet: an index pass that
        // commits between the two would otherwise leave a body in neither.
        return ReadSnapshot<IndexedMatches?>(c => SearchIndex.Find(c, folderId, field, needle), ct);
    }

    public Task<int> IndexPendingAsync(int max, CancellationToken ct = default) =>
        Write(c => SearchIndex.IndexPending(c, max), ct);

    // Bodies appended with the index on whose rows wait for the next index pass (IndexLater), by
    // blob id, with their size (0 once deleted) and the number of their turn. Touched on the writer
    // thread only: appends, expunges and passes are all writes.
    private readonly Dictionary<long, (long Bytes, long Turn)> _toIndex = [];
    private long _toIndexBytes;
    private long _toIndexTurn;
    private int _indexPassQueued;
    private Task _indexPass = Task.CompletedTask;

    /// <summary>
    /// The most bytes of bodies left to later passes (not deleted since); past it an append makes
    /// its bodies' text and indexes them in its own write, so that a bulk APPEND keeps the index up
    /// and a SEARCH meanwhile has at most this much to scan.
    /// </summary>
    private const long MaxQueuedBytes = 16 * 1024 * 1024;

    /// <summary>The most bodies one pass indexes; the rest of its turn follow in the next write.</summary>
    private const int MaxPerPass = 256;

    /// <summary>
    /// The most bytes of bodies one pass takes (at least one body): their text is made and held
    /// together until the pass writes it, so a pass of 256 large bodies would hold gigabytes.
    /// </summary>
    private const long MaxBytesPerPass = MaxQueuedBytes;

    /// <summary>
    /// How long a pass runs at least before it ends early for a write that waits
    /// (<see cref="WriteQueue.WaitingToBeGivenWay"/>); the rest of its turn follow in a pass after.
    /// A pass of 256 bodies takes 50-100 ms, which the first SELECT of a folder just filled waited
    /// whole for its claim of \Recent (issue 17).
    /// </summary>
    private static readonly TimeSpan LeastPassTime = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Notes a new blob for the full-text index. With <see cref="StoreOptions.IndexDelay"/> and
    /// room in the queue (<see cref="Prepare"/> decided), the blob is marked pending (so a SEARCH
    /// reads it meanwhile) and waits for a pass at least that long after, which makes its text from
    /// the stored body and indexes it with the others appended meanwhile in one transaction; a blob
    /// deleted before then (an appended message expunged at once) never has its text made nor
    /// indexed. Otherwise its write indexes it with the text its analysis made. The store runs a
    /// last pass as it closes; a pass that fails (a full disk) gives its bodies back to the next one.
    /// </summary>
    private void IndexLater(SqliteConnection c, long blobId, Prepared prepared)
    {
        if (!prepared.TextByPass)
        {
            SearchIndex.Add(c, blobId, prepared.Index, keepUp: _options.FullTextIndex);
            return;
        }

        SearchIndex.Add(c, blobId, null, keepUp: false);
        // An id SQLite gives again after its blob was deleted replaces what waited under it.
        if (_toIndex.Remove(blobId, out var replaced)) _toIndexBytes -= replaced.Bytes;
        var bytes = (long)prepared.Message.Content.Length;
        _toIndex[blobId] = (bytes, ++_toIndexTurn);
        _toIndexBytes += bytes;
        QueueIndexPass();
    }

    /// <summary>
    /// Removes the index rows of deleted blobs; those still waiting for a pass stop counting toward
    /// <see cref="MaxQueuedBytes"/>. Their entries stay: the pass finds no pending row and drops
    /// them, or indexes them if the delete was rolled back after all.
    /// </summary>
    private void RemoveIndexRows(SqliteConnection c, List<long> deleted)
    {
        SearchIndex.Remove(c, deleted);
        foreach (var blobId in deleted)
        {
            if (!_toIndex.TryGetValue(blobId, out var entry) || entry.Bytes == 0) continue;
            _toIndexBytes -= entry.Bytes;
            _toIndex[blobId] = (0, entry.Turn);
        }
    }

    /// <summary>
    /// Queues a pass for the bodies waiting now, <see cref="StoreOptions.IndexDelay"/> from now:
    /// those appended after it are a later pass's, so none is indexed sooner than the delay after
    /// its append (a pass that took the newest too indexed, under the mixed load, the messages
    /// about to be expunged: 40-90 ms of the writer per pass, issue 17). With
    /// <paramref name="rest"/>, the rest of a pass's turn that did not fit in it, in the next write.
    /// Called on the writer, which alone touches the waiting bodies: the pass's are taken here, and
    /// the text of those still pending when it runs is made and deflated on a reader thread before its write.
    /// </summary>
    private void QueueIndexPass(long? rest = null)
    {
        if (Interlocked.Exchange(ref _indexPassQueued, 1) == 1) return;
        var turn = rest ?? _toIndexTurn;
        var waiting = new List<long>();
        long bytes = 0;
        foreach (var (blobId, entry) in _toIndex.Where(e => e.Value.Turn <= turn).OrderBy(e => e.Key))
        {
            if (waiting.Count == MaxPerPass || (waiting.Count > 0 && bytes + entry.Bytes > MaxBytesPerPass)) break;
            waiting.Add(blobId);
            bytes += entry.Bytes;
        }
        Volatile.Write(ref _indexPass, rest is not null
            ? IndexPassAsync(waiting, turn)
            : Task.Delay(_options.IndexDelay).ContinueWith(_ => IndexPassAsync(waiting, turn), TaskScheduler.Default).Unwrap());
    }

    private async Task IndexPassAsync(List<long> waiting, long turn)
    {
        IReadOnlyDictionary<long, IndexRow?> packed;
        try
        {
            packed = await Read(c => PackPending(c, waiting), CancellationToken.None, "IndexPassPrepare").ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The store is closing (its last pass makes the text on the writer), or the read failed:
            // the pass makes the text of what it indexes itself.
            packed = new Dictionary<long, IndexRow?>();
        }
        // Behind no write: a pass waits until none is queued (WriteQueue.EnqueueBackground).
        await WriteUnwaited(c => IndexQueued(c, turn, waiting.ToHashSet(), packed), "IndexPass", background: true).ConfigureAwait(false);
    }

    /// <summary>
    /// The index rows of the waiting bodies still pending (not expunged meanwhile), made from their
    /// stored bytes and deflated: null for a body whose text cannot be read (the scan decides it).
    /// One body's bytes in memory at a time.
    /// </summary>
    private static IReadOnlyDictionary<long, IndexRow?> PackPending(SqliteConnection c, List<long> waiting)
    {
        var rows = new Dictionary<long, IndexRow?>(waiting.Count);
        using var cmd = c.Cmd("""
            SELECT p.blob_id, b.envelope, b.content FROM json_each(@ids) w
            CROSS JOIN text_pending p ON p.blob_id = w.value JOIN blobs b ON b.id = p.blob_id
            """, ("@ids", JsonSerializer.Serialize(waiting, StorageJson.Default.ListInt64)));
        using var r = cmd.ExecuteReader();
        while (r.Read()) rows[r.GetInt64(0)] = IndexRow.Packed(SearchIndex.TextOf(r, 1));
        return rows;
    }

    /// <summary>The index pass queued last, done once its transaction ends (tests wait for it).</summary>
    internal Task IndexPass => Volatile.Read(ref _indexPass);

    /// <summary>
    /// One pass, on the writer: indexes the bodies waiting since turn <paramref name="turn"/> or
    /// before that are still pending (of those, the ones in <paramref name="only"/>, the list its
    /// preparation took; the rest of the turn follow in a pass after), and forgets those whose
    /// blob is gone. Those in <paramref name="packed"/> were made and deflated ahead; the others are made here.
    /// </summary>
    private int IndexQueued(SqliteConnection c, long turn, IReadOnlySet<long>? only = null, IReadOnlyDictionary<long, IndexRow?>? packed = null, bool giveWay = true)
    {
        Volatile.Write(ref _indexPassQueued, 0);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var indexed = 0;
        var restOfTurn = false;
        _passTaken.Clear();
        try
        {
            // In blob id order: FTS5 writes a new segment each time a row id is lower than the one
            // before (and merges segments as they pile up), and the dictionary's order is not the ids'
            // once entries were removed and others took their slots.
            foreach (var (blobId, entry) in _toIndex.Where(e => e.Value.Turn <= turn).OrderBy(e => e.Key).ToList())
            {
                if ((only is not null && !only.Contains(blobId))
                    || (giveWay && indexed > 0 && _writer.WaitingToBeGivenWay && System.Diagnostics.Stopwatch.GetElapsedTime(started) >= LeastPassTime))
                {
                    restOfTurn = true;
                    break;
                }
                _toIndex.Remove(blobId);
                _toIndexBytes -= entry.Bytes;
                _passTaken.Add((blobId, entry));
                // No pending row: the blob is gone (or was indexed by a catch-up).
                if (c.Exec("DELETE FROM text_pending WHERE blob_id = @b", ("@b", blobId)) == 0) continue;
                // Not made ahead: a pass whose preparation failed, the store's last pass.
                SearchIndex.Add(c, blobId, packed is not null && packed.TryGetValue(blobId, out var row) ? row : SearchIndex.RowOf(c, blobId).Row);
                indexed++;
            }
        }
        catch (Exception)
        {
            // Its savepoint is rolled back (a full disk, say): the bodies are pending still.
            GiveBackPass();
            throw;
        }

        if (restOfTurn) QueueIndexPass(rest: turn);
        else if (_toIndex.Count > 0) QueueIndexPass();
        return indexed;
    }

    // The bodies the pass running on the writer took, until its transaction ends (writer thread).
    private readonly List<(long BlobId, (long Bytes, long Turn) Entry)> _passTaken = [];

    /// <summary>
    /// A pass that did not commit gives its bodies back: they wait, in their turn, for the next
    /// pass (queued by the next append, or the store's last pass as it closes), where before they
    /// stayed pending, scanned by every SEARCH, until serve's catch-up at the next start.
    /// </summary>
    private void GiveBackPass()
    {
        foreach (var (blobId, entry) in _passTaken)
        {
            if (!_toIndex.TryAdd(blobId, entry)) continue;
            _toIndexBytes += entry.Bytes;
        }
        _passTaken.Clear();
    }
}

/// <summary>
/// The SQLite side of the full-text index. The header and body text (TEXT and BODY) are the bulk:
/// they go into two contentless FTS5 tables with <c>detail=none</c>, which keep only which rows
/// hold each trigram (no positions: an eighth of a positional index of the same text), and
/// into <c>text_folded</c>, the same folded text deflated. A lookup takes the rows holding every
/// trigram of the needle, then confirms the needle in each one's inflated text, so the answer is
/// the exact substring test. The envelope fields (FROM, TO, CC, BCC, SUBJECT) are short: one
/// positional FTS5 table, where a phrase of trigrams matches exactly where the needle occurs.
/// <c>case_sensitive 1</c>: the text is already folded (<see cref="IndexedDocument.Fold"/>), and
/// SQLite's own folding is not .NET's. Tables are contentless with <c>contentless_delete</c>, so
/// rows go with their blob (which rules out <c>columnsize=0</c>: FTS5 needs the sizes to delete).
/// </summary>
internal static class SearchIndex
{
    // Version 7 (full-text SEARCH), as it was then; version 9 replaces its tables.
    public const string Schema = """
        CREATE VIRTUAL TABLE text_index USING fts5(header, body,
            tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1);
        CREATE VIRTUAL TABLE address_index USING fts5(f_from, f_to, f_cc, f_bcc, subject,
            tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1);
        CREATE TABLE text_unindexed(blob_id INTEGER PRIMARY KEY);
        """;

    // Version 9: the index at a fraction of its size (see the class), and text_pending: bodies not
    // indexed yet, stored while search.full-text-index was off or before this version. Every body
    // is pending after the upgrade and indexed in steps by serve (IndexUpkeep); meanwhile lookups
    // list pending bodies with the unindexed ones, so the scan decides them and no answer is wrong.
    // IF (NOT) EXISTS: a store may reach it from version 6, 7 or 8.
    public const string CompactSchema = """
        DROP TABLE IF EXISTS text_index;
        DROP TABLE IF EXISTS address_index;
        CREATE VIRTUAL TABLE IF NOT EXISTS text_header USING fts5(header,
            tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1, detail = none);
        CREATE VIRTUAL TABLE IF NOT EXISTS text_body USING fts5(body,
            tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1, detail = none);
        CREATE VIRTUAL TABLE address_index USING fts5(f_from, f_to, f_cc, f_bcc, subject,
            tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1);
        CREATE TABLE IF NOT EXISTS text_folded(blob_id INTEGER PRIMARY KEY, header BLOB NOT NULL, body BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS text_unindexed(blob_id INTEGER PRIMARY KEY);
        CREATE TABLE IF NOT EXISTS text_pending(blob_id INTEGER PRIMARY KEY);
        INSERT OR IGNORE INTO text_pending(blob_id) SELECT id FROM blobs WHERE id NOT IN (SELECT blob_id FROM text_unindexed);
        """;

    /// <summary>
    /// Indexes a new blob (null text: the scan decides it, so it is listed as unindexed); with the
    /// index off (<paramref name="keepUp"/> false) it is only noted as pending.
    /// </summary>
    public static void Add(SqliteConnection c, long blobId, IndexRow? row, bool keepUp = true)
    {
        if (!keepUp)
        {
            c.Exec("INSERT OR IGNORE INTO text_pending(blob_id) VALUES (@b)", ("@b", blobId));
            return;
        }
        if (row is null)
        {
            c.Exec("INSERT OR IGNORE INTO text_unindexed(blob_id) VALUES (@b)", ("@b", blobId));
            return;
        }
        var text = row.Text;
        c.Exec("INSERT INTO text_header(rowid, header) VALUES (@b, @h)", ("@b", blobId), ("@h", text.Header));
        c.Exec("INSERT INTO text_body(rowid, body) VALUES (@b, @t)", ("@b", blobId), ("@t", text.Body));
        c.Exec("INSERT INTO text_folded(blob_id, header, body) VALUES (@b, @h, @t)", ("@b", blobId), ("@h", row.Header), ("@t", row.Body));
        c.Exec("INSERT INTO address_index(rowid, f_from, f_to, f_cc, f_bcc, subject) VALUES (@b, @f, @t, @c, @bcc, @s)",
            ("@b", blobId), ("@f", text.From), ("@t", text.To), ("@c", text.Cc), ("@bcc", text.Bcc), ("@s", text.Subject));
    }

    /// <summary>
    /// Removes the index rows of deleted blobs (and their pending or unindexed marks). A blob has
    /// rows in the FTS5 tables only if it has its <c>text_folded</c> row (<see cref="Add"/> writes
    /// the four together), so the FTS5 deletes, a third of an EXPUNGE's time on the writer, are
    /// made only for those: not for a body expunged while it waited for its pass (issue 17).
    /// </summary>
    public static void Remove(SqliteConnection c, List<long> blobIds)
    {
        if (blobIds.Count == 0) return;
        c.EachKey("DELETE FROM text_unindexed WHERE blob_id = @key", blobIds);
        c.EachKey("DELETE FROM text_pending WHERE blob_id = @key", blobIds);
        var indexed = c.EachKey("DELETE FROM text_folded WHERE blob_id = @key RETURNING blob_id", blobIds);
        if (indexed.Count == 0) return;
        // One statement each: FTS5 writes what a statement changed as a segment of its own at the
        // statement's end, so a statement per row made an EXPUNGE of 5,000 indexed messages 5x slower.
        var ids = ("@ids", (object?)JsonSerializer.Serialize(indexed, StorageJson.Default.ListInt64));
        c.Exec("DELETE FROM text_header WHERE rowid IN (SELECT value FROM json_each(@ids))", ids);
        c.Exec("DELETE FROM text_body WHERE rowid IN (SELECT value FROM json_each(@ids))", ids);
        c.Exec("DELETE FROM address_index WHERE rowid IN (SELECT value FROM json_each(@ids))", ids);
    }

    /// <summary>
    /// Indexes up to <paramref name="max"/> pending blobs, each parsed as append would; how many.
    /// Rows a blob may already have (a store that reached version 9 half-indexed) are replaced.
    /// </summary>
    public static int IndexPending(SqliteConnection c, int max)
    {
        var ids = new List<long>();
        using (var some = c.Cmd("SELECT blob_id FROM text_pending ORDER BY blob_id LIMIT @n", ("@n", max)))
        using (var r = some.ExecuteReader())
        {
            while (r.Read()) ids.Add(r.GetInt64(0));
        }
        Remove(c, ids);
        foreach (var id in ids)
        {
            if (RowOf(c, id) is (true, var row)) Add(c, id, row);
        }
        return ids.Count;
    }

    /// <summary>A stored blob's index row, made from its bytes as append would (Found false: no such blob).</summary>
    public static (bool Found, IndexRow? Row) RowOf(SqliteConnection c, long blobId)
    {
        using var cmd = c.Cmd("SELECT envelope, content FROM blobs WHERE id = @b", ("@b", blobId));
        using var r = cmd.ExecuteReader();
        return r.Read() ? (true, IndexRow.Of(TextOf(r, 0))) : (false, null);
    }

    /// <summary>The index text of the row's envelope column (<paramref name="envelope"/>) and the content column after it.</summary>
    public static IndexedDocument? TextOf(SqliteDataReader r, int envelope) =>
        MessageAnalyzer.IndexText(r.IsDBNull(envelope + 1) ? [] : (byte[])r[envelope + 1], (byte[])r[envelope]);

    /// <summary>The folder's messages whose <paramref name="field"/> contains the folded <paramref name="needle"/>.</summary>
    public static IndexedMatches Find(SqliteConnection c, long folderId, IndexedField field, string needle)
    {
        var matches = field switch
        {
            IndexedField.Text => FindText(c, folderId, needle, "text_header", "header", FindText(c, folderId, needle, "text_body", "body", [])),
            IndexedField.Body => FindText(c, folderId, needle, "text_body", "body", []),
            _ => FindEnvelope(c, folderId, field, needle),
        };
        var unindexed = Uids(c, """
            SELECT m.uid FROM (SELECT blob_id FROM text_unindexed UNION ALL SELECT blob_id FROM text_pending) u
            CROSS JOIN messages m ON m.blob_id = u.blob_id WHERE m.folder_id = @f
            """, ("@f", folderId));
        return new IndexedMatches(matches, unindexed);
    }

    /// <summary>
    /// Adds to <paramref name="found"/> the folder's messages whose header or body text (one table
    /// and its column) contains <paramref name="needle"/>: the rows holding all its trigrams, each
    /// confirmed in its deflated text unless the needle is one trigram (then holding it is containing it).
    /// </summary>
    private static HashSet<uint> FindText(SqliteConnection c, long folderId, string needle, string table, string column, HashSet<uint> found)
    {
        var trigrams = Trigrams(needle);
        // FTS5 strings, double quotes doubled; without positions a query is a set of trigrams.
        var query = string.Join(" AND ", trigrams.Select(t => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
        bool confirm = trigrams.Count > 1 || needle.EnumerateRunes().Count() > 3;
        // The FTS table drives the join (CROSS JOIN keeps that order); text_folded is read by its key.
        using var cmd = c.Cmd($"""
            SELECT m.uid, f.{column} FROM {table} CROSS JOIN messages m ON m.blob_id = {table}.rowid
            JOIN text_folded f ON f.blob_id = m.blob_id
            WHERE {table} MATCH @q AND m.folder_id = @f
            """, ("@q", query), ("@f", folderId));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var uid = (uint)r.GetInt64(0);
            if (found.Contains(uid)) continue;
            if (!confirm || Unpack((byte[])r[1]).Contains(needle, StringComparison.Ordinal)) found.Add(uid);
        }
        return found;
    }

    /// <summary>The envelope fields: a phrase of trigrams in the positional table matches exactly where the needle occurs.</summary>
    private static HashSet<uint> FindEnvelope(SqliteConnection c, long folderId, IndexedField field, string needle)
    {
        var column = field switch
        {
            IndexedField.From => "f_from",
            IndexedField.To => "f_to",
            IndexedField.Cc => "f_cc",
            IndexedField.Bcc => "f_bcc",
            _ => "subject",
        };
        var query = "{" + column + "} : \"" + needle.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        return Uids(c, """
            SELECT m.uid FROM address_index CROSS JOIN messages m ON m.blob_id = address_index.rowid
            WHERE address_index MATCH @q AND m.folder_id = @f
            """, ("@q", query), ("@f", folderId));
    }

    /// <summary>The distinct trigrams of the needle as the trigram tokenizer cuts text: three code points each.</summary>
    internal static List<string> Trigrams(string needle)
    {
        var runes = needle.EnumerateRunes().Select(r => r.ToString()).ToArray();
        var trigrams = new List<string>();
        for (int i = 0; i + 3 <= runes.Length; i++)
        {
            var trigram = runes[i] + runes[i + 1] + runes[i + 2];
            if (!trigrams.Contains(trigram, StringComparer.Ordinal)) trigrams.Add(trigram);
        }
        return trigrams;
    }

    internal static byte[] Pack(string text)
    {
        using var packed = new MemoryStream();
        using (var deflate = new DeflateStream(packed, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(Encoding.UTF8.GetBytes(text));
        }
        return packed.ToArray();
    }

    private static string Unpack(byte[] packed)
    {
        using var deflate = new DeflateStream(new MemoryStream(packed), CompressionMode.Decompress);
        using var reader = new StreamReader(deflate, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static HashSet<uint> Uids(SqliteConnection c, string sql, params (string, object?)[] args)
    {
        using var cmd = c.Cmd(sql, args);
        using var r = cmd.ExecuteReader();
        var uids = new HashSet<uint>();
        while (r.Read()) uids.Add((uint)r.GetInt64(0));
        return uids;
    }
}

/// <summary>
/// A document for the SQLite index: its text, and the deflated copies <c>text_folded</c> keeps,
/// made ahead on a reader thread (by an append's analysis when its write indexes it, by an index
/// pass's preparation otherwise), or deflated when indexed (a pass whose preparation failed). On the
/// single writer the deflate was a tenth of its time in a bulk APPEND.
/// </summary>
internal sealed record IndexRow(IndexedDocument Text, byte[]? PackedHeader = null, byte[]? PackedBody = null)
{
    public static IndexRow? Of(IndexedDocument? text) => text is null ? null : new(text);

    public static IndexRow? Packed(IndexedDocument? text) => text is null ? null : new(text, SearchIndex.Pack(text.Header), SearchIndex.Pack(text.Body));

    public byte[] Header => PackedHeader ?? SearchIndex.Pack(Text.Header);

    public byte[] Body => PackedBody ?? SearchIndex.Pack(Text.Body);
}
