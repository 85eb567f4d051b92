using System.Text.Json;
using AkkaImap.Storage.Mime;
using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Sqlite;

// Message writes: append, copy, move, store, expunge (IMailStore).
public sealed partial class SqliteStore
{
    public Task<AppendResult> AppendAsync(long folderId, IReadOnlyList<AppendRequest> messages, CancellationToken ct = default, bool claimRecent = false) =>
        // MIME analysis (MimeKit's parse of every message) runs on a reader thread, neither on the
        // caller's (an account owner actor) nor on the single writer's.
        PrepareThenWrite(() => Analyse(messages), (c, analysed) =>
        {
            var folder = SelectableFolder(c, folderId);
            if (messages.Count == 0) return new AppendResult(folder.UidValidity, [], folder.HighestModSeq);
            long bytes = 0;
            for (var i = 0; i < messages.Count; i++)
                bytes += messages[i].StagedBodyId is { } stagedId
                    ? c.Scalar<long>("SELECT size FROM blobs WHERE id = @b", ("@b", stagedId))
                    : analysed[i]!.Message.Content.Length;
            CheckQuota(c, folderId, bytes, messages.Count);
            StoreRules.CheckUidsLeft(folder.UidNext, messages.Count);
            var modSeq = folder.HighestModSeq + 1;
            var uid = folder.UidNext;
            var now = Db.NowMs();
            var uids = new uint[messages.Count];
            using var insertBlob = InsertBlobCommand(c);
            using var insertMessage = InsertMessageCommand(c);
            for (var i = 0; i < messages.Count; i++)
            {
                var request = messages[i];
                long blobId, size;
                long? sent;
                if (request.StagedBodyId is { } staged)
                {
                    (blobId, size, sent) = TakeStaged(c, staged);
                }
                else
                {
                    var a = analysed[i]!;
                    (blobId, size, sent) = (InsertBlob(c, insertBlob, a), a.Message.Content.Length, a.Message.SentDate);
                }
                var date = request.InternalDate ?? DateTimeOffset.Now;
                // The message row's sent date is SORT's key already resolved (RFC 5256 §2.2: the
                // internal date when the Date header is missing or unreadable; schema 11).
                Set(insertMessage, folderId, uid, (int)(request.Flags & ~MessageFlags.Recent), Keywords.Join(Keywords.Merge([], request.Keywords ?? [])),
                    (long)modSeq, date.ToUnixTimeMilliseconds(), (int)date.Offset.TotalMinutes, size, now, blobId, sent ?? date.ToUnixTimeMilliseconds());
                insertMessage.ExecuteNonQuery();
                uids[i] = uid++;
            }
            c.Exec("UPDATE folders SET uidnext = @u, highest_modseq = @m, first_recent_uid = CASE WHEN @claim THEN @u ELSE first_recent_uid END WHERE id = @f",
                ("@u", uid), ("@m", (long)modSeq), ("@claim", claimRecent), ("@f", folderId));
            RefreshCopyLater(folderId, uid);
            return new AppendResult(folder.UidValidity, uids, modSeq) { Stored = StoreRules.Appended(messages, uids, modSeq) };
        }, ct, bulk: true);

    /// <summary>MIME analysis of the messages that carry their bytes (staged ones were analysed when staged).</summary>
    private Prepared?[] Analyse(IReadOnlyList<AppendRequest> messages)
    {
        var analysed = new Prepared?[messages.Count];
        for (var i = 0; i < messages.Count; i++)
            if (messages[i].StagedBodyId is null) analysed[i] = Prepare(messages[i].Content);
        return analysed;
    }

    /// <summary>
    /// A message analysed: the work of its write that needs no connection. With the index on, its
    /// index row for its write to index (null: its text cannot be read), or <see cref="TextByPass"/>.
    /// </summary>
    /// <param name="TextByPass">The text is left to an index pass, which makes it from the stored body (<see cref="IndexLater"/>).</param>
    private sealed record Prepared(AnalysedMessage Message, IndexRow? Index, bool TextByPass = false)
    {
        /// <summary>Its RFC 8474 EMAILID, drawn with the analysis rather than on the single writer.</summary>
        public string EmailId { get; } = Db.NewObjectId('M');
    }

