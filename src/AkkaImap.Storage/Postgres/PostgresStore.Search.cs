using AkkaImap.Storage.Mime;
using AkkaImap.Storage.Search;
using Npgsql;

namespace AkkaImap.Storage.Postgres;

// The full-text index (schema 4): the folded text in blob_text, one row per blob (copies share
// it, ON DELETE CASCADE removes it with its blob), with pg_trgm GIN indexes that LIKE uses.
public sealed partial class PostgresStore
{
    public Task<IndexedMatches?> SearchIndexAsync(long folderId, IndexedField field, string value, CancellationToken ct = default)
    {
        if (IndexedDocument.NeedleFor(value) is not { } needle) return Task.FromResult<IndexedMatches?>(null);
        return Read<IndexedMatches?>(async c => await PgSearchIndex.FindAsync(c, folderId, field, needle), ct);
    }

    // Any node will do: the pending rows taken are locked (SKIP LOCKED), so nodes share the work.
    public async Task<int> IndexPendingAsync(int max, CancellationToken ct = default) =>
        (await IndexPassAsync(max, TimeSpan.Zero, ct).ConfigureAwait(false)).Indexed;

    /// <summary>
    /// Indexes up to <paramref name="max"/> pending bodies noted at least <paramref name="age"/> ago:
    /// how many were due (<paramref name="max"/>: maybe more are) and how many it indexed. Their
    /// text is read and parsed first, one body at a time (only the texts, at most 1 Mi characters
    /// each, stay in memory), outside any transaction, on the CPU threads. Then one short
    /// transaction of its own takes those still pending and still stored, skipping any that
    /// another node's pass or an expunge holds, so it never waits for a lock and cannot deadlock
    /// with an expunge deleting the same body. Its commit does not wait for the WAL flush: a lost
    /// pass loses its pending rows' deletion with it, and the bodies are indexed again.
    /// </summary>
    private async Task<(int Due, int Indexed)> IndexPassAsync(int max, TimeSpan age, CancellationToken ct)
    {
        var due = await Read(c => c.IdsAsync(
            "SELECT blob_id FROM blob_text_pending WHERE queued_at <= now() - @age ORDER BY blob_id LIMIT @n",
            ("@age", age), ("@n", max)), ct).ConfigureAwait(false);
        if (due.Count == 0) return (0, 0);
        // Those gone meanwhile (expunged) are not read: nothing to index.
        var texts = new Dictionary<long, IndexedDocument?>();
        await Read(async c =>
        {
            await using var cmd = new NpgsqlCommand("SELECT id, envelope, content FROM blobs WHERE id = ANY(@ids)", c);
            cmd.Parameters.AddWithValue("ids", due.ToArray());
            // Row by row: one body in memory at a time.
            await using var r = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                var (id, envelope, content) = (r.GetInt64(0), (byte[])r[1], (byte[])r[2]);
                texts[id] = await _cpu.Run(_ => MessageAnalyzer.IndexText(content, envelope), ct).ConfigureAwait(false);
            }
            return true;
        }, ct).ConfigureAwait(false);
        if (texts.Count == 0) return (due.Count, 0);
        var indexed = await Read(async c =>
        {
            await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            await c.ExecAsync("SET LOCAL synchronous_commit = off").ConfigureAwait(false);
            var taken = await c.IdsAsync("""
                SELECT b.id FROM blobs b WHERE b.id IN
                    (SELECT blob_id FROM blob_text_pending WHERE blob_id = ANY(@ids) FOR UPDATE SKIP LOCKED)
                ORDER BY b.id FOR KEY SHARE SKIP LOCKED
                """, ("@ids", texts.Keys.ToArray())).ConfigureAwait(false);
            if (taken.Count == 0) return 0;
            await c.ExecAsync("DELETE FROM blob_text_pending WHERE blob_id = ANY(@ids)", ("@ids", taken.ToArray())).ConfigureAwait(false);
            await PgSearchIndex.AddAllAsync(c, [.. taken.Select(id => (id, texts[id]))]).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return taken.Count;
        }, ct).ConfigureAwait(false);
        Interlocked.Add(ref _indexedByPasses, indexed);
        return (due.Count, indexed);
    }

    /// <summary>
    /// Bodies a delayed pass takes at most in one transaction, whose blobs an EXPUNGE deleting
    /// one of them waits for (the seven trigram indexes' inserts: about half a millisecond a body
    /// alone, a few under load).
    /// </summary>
    private const int PassStep = 32;

    /// <summary>
    /// Added to the delay before a pass: .NET's timers count whole milliseconds of a coarser clock
    /// and may end a little before PostgreSQL's clock, which notes the bodies, has moved the delay
    /// on; the bodies that queued the pass would then not be due yet.
    /// </summary>
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(20);

    private readonly Lock _indexGate = new();
    private readonly CancellationTokenSource _closing = new();
    private bool _indexPassQueued;
    private bool _indexDueAgain;
    private Task _indexPasses = Task.CompletedTask;
    private long _indexedByPasses;

    /// <summary>One delayed pass now: the bodies noted at least the delay ago (tests).</summary>
    internal async Task<int> IndexDuePassAsync(int max) => (await IndexPassAsync(max, _options.IndexDelay, CancellationToken.None)).Indexed;

    /// <summary>Bodies this store's passes indexed (tests).</summary>
    internal long IndexedByPasses => Interlocked.Read(ref _indexedByPasses);

    /// <summary>The passes queued last, done once they ran (tests wait for them).</summary>
    internal Task IndexPasses
    {
        get
        {
            lock (_indexGate) return _indexPasses;
        }
    }

    /// <summary>Whether an append leaves its bodies' index rows to a pass (<see cref="StoreOptions.IndexDelay"/>).</summary>
    private bool IndexLater => _options.FullTextIndex && _options.IndexDelay > TimeSpan.Zero;

    /// <summary>
    /// Bodies were appended and noted as pending: a pass runs <see cref="StoreOptions.IndexDelay"/>
    /// from now, unless one is queued already; then another runs the delay after that one, for these.
    /// </summary>
    private void IndexDue()
    {
        if (!IndexLater) return;
        lock (_indexGate)
        {
            if (_indexPassQueued)
            {
                _indexDueAgain = true;
                return;
            }
            _indexPassQueued = true;
            _indexPasses = Task.Run(RunIndexPassesAsync);
        }
    }

    private async Task RunIndexPassesAsync()
    {
        while (true)
        {
            try
            {
                await Task.Delay(_options.IndexDelay + TimerSlack, _closing.Token).ConfigureAwait(false);
                while ((await IndexPassAsync(PassStep, _options.IndexDelay, _closing.Token).ConfigureAwait(false)).Due == PassStep)
                {
                }
            }
            catch (Exception)
            {
                // Closing, or the database refused: the bodies stay pending (a SEARCH reads them)
                // for the next pass of any node, or the catch-up at the next start. A refusal
                // counts as a failed write transaction (akkaimap_store_commit_failures_total).
                if (_closing.IsCancellationRequested) return;
                StoreTelemetry.CommitFailed();
            }
            lock (_indexGate)
            {
                if (!_indexDueAgain || _closing.IsCancellationRequested)
                {
                    _indexPassQueued = false;
                    return;
                }
                _indexDueAgain = false;
            }
        }
    }
}

