using AkkaImap.Storage.Mime;
using AkkaImap.Storage.Sqlite;
using Npgsql;

namespace AkkaImap.Storage.Postgres;

// Message writes: append, copy, move, store, expunge (IMailStore). Every one locks the folder row
// it takes UIDs or a MODSEQ from (SelectableFolder, FOR UPDATE) until it commits.
public sealed partial class PostgresStore
{
    private const string InsertBlobSql = """
        INSERT INTO blobs(email_id, thread_id, size, envelope, body, parts, preview, sent_date, content)
        VALUES (@e, NULL, @s, @env, @body, @parts, @p, @sent, @c) RETURNING id
        """;

    public Task<AppendResult> AppendAsync(long folderId, IReadOnlyList<AppendRequest> messages, CancellationToken ct = default) =>
        PrepareThenWrite(folderId, () => Analyse(messages), async (c, analysed) =>
        {
            var folder = await SelectableFolder(c, folderId);
            if (messages.Count == 0) return new AppendResult(folder.UidValidity, [], folder.HighestModSeq);
            long bytes = 0;
            for (var i = 0; i < messages.Count; i++)
                bytes += messages[i].StagedBodyId is { } stagedId
                    ? await c.ScalarAsync<long>("SELECT size FROM blobs WHERE id = @b", ("@b", stagedId))
                    : analysed[i]!.Content.Length;
            await CheckQuota(c, folderId, bytes, messages.Count);
            var modSeq = folder.HighestModSeq + 1;
            var uid = folder.UidNext;
            var now = NowMs();
            var uids = new uint[messages.Count];
            for (var i = 0; i < messages.Count; i++)
            {
                var request = messages[i];
                long blobId, size;
                if (request.StagedBodyId is { } staged)
                {
                    (blobId, size) = await TakeStaged(c, staged);
                }
                else
                {
                    (blobId, size) = (await InsertBlob(c, analysed[i]!, _options.FullTextIndex), analysed[i]!.Content.Length);
                }
                var date = request.InternalDate ?? DateTimeOffset.Now;
                await c.ExecAsync("""
                    INSERT INTO messages(folder_id, uid, flags, keywords, modseq, internal_date, internal_tz, size, save_date, blob_id)
                    VALUES (@f, @u, @fl, @kw, @m, @d, @tz, @s, @now, @b)
                    """, ("@f", folderId), ("@u", (long)uid), ("@fl", (int)(request.Flags & ~MessageFlags.Recent)),
                    ("@kw", Pg.Text(Keywords.Join(Keywords.Merge([], request.Keywords ?? [])))), ("@m", (long)modSeq),
                    ("@d", date.ToUnixTimeMilliseconds()), ("@tz", (int)date.Offset.TotalMinutes), ("@s", size), ("@now", now), ("@b", blobId));
                uids[i] = uid++;
            }
            await c.ExecAsync("UPDATE folders SET uidnext = @u, highest_modseq = @m WHERE id = @f", ("@u", (long)uid), ("@m", (long)modSeq), ("@f", folderId));
            return new AppendResult(folder.UidValidity, uids, modSeq);
        }, ct);

    private static AnalysedMessage?[] Analyse(IReadOnlyList<AppendRequest> messages)
    {
        var analysed = new AnalysedMessage?[messages.Count];
        for (var i = 0; i < messages.Count; i++)
            if (messages[i].StagedBodyId is null) analysed[i] = MessageAnalyzer.Analyse(messages[i].Content);
        return analysed;
    }

    private static async Task<long> InsertBlob(NpgsqlConnection c, AnalysedMessage a, bool index)
    {
        var blobId = await c.ScalarAsync<long>(InsertBlobSql, ("@e", Db.NewObjectId('M')), ("@s", (long)a.Content.Length), ("@env", a.Envelope), ("@body", a.Body),
            ("@parts", a.Parts), ("@p", a.Preview), ("@sent", a.SentDate), ("@c", a.Content));
        await PgSearchIndex.AddAsync(c, blobId, a.Text, keepUp: index);
        return blobId;
    }