    /// <summary>
    /// Analyses a message. Its full-text index's text (the decoded text parts, folded: two thirds
    /// of the analysis of a 45 KB message, issue 17) is made and deflated here only when its write
    /// will index it itself (no index delay, or too many bytes waiting already: a bulk APPEND);
    /// otherwise the pass makes it, for the bodies not expunged by then.
    /// </summary>
    private Prepared Prepare(ReadOnlyMemory<byte> content)
    {
        if (!_options.FullTextIndex) return new Prepared(MessageAnalyzer.Analyse(content, withText: false), null);
        if (_options.IndexDelay > TimeSpan.Zero && Volatile.Read(ref _toIndexBytes) < MaxQueuedBytes)
            return new Prepared(MessageAnalyzer.Analyse(content, withText: false), null, TextByPass: true);
        var analysed = MessageAnalyzer.Analyse(content);
        return new Prepared(analysed, IndexRow.Packed(analysed.Text));
    }

    public Task<long> StageMessageAsync(ReadOnlyMemory<byte> content, CancellationToken ct = default) =>
        PrepareThenWrite(() => Prepare(content), (c, a) => Stage(c, [a])[0], ct, bulk: true);

    public Task<IReadOnlyList<long>> StageMessagesAsync(IReadOnlyList<ReadOnlyMemory<byte>> contents, CancellationToken ct = default) =>
        PrepareThenWrite(() => contents.Select(Prepare).ToArray(), (c, analysed) => (IReadOnlyList<long>)Stage(c, analysed), ct, bulk: true);

    /// <summary>Stores analysed bodies as staged, in one write; bodies staged a day ago and never appended (their session went away) go first.</summary>
    private long[] Stage(SqliteConnection c, Prepared[] analysed)
    {
        var now = Db.NowMs();
        var expired = ReadIds(c, "DELETE FROM staged WHERE created < @t RETURNING blob_id", ("@t", now - (long)TimeSpan.FromDays(1).TotalMilliseconds));
        DeleteBlobsIfUnused(c, expired);
        using var insertBlob = InsertBlobCommand(c);
        using var insertStaged = c.Cmd("INSERT INTO staged(blob_id, created) VALUES (@b, @t)", ("@b", null), ("@t", now));
        var ids = new long[analysed.Length];
        for (var i = 0; i < analysed.Length; i++)
        {
            ids[i] = InsertBlob(c, insertBlob, analysed[i]);
            insertStaged.Parameters[0].Value = ids[i];
            insertStaged.ExecuteNonQuery();
        }
        return ids;
    }

    private static Db.Statement InsertBlobCommand(SqliteConnection c) => c.Cmd("""
        INSERT INTO blobs(email_id, thread_id, size, envelope, body, parts, preview, sent_date, content)
        VALUES (@e, NULL, @s, @env, @body, @parts, @p, @sent, zeroblob(@s)) RETURNING id
        """, ("@e", null), ("@s", null), ("@env", null), ("@body", null), ("@parts", null), ("@p", null), ("@sent", null));

    /// <summary>
    /// Inserts a message's row and writes its bytes into the row in place (SQLite's incremental
    /// blob I/O): bound as a parameter, a body would be copied twice more in native memory (the
    /// bound value, then the record SQLite assembles), three times its size at once (issue 16).
    /// </summary>
    private long InsertBlob(SqliteConnection c, Db.Statement insertBlob, Prepared prepared)
    {
        var a = prepared.Message;
        Set(insertBlob, prepared.EmailId, (long)a.Content.Length, a.Envelope, a.Body, a.Parts, a.Preview, a.SentDate);
        var blobId = (long)insertBlob.ExecuteScalar()!;
        using (var blob = new SqliteBlob(c, "blobs", "content", blobId))
        {
            blob.Write(a.Content.Span);
        }
        IndexLater(c, blobId, prepared);
        return blobId;
    }

