using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Sqlite;

// Public folders: the read-only switch and per-reader \Seen (IPublicFolderStore).
public sealed partial class SqliteStore
{
    public Task<bool> SetFolderReadOnlyAsync(MailboxOwner owner, string name, bool readOnly, CancellationToken ct = default) =>
        FolderNames.Normalize(name) is { } n
            ? Write(c =>
            {
                var id = c.Scalar<long?>("UPDATE folders SET read_only = @r WHERE owner_kind = @k AND owner_id = @o AND name = @n AND noselect = 0 RETURNING id",
                    ("@r", readOnly), ("@k", (int)owner.Kind), ("@o", owner.Id), ("@n", n));
                if (id is null) return false;
                RecordPublicFolderChange(c, owner, id.Value, readOnly ? DirectoryChangeKind.PublicFolderReadOnly : DirectoryChangeKind.PublicFolderWritable);
                return true;
            }, ct)
            : Task.FromResult(false);

    /// <summary>A change to a folder is a directory change when the folder is public (its post office's readers see it).</summary>
    private void RecordPublicFolderChange(SqliteConnection c, MailboxOwner owner, long folderId, DirectoryChangeKind kind)
    {
        if (owner.Kind == OwnerKind.PublicFolders)
        {
            RecordChange(c, kind, postOfficeId: owner.Id, folderId: folderId);
        }
    }

    public Task<IReadOnlyList<uint>> GetSeenUidsAsync(long folderId, long accountId, CancellationToken ct = default) =>
        Read<IReadOnlyList<uint>>(c => ReadUids(c, "SELECT uid FROM seen WHERE folder_id = @f AND account_id = @a ORDER BY uid",
            ("@f", folderId), ("@a", accountId)), ct);

    public Task<StoreResult> StoreReaderFlagsAsync(long folderId, long accountId, IReadOnlyCollection<uint> uids, StoreMode mode, MessageFlags flags,
        IReadOnlyList<string>? keywords = null, ulong? unchangedSince = null, CancellationToken ct = default) =>
        Write(c => StoreFlags(c, folderId, accountId, uids, mode, flags, keywords, unchangedSince), ct);

    public Task<FolderStatus?> GetReaderStatusAsync(long folderId, long accountId, CancellationToken ct = default) =>
        ReadSnapshot(c =>
        {
            if (FindFolder(c, folderId) is not { } f) return null;
            using var cmd = c.Cmd("""
                SELECT count(*),
                       coalesce(sum(NOT EXISTS(SELECT 1 FROM seen s WHERE s.folder_id = m.folder_id AND s.account_id = @a AND s.uid = m.uid)), 0),
                       coalesce(sum((flags & 8) <> 0), 0), coalesce(sum(size), 0), coalesce(sum(CASE WHEN (flags & 8) <> 0 THEN size ELSE 0 END), 0),
                       coalesce(sum(uid >= @r), 0)
                FROM messages m WHERE folder_id = @f
                """, ("@f", folderId), ("@a", accountId), ("@r", (long)f.FirstRecentUid));
            using var r = cmd.ExecuteReader();
            r.Read();
            return new FolderStatus(folderId, r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt64(3), f.HighestModSeq, f.UidNext, f.UidValidity) 
            {
                DeletedSize = r.GetInt64(4),
                Recent = r.GetInt32(5),
            };
        }, ct);

    public Task<ExpungeResult> RemoveMessagesAsync(long folderId, IReadOnlyCollection<uint> uids, CancellationToken ct = default) =>
        Write(c =>
        {
            var folder = SelectableFolder(c, folderId);
            var targets = ReadUids(c, "SELECT uid FROM messages WHERE folder_id = @f AND uid IN (SELECT value FROM json_each(@uids)) ORDER BY uid",
                ("@f", folderId), ("@uids", UidJson(uids)));
            return targets.Count == 0
                ? new ExpungeResult([], folder.HighestModSeq)
                : new ExpungeResult(targets, ExpungeUids(c, folder, targets));
        }, ct);

    private static void SetSeen(SqliteConnection c, long folderId, long accountId, uint uid, bool was, bool now)
    {
        if (was == now) return;
        c.Exec(now
                ? "INSERT OR IGNORE INTO seen(folder_id, account_id, uid) VALUES (@f, @a, @u)"
                : "DELETE FROM seen WHERE folder_id = @f AND account_id = @a AND uid = @u",
            ("@f", folderId), ("@a", accountId), ("@u", (long)uid));
    }
}