    public Task<long> StageMessageAsync(ReadOnlyMemory<byte> content, CancellationToken ct = default) =>
        PrepareThenWrite(Interlocked.Increment(ref _stagedLane), () => MessageAnalyzer.Analyse(content), async (c, a) =>
        {
            var now = NowMs();
            // Bodies staged a day ago and never appended (their session went away) go now.
            var expired = await c.IdsAsync("DELETE FROM staged WHERE created < @t RETURNING blob_id", ("@t", now - (long)TimeSpan.FromDays(1).TotalMilliseconds));
            await DeleteBlobsIfUnused(c, expired);
            var blobId = await InsertBlob(c, a, _options.FullTextIndex);
            await c.ExecAsync("INSERT INTO staged(blob_id, created) VALUES (@b, @t)", ("@b", blobId), ("@t", now));
            return blobId;
        }, ct);

    /// <summary>A staged body for an APPEND: taken once (its staged row goes; a second taker finds none), with its size.</summary>
    private static async Task<(long BlobId, long Size)> TakeStaged(NpgsqlConnection c, long stagedId)
    {
        if (await c.ScalarAsync<long?>("DELETE FROM staged WHERE blob_id = @b RETURNING blob_id", ("@b", stagedId)) is null)
            throw new StoreException(StoreError.NotAllowed, "The message body is no longer staged; send it again");
        return (stagedId, await c.ScalarAsync<long>("SELECT size FROM blobs WHERE id = @b", ("@b", stagedId)));
    }

    public Task<CopyResult> CopyAsync(long sourceFolderId, IReadOnlyCollection<uint> uids, long targetFolderId, KeptFlags? keep = null, CancellationToken ct = default) =>
        Write(targetFolderId, async c =>
        {
            _ = await FindFolder(c, sourceFolderId) ?? throw NoFolder($"#{sourceFolderId}");
            return await CopyMessages(c, sourceFolderId, uids, targetFolderId, keep);
        }, ct);

    public Task<MoveResult> MoveAsync(long sourceFolderId, IReadOnlyCollection<uint> uids, long targetFolderId, KeptFlags? keep = null, CancellationToken ct = default) =>
        Write(sourceFolderId, async c =>
        {
            _ = await FindFolder(c, sourceFolderId) ?? throw NoFolder($"#{sourceFolderId}");
            return await MoveMessages(c, sourceFolderId, uids, targetFolderId, keep);
        }, ct);

    public Task<StoreResult> StoreFlagsAsync(long folderId, IReadOnlyCollection<uint> uids, StoreMode mode, MessageFlags flags,
        IReadOnlyList<string>? keywords = null, ulong? unchangedSince = null, CancellationToken ct = default) =>
        Write(folderId, c => StoreFlags(c, folderId, reader: null, uids, mode, flags, keywords, unchangedSince), ct);

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
        Write(folderId, async c =>
        {
            var folder = await SelectableFolder(c, folderId);
            var targets = uids is null
                ? await c.UidListAsync("SELECT uid FROM messages WHERE folder_id = @f AND flags & 8 <> 0 ORDER BY uid", ("@f", folderId))
                : await c.UidListAsync("SELECT uid FROM messages WHERE folder_id = @f AND flags & 8 <> 0 AND uid = ANY(@uids) ORDER BY uid",
                    ("@f", folderId), ("@uids", Pg.Uids(uids)));
            if (targets.Count == 0) return new ExpungeResult([], folder.HighestModSeq);
            return new ExpungeResult(targets, await ExpungeUids(c, folder, targets));
        }, ct);

    // ---- helpers shared with folder operations ----

    /// <summary>The folder, locked for this transaction; NotFound or NoSelect refused.</summary>
    private static async Task<FolderInfo> SelectableFolder(NpgsqlConnection c, long folderId)
    {
        var folder = await FindFolder(c, folderId, forUpdate: true) ?? throw NoFolder($"#{folderId}");
        if (folder.NoSelect) throw new StoreException(StoreError.NoSelect, $"{folder.Name} is not selectable");
        return folder;
    }