/// <summary>
/// The PostgreSQL side of the full-text index. <c>LIKE '%needle%'</c> on the folded text is the
/// exact substring test (a deterministic collation compares characters as they are); the
/// pg_trgm GIN index (<c>gin_trgm_ops</c>) narrows the rows and PostgreSQL rechecks each, so the
/// index only ever makes it faster. A message whose text could not be read has a row with
/// <c>unindexed</c> set and no text: the scan decides it.
/// </summary>
internal static class PgSearchIndex
{
    // Version 4 (full-text SEARCH). A separate constant from any other change of the same version,
    // so that merging renumbers it without touching its text. pg_trgm is a trusted extension
    // (PostgreSQL 13+): the database's owner may create it. Debian ships it in postgresql-NN.
    public const string Schema = """
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE TABLE blob_text(
            blob_id bigint PRIMARY KEY REFERENCES blobs(id) ON DELETE CASCADE,
            unindexed boolean NOT NULL,
            header text COLLATE "C",
            body text COLLATE "C",
            f_from text COLLATE "C",
            f_to text COLLATE "C",
            f_cc text COLLATE "C",
            f_bcc text COLLATE "C",
            subject text COLLATE "C");
        CREATE INDEX blob_text_header ON blob_text USING gin (header gin_trgm_ops);
        CREATE INDEX blob_text_body ON blob_text USING gin (body gin_trgm_ops);
        CREATE INDEX blob_text_from ON blob_text USING gin (f_from gin_trgm_ops);
        CREATE INDEX blob_text_to ON blob_text USING gin (f_to gin_trgm_ops);
        CREATE INDEX blob_text_cc ON blob_text USING gin (f_cc gin_trgm_ops);
        CREATE INDEX blob_text_bcc ON blob_text USING gin (f_bcc gin_trgm_ops);
        CREATE INDEX blob_text_subject ON blob_text USING gin (subject gin_trgm_ops);
        CREATE INDEX blob_text_unindexed ON blob_text(blob_id) WHERE unindexed;
        """;

    // Version 6: bodies stored while search.full-text-index was off, not indexed yet. Until
    // IndexPendingAsync takes them, lookups list them with the unindexed ones (the scan decides them).
    public const string PendingSchema = """
        CREATE TABLE blob_text_pending(blob_id bigint PRIMARY KEY REFERENCES blobs(id) ON DELETE CASCADE);
        """;

