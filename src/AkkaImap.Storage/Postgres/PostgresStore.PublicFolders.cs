using Npgsql;

namespace AkkaImap.Storage.Postgres;

// Public folders: access control lists, the read-only shorthand and per-reader \Seen (IPublicFolderStore).
public sealed partial class PostgresStore
{
    public Task<bool> SetFolderReadOnlyAsync(MailboxOwner owner, string name, bool readOnly, CancellationToken ct = default) =>
        FolderNames.Normalize(name) is { } n && owner.Kind == OwnerKind.PublicFolders
            ? Write(owner.Id, async c =>
            {
                if (await FindFolder(c, owner, n) is not { NoSelect: false } folder) return false;
                await SetRights(c, folder.Id, 0, readOnly ? AclRights.ReadOnly : AclRights.Default);
                await RecordPublicFolderChange(c, owner, folder.Id, readOnly ? DirectoryChangeKind.PublicFolderReadOnly : DirectoryChangeKind.PublicFolderWritable);
                return true;
            }, ct)
            : Task.FromResult(false);

    public Task<IReadOnlyList<AclEntry>> GetAclAsync(long folderId, CancellationToken ct = default) =>
        Read<IReadOnlyList<AclEntry>>(async c => await c.ListAsync("""
            SELECT a.account_id, coalesce(u.login, 'anyone'), a.rights FROM acl a LEFT JOIN accounts u ON u.id = a.account_id
            WHERE a.folder_id = @f AND (a.account_id = 0 OR u.id IS NOT NULL) ORDER BY a.account_id <> 0, u.login
            """, r => new AclEntry(r.GetInt64(0), r.GetString(1), AclRights.FromStored(r.GetString(2))), ("@f", folderId)), ct);

    public Task<AclRight> GetRightsAsync(long folderId, long accountId, CancellationToken ct = default) =>
        Read(async c => (await c.ListAsync("SELECT rights FROM acl WHERE folder_id = @f AND account_id IN (0, @a)",
                r => AclRights.FromStored(r.GetString(0)), ("@f", folderId), ("@a", accountId)))
            .Aggregate(AclRight.None, (all, one) => all | one), ct);

    public Task<IReadOnlyDictionary<long, AclRight>> GetRightsAsync(MailboxOwner owner, long accountId, CancellationToken ct = default) =>
        Read<IReadOnlyDictionary<long, AclRight>>(async c =>
        {
            var rows = await c.ListAsync("""
                SELECT a.folder_id, a.rights FROM acl a JOIN folders f ON f.id = a.folder_id
                WHERE f.owner_kind = @k AND f.owner_id = @o AND a.account_id IN (0, @a)
                """, r => (r.GetInt64(0), AclRights.FromStored(r.GetString(1))), ("@k", (int)owner.Kind), ("@o", owner.Id), ("@a", accountId));
            var rights = new Dictionary<long, AclRight>();
            foreach (var (folder, one) in rows) rights[folder] = rights.GetValueOrDefault(folder) | one;
            return rights;
        }, ct);

    public Task<bool> SetRightsAsync(long folderId, long accountId, AclRight? rights, CancellationToken ct = default) =>
        Write(folderId, async c =>
        {
            if (await FindFolder(c, folderId) is not { Owner.Kind: OwnerKind.PublicFolders } folder) return false;
            await SetRights(c, folderId, accountId, rights);
            await RecordChange(c, DirectoryChangeKind.PublicFolderAclChanged, accountId: accountId == 0 ? null : accountId, postOfficeId: folder.Owner.Id, folderId: folderId);
            return true;
        }, ct);

    private static Task SetRights(NpgsqlConnection c, long folderId, long accountId, AclRight? rights) =>
        rights is { } set
            ? c.ExecAsync("INSERT INTO acl(folder_id, account_id, rights) VALUES (@f, @a, @r) ON CONFLICT(folder_id, account_id) DO UPDATE SET rights = excluded.rights",
                ("@f", folderId), ("@a", accountId), ("@r", AclRights.Format(set)))
            : c.ExecAsync("DELETE FROM acl WHERE folder_id = @f AND account_id = @a", ("@f", folderId), ("@a", accountId));

    /// <summary>A change to a folder is a directory change when the folder is public (its post office's readers see it).</summary>
    private Task RecordPublicFolderChange(NpgsqlConnection c, MailboxOwner owner, long folderId, DirectoryChangeKind kind) =>
        owner.Kind == OwnerKind.PublicFolders
            ? RecordChange(c, kind, postOfficeId: owner.Id, folderId: folderId)
            : Task.CompletedTask;

    public Task<IReadOnlyList<uint>> GetSeenUidsAsync(long folderId, long accountId, CancellationToken ct = default) =>
        Read<IReadOnlyList<uint>>(async c => await c.UidListAsync("SELECT uid FROM seen WHERE folder_id = @f AND account_id = @a ORDER BY uid",
            ("@f", folderId), ("@a", accountId)), ct);

    public Task<StoreResult> StoreReaderFlagsAsync(long folderId, long accountId, IReadOnlyCollection<uint> uids, StoreMode mode, MessageFlags flags,
        IReadOnlyList<string>? keywords = null, ulong? unchangedSince = null, CancellationToken ct = default) =>
        Write(folderId, c => StoreFlags(c, folderId, accountId, uids, mode, flags, keywords, unchangedSince), ct);

    public Task<FolderStatus?> GetReaderStatusAsync(long folderId, long accountId, bool countRecent = false, CancellationToken ct = default) =>
        ReadSnapshot(c => ReadStatus(c, folderId, accountId, countRecent), ct);

    public Task<ExpungeResult> RemoveMessagesAsync(long folderId, IReadOnlyCollection<uint> uids, CancellationToken ct = default) =>
        Expunge(folderId, Pg.Uids(uids), deletedOnly: false, ct);

    private static Task SetSeen(NpgsqlConnection c, long folderId, long accountId, uint uid, bool was, bool now)
    {
        if (was == now) return Task.CompletedTask;
        return c.ExecAsync(now
                ? "INSERT INTO seen(folder_id, account_id, uid) VALUES (@f, @a, @u) ON CONFLICT DO NOTHING"
                : "DELETE FROM seen WHERE folder_id = @f AND account_id = @a AND uid = @u",
            ("@f", folderId), ("@a", accountId), ("@u", (long)uid));
    }
}
