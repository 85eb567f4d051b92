using System.Runtime.InteropServices;
using AkkaImap.Storage.Mime;
using AkkaImap.Storage.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace AkkaImap.Storage.Postgres;

// Message writes: append, copy, move, store, expunge (IMailStore). Each is one call of a function of
// PgWriteFunctions (one statement; a group commit's statements go in one round trip), which locks
// the folder row it takes UIDs or a MODSEQ from until the commit.
public sealed partial class PostgresStore
{
    private const string AppendSql = "SELECT * FROM akkaimap_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)";
    private const string StageSql = "SELECT akkaimap_stage($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)";
    private const string CopySql = "SELECT * FROM akkaimap_copy($1, $2, $3, $4, $5, $6, $7)";
    private const string ExpungeSql = "SELECT * FROM akkaimap_expunge($1, $2, $3)";
    private const string StoreFlagsSql = "SELECT * FROM akkaimap_store_flags($1, $2, $3, $4, $5)";

    public async Task<AppendResult> AppendAsync(long folderId, IReadOnlyList<AppendRequest> messages, CancellationToken ct = default, bool claimRecent = false)
    {
        var appended = await PrepareThenStatement(folderId, () => AppendArgs(folderId, messages, IndexInAppend, claimRecent), AppendSql, r =>
        {
            var first = (uint)r.GetInt64(1);
            var uids = new uint[messages.Count];
            for (var i = 0; i < uids.Length; i++) uids[i] = first + (uint)i;
            var modSeq = (ulong)r.GetInt64(2);
            return new AppendResult((uint)r.GetInt64(0), uids, modSeq) { Stored = StoreRules.Appended(messages, uids, modSeq) };
        }, ct).ConfigureAwait(false);
        IndexDue();
        return appended;
    }

    /// <summary>
    /// Whether an append writes its bodies' full-text index rows itself; otherwise it notes them
    /// as pending (the index off, or <see cref="StoreOptions.IndexDelay"/>: a pass writes them).
    /// </summary>
    private bool IndexInAppend => _options.FullTextIndex && !IndexLater;

    /// <summary>
    /// The arguments of <c>akkaimap_append</c>: each message's MIME analysis (on the CPU threads), flags and date;
    /// with <paramref name="keepUp"/> off (search.full-text-index off) new bodies are only noted as pending;
    /// last, whether a session claimed them as \Recent.
    /// </summary>
    private static object?[] AppendArgs(long folderId, IReadOnlyList<AppendRequest> messages, bool keepUp, bool claimRecent)
    {
        var n = messages.Count;
        var staged = new long?[n];
        var flags = new int[n];
        var keywords = new string?[n];
        var dates = new long[n];
        var zones = new int[n];
        var blobs = new BlobColumns(n, keepUp);
        for (var i = 0; i < n; i++)
        {
            var request = messages[i];
            staged[i] = request.StagedBodyId;
            flags[i] = (int)(request.Flags & ~MessageFlags.Recent);
            keywords[i] = Keywords.Join(Keywords.Merge([], request.Keywords ?? []));
            var date = request.InternalDate ?? DateTimeOffset.Now;
            (dates[i], zones[i]) = (date.ToUnixTimeMilliseconds(), (int)date.Offset.TotalMinutes);
            if (request.StagedBodyId is null) blobs.Analyse(i, request.Content);
        }
        return [folderId, NowMs(), staged, flags, keywords, dates, zones, .. blobs.Args(), claimRecent];
    }

    /// <summary>
    /// Analysed messages as the array arguments of <c>akkaimap_append</c> (element i empty for a staged body), then
    /// whether to index them: without <paramref name="keepUp"/> their text is not sent (the function notes them as pending).
    /// </summary>
    private sealed class BlobColumns(int n, bool keepUp)
    {
        private readonly string?[] _emailIds = new string?[n];
        private readonly long[] _sizes = new long[n];
        private readonly byte[]?[] _envelopes = new byte[]?[n];
        private readonly byte[]?[] _bodies = new byte[]?[n];
        private readonly byte[]?[] _parts = new byte[]?[n];
        private readonly string?[] _previews = new string?[n];
        private readonly long?[] _sentDates = new long?[n];
        private readonly byte[]?[] _contents = new byte[]?[n];
        private readonly bool[] _unindexed = new bool[n];
        private readonly string?[][] _text = [.. Enumerable.Range(0, 7).Select(_ => new string?[n])];

