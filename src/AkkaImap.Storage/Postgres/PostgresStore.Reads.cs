using AkkaImap.Storage.Mime;
using AkkaImap.Storage.Sqlite;
using Npgsql;

namespace AkkaImap.Storage.Postgres;

// Message reads: flags, CONDSTORE/QRESYNC changes, FETCH metadata and bytes (IMailStore).
public sealed partial class PostgresStore
{
    private const string FlagColumns = "uid, flags, keywords, modseq";

    public Task<IReadOnlyList<MessageFlagState>> GetMessageFlagsAsync(long folderId, CancellationToken ct = default) =>
        Read<IReadOnlyList<MessageFlagState>>(async c => await ReadFlagStates(c,
            $"SELECT {FlagColumns} FROM messages WHERE folder_id = @f ORDER BY uid", ("@f", folderId)), ct);

    public Task<IReadOnlyList<MessageFlagState>> GetChangedSinceAsync(long folderId, ulong modSeq, CancellationToken ct = default) =>
        Read<IReadOnlyList<MessageFlagState>>(async c => await ReadFlagStates(c,
            $"SELECT {FlagColumns} FROM messages WHERE folder_id = @f AND modseq > @m ORDER BY uid", ("@f", folderId), ("@m", (long)modSeq)), ct);

    public Task<IReadOnlyList<uint>> GetVanishedSinceAsync(long folderId, ulong modSeq, CancellationToken ct = default) =>
        Read<IReadOnlyList<uint>>(async c => await c.UidListAsync(
            "SELECT uid FROM expunged WHERE folder_id = @f AND modseq > @m ORDER BY uid", ("@f", folderId), ("@m", (long)modSeq)), ct);

    public Task<IReadOnlyList<MessageInfo>> GetMessagesAsync(long folderId, IReadOnlyCollection<uint> uids, CancellationToken ct = default) =>
        Read<IReadOnlyList<MessageInfo>>(async c => await ReadInfos(c, folderId, Pg.Uids(uids)), ct);

    public Task<MessageInfo?> GetMessageAsync(long folderId, uint uid, CancellationToken ct = default) =>
        Read(async c => (await ReadInfos(c, folderId, [uid])).FirstOrDefault(), ct);

    public Task<IReadOnlyList<MessageSortFacts>> GetSortFactsAsync(long folderId, IReadOnlyCollection<uint> uids, SortFactsNeed need, CancellationToken ct = default) =>
        Read<IReadOnlyList<MessageSortFacts>>(async c => await c.ListAsync($"""
            SELECT m.uid, m.internal_date, m.internal_tz, m.size, {SqliteStore.SortFactsColumns(need)}
            FROM messages m {(need == SortFactsNeed.Row ? "" : "JOIN blobs b ON b.id = m.blob_id")}
            WHERE m.folder_id = @f AND m.uid = ANY(@uids) ORDER BY m.uid
            """, r => new MessageSortFacts((uint)r.GetInt64(0), FromMs(r.GetInt64(1)).ToOffset(TimeSpan.FromMinutes(r.GetInt32(2))), r.GetInt64(3),
                r.IsDBNull(4) ? null : FromMs(r.GetInt64(4)), r.IsDBNull(5) ? null : ModelCodec.ReadEnvelope((byte[])r[5])),
            ("@f", folderId), ("@uids", Pg.Uids(uids))), ct);

