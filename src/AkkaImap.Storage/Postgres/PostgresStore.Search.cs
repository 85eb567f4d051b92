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

    // Any writer will do: the pending rows taken are locked (SKIP LOCKED), so nodes share the work.
    public Task<int> IndexPendingAsync(int max, CancellationToken ct = default) =>
        Write(c => PgSearchIndex.IndexPendingAsync(c, max), ct);
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

    /// <summary>
    /// Indexes up to <paramref name="max"/> pending blobs; how many. The rows are taken with SKIP
    /// LOCKED, so several nodes catching up at once share the work instead of waiting on each other.
    /// </summary>
    public static async Task<int> IndexPendingAsync(NpgsqlConnection c, int max)
    {
        var ids = await c.IdsAsync("""
            DELETE FROM blob_text_pending WHERE blob_id IN
                (SELECT blob_id FROM blob_text_pending ORDER BY blob_id LIMIT @n FOR UPDATE SKIP LOCKED)
            RETURNING blob_id
            """, ("@n", max)).ConfigureAwait(false);
        await IndexBlobsAsync(c, ids).ConfigureAwait(false);
        return ids.Count;
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
            IndexedDocument? text;
            try
            {
                text = IndexedDocument.OfOrNull(MessageText.FromMessage(row[0].Item2), ModelCodec.ReadEnvelope(row[0].Item1));
            }
            catch (Exception)
            {
                text = null;
            }
            await AddAsync(c, id, text).ConfigureAwait(false);
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