    private static async Task<CopyResult> CopyMessages(NpgsqlConnection c, long sourceId, IReadOnlyCollection<uint> uids, long targetId, KeptFlags? keep, bool moving = false)
    {
        var target = await SelectableFolder(c, targetId);
        var modSeq = target.HighestModSeq + 1;
        var next = target.UidNext;
        var uidArray = Pg.Uids(uids);
        var sourceUids = await c.UidListAsync("SELECT uid FROM messages WHERE folder_id = @f AND uid = ANY(@uids) ORDER BY uid",
            ("@f", sourceId), ("@uids", uidArray));
        var mapping = new List<UidMapping>(sourceUids.Count);
        foreach (var uid in sourceUids) mapping.Add(new UidMapping(uid, next++));
        // A move within one mailbox changes nothing of its use; into another owner's folder it counts.
        if (mapping.Count > 0 && (!moving || !await SameOwner(c, sourceId, targetId)))
        {
            await CheckQuota(c, targetId,
                await c.ScalarAsync<long>("SELECT COALESCE(SUM(size), 0)::bigint FROM messages WHERE folder_id = @f AND uid = ANY(@uids)", ("@f", sourceId), ("@uids", uidArray)),
                mapping.Count);
        }
        if (mapping.Count > 0)
        {
            // The copies point at the same blobs (bytes stored once, RFC 8474 EMAILID shared).
            await c.ExecAsync("""
                INSERT INTO messages(folder_id, uid, flags, keywords, modseq, internal_date, internal_tz, size, save_date, blob_id)
                SELECT @t, @first - 1 + row_number() OVER (ORDER BY uid), flags & @mask, CASE WHEN @kw THEN keywords END, @m, internal_date, internal_tz, size, @now, blob_id
                FROM messages WHERE folder_id = @f AND uid = ANY(@uids)
                """, ("@t", targetId), ("@first", (long)target.UidNext), ("@mask", (int)(keep?.Flags ?? (MessageFlags)0xFF)), ("@kw", keep?.Keywords ?? true),
                ("@m", (long)modSeq), ("@now", NowMs()), ("@f", sourceId), ("@uids", uidArray));
            await c.ExecAsync("UPDATE folders SET uidnext = @u, highest_modseq = @m WHERE id = @f", ("@u", (long)next), ("@m", (long)modSeq), ("@f", targetId));
        }
        return new CopyResult(target.UidValidity, mapping, mapping.Count > 0 ? modSeq : target.HighestModSeq);
    }

    private static async Task<MoveResult> MoveMessages(NpgsqlConnection c, long sourceId, IReadOnlyCollection<uint> uids, long targetId, KeptFlags? keep)
    {
        var copy = await CopyMessages(c, sourceId, uids, targetId, keep, moving: true);
        var source = (await FindFolder(c, sourceId, forUpdate: true))!;
        var moved = copy.Mapping.Select(m => m.SourceUid).ToList();
        var highest = moved.Count > 0 ? await ExpungeUids(c, source, moved) : source.HighestModSeq;
        return new MoveResult(copy, moved, highest);
    }

    /// <summary>Removes the given (existing) UIDs, writes tombstones, drops unreferenced blobs; returns the new modseq.</summary>
    private static async Task<ulong> ExpungeUids(NpgsqlConnection c, FolderInfo folder, IReadOnlyList<uint> uids)
    {
        var modSeq = folder.HighestModSeq + 1;
        var uidArray = Pg.Uids(uids);
        var blobs = await c.IdsAsync("DELETE FROM messages WHERE folder_id = @f AND uid = ANY(@uids) RETURNING blob_id", ("@f", folder.Id), ("@uids", uidArray));
        await c.ExecAsync("DELETE FROM seen WHERE folder_id = @f AND uid = ANY(@uids)", ("@f", folder.Id), ("@uids", uidArray));
        // Tombstones let QRESYNC report VANISHED (EARLIER) since a modseq (RFC 7162 §3.2.5.1).
        await c.ExecAsync("""
            INSERT INTO expunged(folder_id, uid, modseq) SELECT @f, u, @m FROM unnest(@uids) AS u
            ON CONFLICT (folder_id, uid) DO UPDATE SET modseq = excluded.modseq
            """, ("@f", folder.Id), ("@m", (long)modSeq), ("@uids", uidArray));
        await DeleteBlobsIfUnused(c, blobs.Distinct().ToList());
        await c.ExecAsync("UPDATE folders SET highest_modseq = @m WHERE id = @f", ("@m", (long)modSeq), ("@f", folder.Id));
        return modSeq;
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
        await c.ExecAsync("""
            DELETE FROM blobs b WHERE b.id = ANY(@ids)
                AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.blob_id = b.id)
                AND NOT EXISTS (SELECT 1 FROM staged s WHERE s.blob_id = b.id)
            """, ("@ids", blobIds.ToArray()));
    }
}
