using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Sqlite;

// Public folders: access control lists, the read-only shorthand and per-reader \Seen (IPublicFolderStore).
public sealed partial class SqliteStore
{
    public Task<bool> SetFolderReadOnlyAsync(MailboxOwner owner, string name, bool readOnly, CancellationToken ct = default) =>
        FolderNames.Normalize(name) is { } n && owner.Kind == OwnerKind.PublicFolders
            ? Write(c =>
            {
                if (FindFolder(c, owner, n) is not { NoSelect: false } folder) return false;
                SetRights(c, folder.Id, 0, readOnly ? AclRights.ReadOnly : AclRights.Default);
                RecordPublicFolderChange(c, owner, folder.Id, readOnly ? DirectoryChangeKind.PublicFolderReadOnly : DirectoryChangeKind.PublicFolderWritable);
                return true;
            }, ct)
            : Task.FromResult(false);

    public Task<IReadOnlyList<AclEntry>> GetAclAsync(long folderId, CancellationToken ct = default) =>
        Read<IReadOnlyList<AclEntry>>(c =>
        {
            using var cmd = c.Cmd("""
                SELECT a.account_id, coalesce(u.login, 'anyone'), a.rights FROM acl a LEFT JOIN accounts u ON u.id = a.account_id
                WHERE a.folder_id = @f AND (a.account_id = 0 OR u.id IS NOT NULL) ORDER BY a.account_id <> 0, u.login
                """, ("@f", folderId));
            using var r = cmd.ExecuteReader();
            var list = new List<AclEntry>();
            while (r.Read()) list.Add(new AclEntry(r.GetInt64(0), r.GetString(1), AclRights.FromStored(r.GetString(2))));
            return list;
        }, ct);

    public Task<AclRight> GetRightsAsync(long folderId, long accountId, CancellationToken ct = default) =>
        Read(c =>
        {
            using var cmd = c.Cmd("SELECT rights FROM acl WHERE folder_id = @f AND account_id IN (0, @a)", ("@f", folderId), ("@a", accountId));
            using var r = cmd.ExecuteReader();
            var rights = AclRight.None;
            while (r.Read()) rights |= AclRights.FromStored(r.GetString(0));
            return rights;
        }, ct);

    public Task<IReadOnlyDictionary<long, AclRight>> GetRightsAsync(MailboxOwner owner, long accountId, CancellationToken ct = default) =>
        Read<IReadOnlyDictionary<long, AclRight>>(c =>
        {
            using var cmd = c.Cmd("""
                SELECT a.folder_id, a.rights FROM acl a JOIN folders f ON f.id = a.folder_id
                WHERE f.owner_kind = @k AND f.owner_id = @o AND a.account_id IN (0, @a)
                """, ("@k", (int)owner.Kind), ("@o", owner.Id), ("@a", accountId));
            using var r = cmd.ExecuteReader();
            var rights = new Dictionary<long, AclRight>();
            while (r.Read()) rights[r.GetInt64(0)] = rights.GetValueOrDefault(r.GetInt64(0)) | AclRights.FromStored(r.GetString(1));
            return rights;
        }, ct);

    public Task<bool> SetRightsAsync(long folderId, long accountId, AclRight? rights, CancellationToken ct = default) =>
        Write(c =>
        {
            if (FindFolder(c, folderId) is not { Owner.Kind: OwnerKind.PublicFolders } folder) return false;
            SetRights(c, folderId, accountId, rights);
            RecordChange(c, DirectoryChangeKind.PublicFolderAclChanged, accountId: accountId == 0 ? null : accountId, postOfficeId: folder.Owner.Id, folderId: folderId);
            return true;
        }, ct);

    private static void SetRights(SqliteConnection c, long folderId, long accountId, AclRight? rights)
    {
        if (rights is { } set)
        {
            c.Exec("INSERT INTO acl(folder_id, account_id, rights) VALUES (@f, @a, @r) ON CONFLICT(folder_id, account_id) DO UPDATE SET rights = excluded.rights",
                ("@f", folderId), ("@a", accountId), ("@r", AclRights.Format(set)));
        }
        else
        {
            c.Exec("DELETE FROM acl WHERE folder_id = @f AND account_id = @a", ("@f", folderId), ("@a", accountId));
        }
    }

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

    public Task<FolderStatus?> GetReaderStatusAsync(long folderId, long accountId, bool countRecent = false, CancellationToken ct = default) =>
        ReadSnapshot(c => ReadStatus(c, folderId, accountId, countRecent), ct);

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
