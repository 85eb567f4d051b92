using System.Text.Json;
using AkkaImap.Storage.Mime;
using AkkaImap.Storage.Search;
using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Sqlite;

// The full-text index (schema 7): FTS5 with the trigram tokenizer, one row per blob (copies share
// it), written in the transaction that writes the blob and deleted with it.
public sealed partial class SqliteStore
{
    public Task<IndexedMatches?> SearchIndexAsync(long folderId, IndexedField field, string value, CancellationToken ct = default)
    {
        if (IndexedDocument.NeedleFor(value) is not { } needle) return Task.FromResult<IndexedMatches?>(null);
        return Read<IndexedMatches?>(c => SearchIndex.Find(c, folderId, field, needle), ct);
    }
}

/// <summary>
/// The SQLite side of the full-text index. Two contentless FTS5 tables (the text is not stored a
/// second time; <c>contentless_delete</c> lets rows go with their blob): <c>text_index</c> for
/// TEXT and BODY, <c>address_index</c> for the envelope fields, so that a FROM search reads only
/// the small doclists of addresses and subjects. <c>case_sensitive 1</c>: the text is already
/// folded (<see cref="IndexedDocument.Fold"/>), and SQLite's own folding is not .NET's. A phrase
/// of trigrams matches exactly where the needle occurs as a substring.
/// </summary>
internal static class SearchIndex
{
    // Version 7 (full-text SEARCH). A separate constant from any other change of the same version,
    // so that merging renumbers it without touching its text.
    public const string Schema = """
        CREATE VIRTUAL TABLE text_index USING fts5(header, body,
            tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1);
        CREATE VIRTUAL TABLE address_index USING fts5(f_from, f_to, f_cc, f_bcc, subject,
            tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1);
        CREATE TABLE text_unindexed(blob_id INTEGER PRIMARY KEY);
        """;

    /// <summary>Indexes a new blob (null text: the scan decides it, so it is listed as unindexed).</summary>
    public static void Add(SqliteConnection c, long blobId, IndexedDocument? text)
    {
        if (text is null)
        {
            c.Exec("INSERT OR IGNORE INTO text_unindexed(blob_id) VALUES (@b)", ("@b", blobId));
            return;
        }
        c.Exec("INSERT INTO text_index(rowid, header, body) VALUES (@b, @h, @t)", ("@b", blobId), ("@h", text.Header), ("@t", text.Body));
        c.Exec("INSERT INTO address_index(rowid, f_from, f_to, f_cc, f_bcc, subject) VALUES (@b, @f, @t, @c, @bcc, @s)",
            ("@b", blobId), ("@f", text.From), ("@t", text.To), ("@c", text.Cc), ("@bcc", text.Bcc), ("@s", text.Subject));
    }

    /// <summary>Removes the index rows of deleted blobs.</summary>
    public static void Remove(SqliteConnection c, List<long> blobIds)
    {
        if (blobIds.Count == 0) return;
        var ids = ("@ids", (object?)JsonSerializer.Serialize(blobIds, StorageJson.Default.ListInt64));
        c.Exec("DELETE FROM text_index WHERE rowid IN (SELECT value FROM json_each(@ids))", ids);
        c.Exec("DELETE FROM address_index WHERE rowid IN (SELECT value FROM json_each(@ids))", ids);
        c.Exec("DELETE FROM text_unindexed WHERE blob_id IN (SELECT value FROM json_each(@ids))", ids);
    }

    /// <summary>
    /// Indexes every blob of a store made before version 7, inside the migration's transaction:
    /// each is parsed as append would, so the upgrade takes about as long as appending the store's
    /// messages again, once.
    /// </summary>
    public static void Backfill(SqliteConnection c)
    {
        var ids = new List<long>();
        using (var all = c.Cmd("SELECT id FROM blobs"))
        using (var r = all.ExecuteReader())
        {
            while (r.Read()) ids.Add(r.GetInt64(0));
        }
        foreach (var id in ids)
        {
            byte[] envelope, content;
            using (var one = c.Cmd("SELECT envelope, content FROM blobs WHERE id = @b", ("@b", id)))
            using (var r = one.ExecuteReader())
            {
                if (!r.Read()) continue;
                envelope = (byte[])r[0];
                content = r.IsDBNull(1) ? [] : (byte[])r[1];
            }
            IndexedDocument? text;
            try
            {
                text = IndexedDocument.OfOrNull(MessageText.FromMessage(content), ModelCodec.ReadEnvelope(envelope));
            }
            catch (Exception)
            {
                text = null;
            }
            Add(c, id, text);
        }
    }

    /// <summary>The folder's messages whose <paramref name="field"/> contains the folded <paramref name="needle"/>.</summary>
    public static IndexedMatches Find(SqliteConnection c, long folderId, IndexedField field, string needle)
    {
        var (table, columns) = field switch
        {
            IndexedField.Text => ("text_index", "header body"),
            IndexedField.Body => ("text_index", "body"),
            IndexedField.From => ("address_index", "f_from"),
            IndexedField.To => ("address_index", "f_to"),
            IndexedField.Cc => ("address_index", "f_cc"),
            IndexedField.Bcc => ("address_index", "f_bcc"),
            _ => ("address_index", "subject"),
        };
        // An FTS5 string: the needle in double quotes, its own double quotes doubled; the trigram
        // tokenizer makes it a phrase of its trigrams. The FTS table drives the join (CROSS JOIN
        // keeps that order): its matches are looked up in messages_blob, which holds the folder
        // and UID as the table's key.
        var query = "{" + columns + "} : \"" + needle.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        var matches = Uids(c, $"""
            SELECT m.uid FROM {table} CROSS JOIN messages m ON m.blob_id = {table}.rowid
            WHERE {table} MATCH @q AND m.folder_id = @f
            """, ("@q", query), ("@f", folderId));
        var unindexed = Uids(c, """
            SELECT m.uid FROM text_unindexed u CROSS JOIN messages m ON m.blob_id = u.blob_id WHERE m.folder_id = @f
            """, ("@f", folderId));
        return new IndexedMatches(matches, unindexed);
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