    /// <summary>A staged body for an APPEND: taken once (its staged row goes), with its size and sent date.</summary>
    private static (long BlobId, long Size, long? SentDate) TakeStaged(SqliteConnection c, long stagedId)
    {
        if (c.Scalar<long?>("DELETE FROM staged WHERE blob_id = @b RETURNING blob_id", ("@b", stagedId)) is null)
            throw new StoreException(StoreError.NotAllowed, "The message body is no longer staged; send it again");
        using var cmd = c.Cmd("SELECT size, sent_date FROM blobs WHERE id = @b", ("@b", stagedId));
        using var r = cmd.ExecuteReader();
        r.Read();
        return (stagedId, r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1));
    }

    public Task<CopyResult> CopyAsync(long sourceFolderId, IReadOnlyCollection<uint> uids, long targetFolderId, KeptFlags? keep = null, CancellationToken ct = default) =>
        Write(c =>
        {
            _ = FindFolder(c, sourceFolderId) ?? throw NoFolder($"#{sourceFolderId}");
            return CopyMessages(c, sourceFolderId, uids, targetFolderId, keep);
        }, ct);

    public Task<MoveResult> MoveAsync(long sourceFolderId, IReadOnlyCollection<uint> uids, long targetFolderId, KeptFlags? keep = null, CancellationToken ct = default) =>
        Write(c =>
        {
            _ = FindFolder(c, sourceFolderId) ?? throw NoFolder($"#{sourceFolderId}");
            return MoveMessages(c, sourceFolderId, uids, targetFolderId, keep);
        }, ct);

    public Task<StoreResult> StoreFlagsAsync(long folderId, IReadOnlyCollection<uint> uids, StoreMode mode, MessageFlags flags,
        IReadOnlyList<string>? keywords = null, ulong? unchangedSince = null, CancellationToken ct = default) =>
        Write(c => StoreFlags(c, folderId, reader: null, uids, mode, flags, keywords, unchangedSince), ct);

    /// <summary>
    /// STORE for one folder. With a <paramref name="reader"/> (a public folder), \Seen is that
    /// account's own (the seen table) and only the other flags are shared in the message row.
    /// </summary>
    private static StoreResult StoreFlags(SqliteConnection c, long folderId, long? reader, IReadOnlyCollection<uint> uids, StoreMode mode,
        MessageFlags flags, IReadOnlyList<string>? keywords, ulong? unchangedSince)
    {
        // \Recent is a session's, never stored (RFC 3501 §2.3.2: clients cannot set it).
        flags &= ~MessageFlags.Recent;
        var folder = SelectableFolder(c, folderId);
        var newModSeq = folder.HighestModSeq + 1;
        var seen = reader is { } account
            ? new HashSet<uint>(ReadUids(c,
                "SELECT uid FROM seen WHERE folder_id = @f AND account_id = @a AND uid IN (SELECT value FROM json_each(@uids))",
                ("@f", folderId), ("@a", account), ("@uids", UidJson(uids))))
            : null;
        var changed = new List<MessageFlagState>();
        var failed = new List<uint>();
        using var update = c.Cmd("UPDATE messages SET flags = @fl, keywords = @kw, modseq = @m WHERE folder_id = @f AND uid = @u",
            ("@fl", null), ("@kw", null), ("@m", (long)newModSeq), ("@f", folderId), ("@u", null));
        foreach (var row in SelectFlagRows(c, folderId, uids))
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
                SetSeen(c, folderId, readerId, row.Uid, (current & MessageFlags.Seen) != 0, (newFlags & MessageFlags.Seen) != 0);
                stored &= ~MessageFlags.Seen;
            }
            update.Parameters["@fl"].Value = (int)stored;
            update.Parameters["@kw"].Value = (object?)Keywords.Join(newKeywords) ?? DBNull.Value;
            update.Parameters["@u"].Value = (long)row.Uid;
            update.ExecuteNonQuery();
            changed.Add(new MessageFlagState(row.Uid, newFlags, newKeywords, newModSeq));
        }
        var highest = folder.HighestModSeq;
        if (changed.Count > 0)
        {
            highest = newModSeq;
            c.Exec("UPDATE folders SET highest_modseq = @m WHERE id = @f", ("@m", (long)highest), ("@f", folderId));
        }
        return new StoreResult(changed, failed, highest);
    }

    public Task<ExpungeResult> ExpungeAsync(long folderId, IReadOnlyCollection<uint>? uids = null, CancellationToken ct = default) =>
        Write(c =>
        {
            var folder = SelectableFolder(c, folderId);
            var filter = uids is null ? "" : " AND uid IN (SELECT value FROM json_each(@uids))";
            // INDEXED BY: without ANALYZE's statistics SQLite prefers the primary key, a scan of the folder.
            var targets = ReadUids(c, $"SELECT uid FROM messages INDEXED BY messages_deleted WHERE folder_id = @f AND (flags & 8) <> 0{filter} ORDER BY uid",
                ("@f", folderId), ("@uids", UidJson(uids)));
            if (targets.Count == 0) return new ExpungeResult([], folder.HighestModSeq);
            var modSeq = ExpungeUids(c, folder, targets);
            return new ExpungeResult(targets, modSeq);
        }, ct);

    // ---- helpers shared with folder operations ----

    /// <summary>
    /// What a message write needs of its folder: its UIDs and modseq. Read alone, not as a
    /// <see cref="FolderInfo"/> (whose rights and subscription are two more lookups and whose
    /// strings are allocated): every STORE, EXPUNGE and APPEND reads it on the single writer.
    /// </summary>
    /// <param name="Public">A public folder's: its \Seen is kept per reader, in the seen table.</param>
    private readonly record struct WriteFolder(long Id, uint UidValidity, uint UidNext, ulong HighestModSeq, bool Public);

    /// <summary>The folder a message write goes to: it exists and is selectable.</summary>
    private static WriteFolder SelectableFolder(SqliteConnection c, long folderId)
    {
        using var r = new NativeRows(c, "SELECT uidvalidity, uidnext, highest_modseq, noselect, name, owner_kind FROM folders WHERE id = @f", ("@f", folderId));
        if (!r.Read()) throw NoFolder($"#{folderId}");
        if (r.Int64(3) != 0) throw new StoreException(StoreError.NoSelect, $"{r.Text(4)} is not selectable");
        return new WriteFolder(folderId, (uint)r.Int64(0), (uint)r.Int64(1), (ulong)r.Int64(2), r.Int64(5) == (long)OwnerKind.PublicFolders);
    }

    private static CopyResult CopyMessages(SqliteConnection c, long sourceId, IReadOnlyCollection<uint> uids, long targetId, KeptFlags? keep, bool moving = false)
    {
        var target = SelectableFolder(c, targetId);
        var modSeq = target.HighestModSeq + 1;
        var next = target.UidNext;
        var now = Db.NowMs();
        var json = UidJson(uids);
        var sourceUids = ReadUids(c, "SELECT uid FROM messages WHERE folder_id = @f AND uid IN (SELECT value FROM json_each(@uids)) ORDER BY uid",
            ("@f", sourceId), ("@uids", json));
        StoreRules.CheckUidsLeft(next, sourceUids.Count);
        var mapping = new List<UidMapping>(sourceUids.Count);
        foreach (var uid in sourceUids) mapping.Add(new UidMapping(uid, next++));
        // A move within one mailbox changes nothing of its use; into another owner's folder it counts.
        if (!SameOwner(c, sourceId, targetId) || !moving)
        {
            CheckQuota(c, targetId,
                c.Scalar<long>("SELECT COALESCE(SUM(size), 0) FROM messages WHERE folder_id = @f AND uid IN (SELECT value FROM json_each(@uids))", ("@f", sourceId), ("@uids", json)),
                sourceUids.Count);
        }
        // One set-based statement: the copies point at the same blobs (bytes stored once, and
        // RFC 8474 EMAILID is shared) and get target UIDs in ascending source order.
        c.Exec("""
            INSERT INTO messages(folder_id, uid, flags, keywords, modseq, internal_date, internal_tz, size, save_date, blob_id, sent_date)
            SELECT @t, @first - 1 + row_number() OVER (ORDER BY uid), flags & @mask, CASE WHEN @kw THEN keywords END, @m, internal_date, internal_tz, size, @now, blob_id, sent_date
            FROM messages WHERE folder_id = @f AND uid IN (SELECT value FROM json_each(@uids))
            """, ("@t", targetId), ("@first", (long)target.UidNext), ("@mask", (long)(keep?.Flags ?? (MessageFlags)0xFF)), ("@kw", keep?.Keywords ?? true),
            ("@m", (long)modSeq), ("@now", now), ("@f", sourceId), ("@uids", json));
        if (mapping.Count > 0)
            c.Exec("UPDATE folders SET uidnext = @u, highest_modseq = @m WHERE id = @f", ("@u", next), ("@m", (long)modSeq), ("@f", targetId));
        return new CopyResult(target.UidValidity, mapping, mapping.Count > 0 ? modSeq : target.HighestModSeq);
    }

    private static bool SameOwner(SqliteConnection c, long a, long b) =>
        c.Scalar<long>("SELECT COUNT(DISTINCT owner_kind || ':' || owner_id) FROM folders WHERE id IN (@a, @b)", ("@a", a), ("@b", b)) == 1;

    private MoveResult MoveMessages(SqliteConnection c, long sourceId, IReadOnlyCollection<uint> uids, long targetId, KeptFlags? keep)
    {
        var copy = CopyMessages(c, sourceId, uids, targetId, keep, moving: true);
        var source = FindFolder(c, sourceId)!;
        var moved = copy.Mapping.Select(m => m.SourceUid).ToList();
        var highest = moved.Count > 0 ? ExpungeUids(c, source, moved) : source.HighestModSeq;
        return new MoveResult(copy, moved, highest);
    }

    /// <summary>Removes the given (existing) UIDs, writes tombstones, drops unreferenced blobs; returns the new modseq.</summary>
    private ulong ExpungeUids(SqliteConnection c, FolderInfo folder, IReadOnlyList<uint> uids) =>
        ExpungeUids(c, new WriteFolder(folder.Id, folder.UidValidity, folder.UidNext, folder.HighestModSeq, folder.Owner.Kind == OwnerKind.PublicFolders), uids);

    private ulong ExpungeUids(SqliteConnection c, WriteFolder folder, IReadOnlyList<uint> uids)
    {
        var modSeq = folder.HighestModSeq + 1;
        var json = UidJson(uids);
        // The rows and the bodies they used, in one statement (a copy shares its body: one id each).
        var blobs = c.EachKey("DELETE FROM messages WHERE folder_id = @f AND uid = @key RETURNING blob_id", uids.Select(u => (long)u), ("@f", folder.Id))
            .Distinct().ToList();
        if (folder.Public)
            c.Exec("DELETE FROM seen WHERE folder_id = @f AND uid IN (SELECT value FROM json_each(@uids))", ("@f", folder.Id), ("@uids", json));
        // Tombstones let QRESYNC report VANISHED (EARLIER) since a modseq (RFC 7162 §3.2.5.1).
        c.Exec("INSERT OR REPLACE INTO expunged(folder_id, uid, modseq) SELECT @f, value, @m FROM json_each(@uids)",
            ("@f", folder.Id), ("@m", (long)modSeq), ("@uids", json));
        DeleteBlobsIfUnused(c, blobs);
        c.Exec("UPDATE folders SET highest_modseq = @m WHERE id = @f", ("@m", (long)modSeq), ("@f", folder.Id));
        return modSeq;
    }

    /// <summary>Deletes every message of a folder (DELETE, RENAME cleanup) without tombstones.</summary>
    private void DeleteMessages(SqliteConnection c, long folderId)
    {
        var blobs = ReadIds(c, "SELECT DISTINCT blob_id FROM messages WHERE folder_id = @f", ("@f", folderId));
        c.Exec("DELETE FROM messages WHERE folder_id = @f", ("@f", folderId));
        c.Exec("DELETE FROM seen WHERE folder_id = @f", ("@f", folderId));
        // Removed without tombstones: a copy of the list would keep them (FolderIndex).
        c.Exec("DELETE FROM folder_index WHERE folder_id = @f", ("@f", folderId));
        DeleteBlobsIfUnused(c, blobs);
    }

    private void DeleteBlobsIfUnused(SqliteConnection c, List<long> blobIds)
    {
        if (blobIds.Count == 0) return;
        var deleted = c.EachKey("DELETE FROM blobs WHERE id = @key AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.blob_id = blobs.id) RETURNING id", blobIds);
        RemoveIndexRows(c, deleted);
    }

    private static string UidJson(IReadOnlyCollection<uint>? uids) =>
        uids is null ? "[]" : JsonSerializer.Serialize(uids as uint[] ?? uids.ToArray(), StorageJson.Default.UInt32Array);

    /// <summary>The UIDs as a JSON array in ascending order, each once.</summary>
    private static string AscendingUidJson(IReadOnlyCollection<uint> uids)
    {
        uint? last = null;
        foreach (var uid in uids)
        {
            if (last >= uid) return UidJson(uids.Order().Distinct().ToArray());
            last = uid;
        }
        return UidJson(uids);
    }

    private static List<uint> ReadUids(SqliteConnection c, string sql, params (string, object?)[] args)
    {
        using var cmd = c.Cmd(sql, args);
        using var r = cmd.ExecuteReader();
        var list = new List<uint>();
        while (r.Read()) list.Add((uint)r.GetInt64(0));
        return list;
    }

    private static Db.Statement InsertMessageCommand(SqliteConnection c) => c.Cmd("""
        INSERT INTO messages(folder_id, uid, flags, keywords, modseq, internal_date, internal_tz, size, save_date, blob_id, sent_date)
        VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10)
        """, ("@p0", null), ("@p1", null), ("@p2", null), ("@p3", null), ("@p4", null), ("@p5", null), ("@p6", null), ("@p7", null), ("@p8", null), ("@p9", null), ("@p10", null));

    /// <summary>Sets a prepared command's parameters positionally.</summary>
    private static void Set(Db.Statement cmd, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
    }
}