        /// <summary>Message i's analysis; its index text only when it is sent (a pass parses the stored body otherwise).</summary>
        public void Analyse(int i, ReadOnlyMemory<byte> content) => Set(i, MessageAnalyzer.Analyse(content, withText: keepUp));

        private void Set(int i, AnalysedMessage a)
        {
            (_emailIds[i], _sizes[i], _envelopes[i], _bodies[i], _parts[i], _previews[i], _contents[i]) =
                (Db.NewObjectId('M'), a.Content.Length, a.Envelope, a.Body, a.Parts, a.Preview, Bytes(a.Content));
            _sentDates[i] = a.SentDate;
            if (!keepUp) return;
            _unindexed[i] = a.Text is null;
            var t = a.Text;
            (_text[0][i], _text[1][i], _text[2][i], _text[3][i], _text[4][i], _text[5][i], _text[6][i]) = (t?.Header, t?.Body, t?.From, t?.To, t?.Cc, t?.Bcc, t?.Subject);
        }

        public IEnumerable<object?> Args() =>
        [
            Array(_emailIds, NpgsqlDbType.Text), _sizes, Array(_envelopes, NpgsqlDbType.Bytea), Array(_bodies, NpgsqlDbType.Bytea),
            Array(_parts, NpgsqlDbType.Bytea), Array(_previews, NpgsqlDbType.Text),
            Array(_sentDates, NpgsqlDbType.Bigint), Array(_contents, NpgsqlDbType.Bytea), _unindexed,
            .. _text.Select(column => Array(column, NpgsqlDbType.Text)), keepUp,
        ];

        private static NpgsqlParameter Array(object values, NpgsqlDbType element) => new() { NpgsqlDbType = NpgsqlDbType.Array | element, Value = values };

        /// <summary>The message's bytes as an array, copied only when they are part of a larger one.</summary>
        private static byte[] Bytes(ReadOnlyMemory<byte> content) =>
            MemoryMarshal.TryGetArray(content, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length ? segment.Array : content.ToArray();
    }

    public async Task<long> StageMessageAsync(ReadOnlyMemory<byte> content, CancellationToken ct = default)
    {
        var staged = await PrepareThenStatement(Interlocked.Increment(ref _stagedLane), () =>
        {
            var blob = new BlobColumns(1, IndexInAppend);
            blob.Analyse(0, content);
            var now = NowMs();
            // Bodies staged a day ago and never appended (their session went away) go now.
            return [now, now - (long)TimeSpan.FromDays(1).TotalMilliseconds, .. blob.Args().Select(Single)];
        }, StageSql, r => r.GetInt64(0), ct).ConfigureAwait(false);
        IndexDue();
        return staged;
    }

    /// <summary>Each body on a lane of its own, so the writer's connections send them side by side.</summary>
    public async Task<IReadOnlyList<long>> StageMessagesAsync(IReadOnlyList<ReadOnlyMemory<byte>> contents, CancellationToken ct = default) =>
        await Task.WhenAll(contents.Select(content => StageMessageAsync(content, ct))).ConfigureAwait(false);

    /// <summary>Element 0 of an array argument, as a parameter of the element type.</summary>
    private static object? Single(object? arg) => arg switch
    {
        NpgsqlParameter { Value: Array values } p => new NpgsqlParameter { NpgsqlDbType = p.NpgsqlDbType & ~NpgsqlDbType.Array, Value = values.GetValue(0) ?? DBNull.Value },
        Array values => values.GetValue(0),
        _ => arg,
    };

    public Task<CopyResult> CopyAsync(long sourceFolderId, IReadOnlyCollection<uint> uids, long targetFolderId, KeptFlags? keep = null, CancellationToken ct = default) =>
        Statement(targetFolderId, CopySql, CopyArgs(sourceFolderId, uids, targetFolderId, moving: false, keep), ReadCopy, ct);

    public Task<MoveResult> MoveAsync(long sourceFolderId, IReadOnlyCollection<uint> uids, long targetFolderId, KeptFlags? keep = null, CancellationToken ct = default) =>
        Statement(sourceFolderId, CopySql, CopyArgs(sourceFolderId, uids, targetFolderId, moving: true, keep), ReadMove, ct);