    /// <summary>Writes the index rows of several blobs in one statement.</summary>
    public static Task AddAllAsync(NpgsqlConnection c, IReadOnlyList<(long BlobId, IndexedDocument? Text)> rows) =>
        c.ExecAsync("""
            INSERT INTO blob_text(blob_id, unindexed, header, body, f_from, f_to, f_cc, f_bcc, subject)
            SELECT * FROM unnest(@b, @u, @h, @t, @f, @to, @cc, @bcc, @s)
            """, ("@b", rows.Select(r => r.BlobId).ToArray()), ("@u", rows.Select(r => r.Text is null).ToArray()),
            ("@h", Column(rows, t => t.Header)), ("@t", Column(rows, t => t.Body)), ("@f", Column(rows, t => t.From)),
            ("@to", Column(rows, t => t.To)), ("@cc", Column(rows, t => t.Cc)), ("@bcc", Column(rows, t => t.Bcc)),
            ("@s", Column(rows, t => t.Subject)));

    private static NpgsqlParameter Column(IReadOnlyList<(long BlobId, IndexedDocument? Text)> rows, Func<IndexedDocument, string?> column) =>
        new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, Value = rows.Select(r => r.Text is { } t ? column(t) : null).ToArray() };

    /// <summary>Indexes a new blob; with the index off (<paramref name="keepUp"/> false) only notes it as pending.</summary>
    public static async Task AddAsync(NpgsqlConnection c, long blobId, IndexedDocument? text, bool keepUp = true)
    {
        if (!keepUp)
        {
            await c.ExecAsync("INSERT INTO blob_text_pending(blob_id) VALUES (@b) ON CONFLICT DO NOTHING", ("@b", blobId)).ConfigureAwait(false);
            return;
        }
        await c.ExecAsync("""
            INSERT INTO blob_text(blob_id, unindexed, header, body, f_from, f_to, f_cc, f_bcc, subject)
            VALUES (@b, @u, @h, @t, @f, @to, @cc, @bcc, @s)
            """, ("@b", blobId), ("@u", text is null), ("@h", Pg.Text(text?.Header)), ("@t", Pg.Text(text?.Body)),
            ("@f", Pg.Text(text?.From)), ("@to", Pg.Text(text?.To)), ("@cc", Pg.Text(text?.Cc)), ("@bcc", Pg.Text(text?.Bcc)),
            ("@s", Pg.Text(text?.Subject))).ConfigureAwait(false);
    }

    /// <summary>Indexes every blob of a store made before version 4, inside the migration's transaction.</summary>
    public static async Task BackfillAsync(NpgsqlConnection c)
    {
        var ids = await c.IdsAsync("SELECT id FROM blobs ORDER BY id").ConfigureAwait(false);
        await IndexBlobsAsync(c, ids).ConfigureAwait(false);
    }

    /// <summary>Parses each blob as append would and writes its index row.</summary>
    private static async Task IndexBlobsAsync(NpgsqlConnection c, List<long> ids)
    {
        foreach (var id in ids)
        {
            var row = await c.ListAsync("SELECT envelope, content FROM blobs WHERE id = @b", r => ((byte[])r[0], (byte[])r[1]), ("@b", id)).ConfigureAwait(false);
            if (row.Count == 0) continue;
            await AddAsync(c, id, MessageAnalyzer.IndexText(row[0].Item2, row[0].Item1)).ConfigureAwait(false);
        }
    }

    public static async Task<IndexedMatches> FindAsync(NpgsqlConnection c, long folderId, IndexedField field, string needle)
    {
        var pattern = "%" + needle.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal) + "%";
        var condition = field switch
        {
            IndexedField.Text => "(t.header LIKE @p OR t.body LIKE @p)",
            IndexedField.Body => "t.body LIKE @p",
            IndexedField.From => "t.f_from LIKE @p",
            IndexedField.To => "t.f_to LIKE @p",
            IndexedField.Cc => "t.f_cc LIKE @p",
            IndexedField.Bcc => "t.f_bcc LIKE @p",
            _ => "t.subject LIKE @p",
        };
        var matches = await c.UidListAsync($"""
            SELECT m.uid FROM blob_text t JOIN messages m ON m.blob_id = t.blob_id
            WHERE m.folder_id = @f AND {condition}
            """, ("@f", folderId), ("@p", pattern)).ConfigureAwait(false);
        var unindexed = await c.UidListAsync("""
            SELECT m.uid FROM blob_text t JOIN messages m ON m.blob_id = t.blob_id WHERE t.unindexed AND m.folder_id = @f
            UNION ALL
            SELECT m.uid FROM blob_text_pending p JOIN messages m ON m.blob_id = p.blob_id WHERE m.folder_id = @f
            """, ("@f", folderId)).ConfigureAwait(false);
        return new IndexedMatches(new HashSet<uint>(matches), new HashSet<uint>(unindexed));
    }
}