    public Task<SortKeyColumns> GetSortKeysAsync(long folderId, IReadOnlyCollection<uint>? uids, IReadOnlyList<SortColumn> columns, CancellationToken ct = default) =>
        Read(async c =>
        {
            // Schema 7 keeps the sent date on the blob row (a sent date in the message row would be
            // a schema step of its own): the blob is joined only when DATE is asked, and its
            // envelope read only where no sent date is stored, resolved here as at append.
            bool dated = columns.Contains(SortColumn.SentDate);
            var select = string.Concat(columns.Select(column => column switch
            {
                SortColumn.Arrival => ", m.internal_date",
                SortColumn.Size => ", m.size",
                _ => ", b.sent_date",
            }));
            var sql = $"""
                SELECT m.uid, m.internal_date{select}{(dated ? ", CASE WHEN b.sent_date IS NULL THEN b.envelope END" : "")}
                FROM messages m {(dated ? "JOIN blobs b ON b.id = m.blob_id" : "")}
                WHERE m.folder_id = @f{(uids is null ? "" : " AND m.uid = ANY(@uids)")} ORDER BY m.uid
                """;
            await using var cmd = uids is null ? c.Command(sql, ("@f", folderId)) : c.Command(sql, ("@f", folderId), ("@uids", Pg.Uids(uids)));
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var keys = new SortKeyBuffer(columns.Count, uids?.Count ?? 1024);
            int envelope = columns.Count + 2;
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                int row = keys.Add((uint)r.GetInt64(0));
                for (int i = 0; i < columns.Count; i++)
                {
                    int at = i + 2;
                    keys.Set(row, i, !r.IsDBNull(at) ? r.GetInt64(at)
                        // RFC 5256 §2.2: the envelope's Date as at append, else the internal date.
                        : (r.IsDBNull(envelope) ? null : SortDates.SentDate(ModelCodec.ReadEnvelope((byte[])r[envelope]))?.ToUnixTimeMilliseconds()) ?? r.GetInt64(1));
                }
            }
            return keys.ToColumns();
        }, ct);

    public Task<byte[]?> ReadMessageAsync(long folderId, uint uid, long offset = 0, long? length = null, CancellationToken ct = default)
    {
        if (offset < 0 || length < 0) throw new ArgumentOutOfRangeException(nameof(offset), "offset and length must not be negative");
        // substring() on bytea counts bytes from 1 and clips at the end; only the TOAST chunks it
        // covers are read. Its arguments are int: a message is far below 2 GiB.
        var from = (int)Math.Min(offset, int.MaxValue - 1) + 1;
        var sql = length is { } len
            ? "SELECT substring(b.content FROM @off FOR @len) FROM messages m JOIN blobs b ON b.id = m.blob_id WHERE m.folder_id = @f AND m.uid = @u"
            : "SELECT substring(b.content FROM @off) FROM messages m JOIN blobs b ON b.id = m.blob_id WHERE m.folder_id = @f AND m.uid = @u";
        return Read(async c =>
        {
            var rows = await c.ListAsync(sql, r => r.IsDBNull(0) ? [] : (byte[])r[0],
                ("@f", folderId), ("@u", (long)uid), ("@off", from), ("@len", (int)Math.Min(length ?? 0, int.MaxValue)));
            return rows.Count == 0 ? null : rows[0];
        }, ct);
    }

    public Task<IReadOnlyDictionary<uint, byte[]>> ReadMessagesAsync(long folderId, IReadOnlyCollection<uint> uids, CancellationToken ct = default) =>
        Read<IReadOnlyDictionary<uint, byte[]>>(async c =>
        {
            var rows = await c.ListAsync("""
                SELECT m.uid, b.content FROM messages m JOIN blobs b ON b.id = m.blob_id
                WHERE m.folder_id = @f AND m.uid = ANY(@uids)
                """, r => ((uint)r.GetInt64(0), r.IsDBNull(1) ? [] : (byte[])r[1]), ("@f", folderId), ("@uids", Pg.Uids(uids)));
            var contents = new Dictionary<uint, byte[]>(rows.Count);
            foreach (var (uid, bytes) in rows) contents[uid] = bytes;
            return contents;
        }, ct);

    public Task<IReadOnlyDictionary<uint, byte[]>> ReadMessagePrefixesAsync(long folderId, IReadOnlyDictionary<uint, long> lengths, CancellationToken ct = default) =>
        Read<IReadOnlyDictionary<uint, byte[]>>(async c =>
        {
            var uids = new long[lengths.Count];
            var lens = new int[lengths.Count];
            int i = 0;
            foreach (var (uid, length) in lengths)
            {
                uids[i] = uid;
                lens[i++] = (int)Math.Clamp(length, 0, int.MaxValue);
            }
            var rows = await c.ListAsync("""
                SELECT m.uid, substring(b.content FROM 1 FOR w.len)
                FROM unnest(@uids, @lens) AS w(uid, len)
                JOIN messages m ON m.folder_id = @f AND m.uid = w.uid
                JOIN blobs b ON b.id = m.blob_id
                """, r => ((uint)r.GetInt64(0), r.IsDBNull(1) ? [] : (byte[])r[1]),
                ("@f", folderId), ("@uids", uids), ("@lens", lens));
            var prefixes = new Dictionary<uint, byte[]>(rows.Count);
            foreach (var (uid, bytes) in rows) prefixes[uid] = bytes;
            return prefixes;
        }, ct);

    // ---- helpers ----

    private static Task<List<MessageFlagState>> SelectFlagRows(NpgsqlConnection c, long folderId, long[] uids) =>
        ReadFlagStates(c, $"SELECT {FlagColumns} FROM messages WHERE folder_id = @f AND uid = ANY(@uids) ORDER BY uid", ("@f", folderId), ("@uids", uids));

    private static Task<List<MessageFlagState>> ReadFlagStates(NpgsqlConnection c, string sql, params (string, object?)[] args)
    {
        var keywords = new Keywords.Cache();
        return c.ListAsync(sql, r => new MessageFlagState((uint)r.GetInt64(0), (MessageFlags)r.GetInt32(1),
            keywords.Get(r.IsDBNull(2) ? null : r.GetString(2)), (ulong)r.GetInt64(3)), args);
    }

    private static Task<List<MessageInfo>> ReadInfos(NpgsqlConnection c, long folderId, long[] uids)
    {
        var keywords = new Keywords.Cache();
        return c.ListAsync("""
            SELECT m.uid, m.flags, m.keywords, m.modseq, m.internal_date, m.internal_tz, m.save_date, m.size,
                   b.email_id, b.thread_id, b.envelope, b.body, b.parts, b.preview
            FROM messages m JOIN blobs b ON b.id = m.blob_id
            WHERE m.folder_id = @f AND m.uid = ANY(@uids) ORDER BY m.uid
            """, r =>
        {
            var offset = TimeSpan.FromMinutes(r.GetInt32(5));
            var envelope = (byte[])r[10];
            var body = (byte[])r[11];
            var parts = (byte[])r[12];
            return new MessageInfo(
                (uint)r.GetInt64(0), (MessageFlags)r.GetInt32(1), keywords.Get(r.IsDBNull(2) ? null : r.GetString(2)), (ulong)r.GetInt64(3),
                FromMs(r.GetInt64(4)).ToOffset(offset), FromMs(r.GetInt64(6)), r.GetInt64(7),
                r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9),
                () => ModelCodec.ReadEnvelope(envelope), () => ModelCodec.ReadBody(body), () => ModelCodec.ReadParts(parts),
                r.GetString(13));
        }, ("@f", folderId), ("@uids", uids));
    }
}