    /// <summary>
    /// The arguments of <c>akkaimap_copy</c>; the copies keep only the flags of <paramref name="keep"/>
    /// (into a public folder, those the reader may set), all of them without it.
    /// </summary>
    private static object?[] CopyArgs(long sourceId, IReadOnlyCollection<uint> uids, long targetId, bool moving, KeptFlags? keep) =>
        [sourceId, Pg.Uids(uids), targetId, NowMs(), moving, (int)(keep?.Flags ?? (MessageFlags)0xFF), keep?.Keywords ?? true];

    /// <summary>A row of <c>akkaimap_copy</c>: uidvalidity, source_uids, first_uid, new_modseq, source_modseq.</summary>
    private static CopyResult ReadCopy(NpgsqlDataReader r)
    {
        var sources = r.GetFieldValue<long[]>(1);
        var first = (uint)r.GetInt64(2);
        var mapping = new List<UidMapping>(sources.Length);
        for (var i = 0; i < sources.Length; i++) mapping.Add(new UidMapping((uint)sources[i], first + (uint)i));
        return new CopyResult((uint)r.GetInt64(0), mapping, (ulong)r.GetInt64(3));
    }

    private static MoveResult ReadMove(NpgsqlDataReader r)
    {
        var copy = ReadCopy(r);
        return new MoveResult(copy, [.. copy.Mapping.Select(m => m.SourceUid)], (ulong)r.GetInt64(4));
    }

    /// <summary>MOVE inside a write of several statements (RENAME of INBOX).</summary>
    private static async Task<MoveResult> MoveMessages(NpgsqlConnection c, long sourceId, IReadOnlyCollection<uint> uids, long targetId, KeptFlags? keep)
    {
        await using var cmd = new NpgsqlCommand(CopySql, c);
        foreach (var arg in CopyArgs(sourceId, uids, targetId, moving: true, keep)) cmd.Parameters.Add(Pg.Parameter(arg));
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return ReadMove(r);
    }

    public Task<StoreResult> StoreFlagsAsync(long folderId, IReadOnlyCollection<uint> uids, StoreMode mode, MessageFlags flags,
        IReadOnlyList<string>? keywords = null, ulong? unchangedSince = null, CancellationToken ct = default)
    {
        // \Recent is a session's, never stored (RFC 3501 §2.3.2: clients cannot set it).
        flags &= ~MessageFlags.Recent;
        // Keywords merge case-insensitively (StoreRules.ApplyStore): those STOREs read the rows and decide here.
        if (keywords is { Count: > 0 })
            return Write(folderId, c => StoreFlags(c, folderId, reader: null, uids, mode, flags, keywords, unchangedSince), ct);
        var sqlMode = mode switch { StoreMode.Add => 0, StoreMode.Remove => 1, _ => 2 };
        return Statement(folderId, StoreFlagsSql, [folderId, Pg.Uids(uids), sqlMode, (int)flags, Pg.Big((long?)unchangedSince)], r =>
        {
            var changedUids = r.GetFieldValue<long[]>(0);
            var changedFlags = r.GetFieldValue<int[]>(1);
            var changedKeywords = r.GetFieldValue<string?[]>(2);
            var modified = r.GetFieldValue<long[]>(3);
            var highest = (ulong)r.GetInt64(4);
            var cache = new Keywords.Cache();
            var changed = new List<MessageFlagState>(changedUids.Length);
            for (var i = 0; i < changedUids.Length; i++)
                changed.Add(new MessageFlagState((uint)changedUids[i], (MessageFlags)changedFlags[i], cache.Get(changedKeywords[i]), highest));
            return new StoreResult(changed, [.. modified.Select(u => (uint)u)], highest);
        }, ct);
    }

    /// <summary>STORE for one folder; with a <paramref name="reader"/> (a public folder) \Seen is that account's own.</summary>
    private static async Task<StoreResult> StoreFlags(NpgsqlConnection c, long folderId, long? reader, IReadOnlyCollection<uint> uids, StoreMode mode,
        MessageFlags flags, IReadOnlyList<string>? keywords, ulong? unchangedSince)
    {
        // \Recent is a session's, never stored (RFC 3501 §2.3.2: clients cannot set it).
        flags &= ~MessageFlags.Recent;
        var folder = await SelectableFolder(c, folderId);
        var newModSeq = folder.HighestModSeq + 1;
        var uidArray = Pg.Uids(uids);
        var seen = reader is { } account
            ? new HashSet<uint>(await c.UidListAsync("SELECT uid FROM seen WHERE folder_id = @f AND account_id = @a AND uid = ANY(@uids)",
                ("@f", folderId), ("@a", account), ("@uids", uidArray)))
            : null;
        var changed = new List<MessageFlagState>();
        var failed = new List<uint>();
        var updates = new List<(long Uid, int Flags, string? Keywords)>();
        foreach (var row in await SelectFlagRows(c, folderId, uidArray))
        {
            var (outcome, current, newFlags, newKeywords) = StoreRules.ApplyStore(
                row, seen is null ? null : seen.Contains(row.Uid), mode, flags, keywords, unchangedSince);
            if (outcome == StoreRules.FlagOutcome.Modified)
            {
                failed.Add(row.Uid);
                continue;
            }
            if (outcome == StoreRules.FlagOutcome.Unchanged) continue; // no new modseq
            var stored = newFlags;
            if (reader is { } readerId)
            {
                await SetSeen(c, folderId, readerId, row.Uid, (current & MessageFlags.Seen) != 0, (newFlags & MessageFlags.Seen) != 0);
                stored &= ~MessageFlags.Seen;
            }
            updates.Add((row.Uid, (int)stored, Keywords.Join(newKeywords)));
            changed.Add(new MessageFlagState(row.Uid, newFlags, newKeywords, newModSeq));
        }
        var highest = folder.HighestModSeq;
        if (changed.Count > 0)
        {
            // One statement for every changed message, however many: a STORE on a large folder is one round trip.
            await c.ExecAsync("""
                UPDATE messages m SET flags = u.flags, keywords = u.keywords, modseq = @m
                FROM unnest(@uids, @flags, @kws) AS u(uid, flags, keywords)
                WHERE m.folder_id = @f AND m.uid = u.uid
                """, ("@m", (long)newModSeq), ("@f", folderId), ("@uids", updates.Select(u => u.Uid).ToArray()),
                ("@flags", updates.Select(u => u.Flags).ToArray()), ("@kws", updates.Select(u => u.Keywords).ToArray()));
            highest = newModSeq;
            await c.ExecAsync("UPDATE folders SET highest_modseq = @m WHERE id = @f", ("@m", (long)highest), ("@f", folderId));
        }
        return new StoreResult(changed, failed, highest);
    }

    public Task<ExpungeResult> ExpungeAsync(long folderId, IReadOnlyCollection<uint>? uids = null, CancellationToken ct = default) =>
        Expunge(folderId, uids is null ? Pg.NullBigintArray : Pg.Uids(uids), deletedOnly: true, ct);

    /// <summary>A row of <c>akkaimap_expunge</c>: the UIDs removed and the folder's MODSEQ after.</summary>
    private Task<ExpungeResult> Expunge(long folderId, object uids, bool deletedOnly, CancellationToken ct) =>
        Statement(folderId, ExpungeSql, [folderId, uids, deletedOnly],
            r => new ExpungeResult([.. r.GetFieldValue<long[]>(0).Select(u => (uint)u)], (ulong)r.GetInt64(1)), ct);

    // ---- helpers shared with folder operations ----

    /// <summary>The folder, locked for this transaction; NotFound or NoSelect refused.</summary>
    private static async Task<FolderInfo> SelectableFolder(NpgsqlConnection c, long folderId)
    {
        var folder = await FindFolder(c, folderId, forUpdate: true) ?? throw NoFolder($"#{folderId}");
        if (folder.NoSelect) throw new StoreException(StoreError.NoSelect, $"{folder.Name} is not selectable");
        // The owner lease, as akkaimap_selectable checks it for the writes made in the database.
        await c.ExecAsync("SELECT akkaimap_check_holder(owner_kind, owner_id, false) FROM folders WHERE id = @f", ("@f", folderId));
        return folder;
    }

    /// <summary>Deletes every message of a folder (DELETE, RENAME cleanup) without tombstones.</summary>
    private static async Task DeleteMessages(NpgsqlConnection c, long folderId)
    {
        var blobs = await c.IdsAsync("DELETE FROM messages WHERE folder_id = @f RETURNING blob_id", ("@f", folderId));
        await c.ExecAsync("DELETE FROM seen WHERE folder_id = @f", ("@f", folderId));
        await DeleteBlobsIfUnused(c, blobs.Distinct().ToList());
    }

    private static async Task DeleteBlobsIfUnused(NpgsqlConnection c, List<long> blobIds)
    {
        if (blobIds.Count == 0) return;
        await c.ExecAsync("SELECT akkaimap_delete_unused_blobs(@ids)", ("@ids", blobIds.ToArray()));
    }
}
