using Npgsql;

namespace AkkaImap.Storage.Postgres;

// Public folders: the read-only switch and per-reader \Seen (IPublicFolderStore).
public sealed partial class PostgresStore
{
    public Task<bool> SetFolderReadOnlyAsync(MailboxOwner owner, string name, bool readOnly, CancellationToken ct = default) =>
        FolderNames.Normalize(name) is { } n
            ? Write(owner.Id, async c =>
            {
                var id = await c.ScalarAsync<long?>(
                    "UPDATE folders SET read_only = @r WHERE owner_kind = @k AND owner_id = @o AND name = @n AND NOT noselect RETURNING id",
                    ("@r", readOnly), ("@k", (int)owner.Kind), ("@o", owner.Id), ("@n", n));
                if (id is null) return false;
                await RecordPublicFolderChange(c, owner, id.Value, readOnly ? DirectoryChangeKind.PublicFolderReadOnly : DirectoryChangeKind.PublicFolderWritable);
                return true;
            }, ct)
            : Task.FromResult(false);

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

    public Task<FolderStatus?> GetReaderStatusAsync(long folderId, long accountId, CancellationToken ct = default) =>
        ReadSnapshot(async c =>
        {
            if (await FindFolder(c, folderId) is not { } f) return null;
            var counts = await c.ListAsync("""
                SELECT count(*),
                       count(*) FILTER (WHERE NOT EXISTS(SELECT 1 FROM seen s WHERE s.folder_id = m.folder_id AND s.account_id = @a AND s.uid = m.uid)),
                       count(*) FILTER (WHERE flags & 8 <> 0), coalesce(sum(size), 0)::bigint, count(*) FILTER (WHERE uid >= @r)
                FROM messages m WHERE folder_id = @f
                """, r => (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)), ("@f", folderId), ("@a", accountId), ("@r", (long)f.FirstRecentUid));
            var (all, unseen, deleted, size, recent) = counts[0];
            return (FolderStatus?)new FolderStatus(folderId, (int)all, (int)unseen, (int)deleted, size, f.HighestModSeq, f.UidNext, f.UidValidity)
            {
                Recent = (int)recent,
            };
        }, ct);

    public Task<ExpungeResult> RemoveMessagesAsync(long folderId, IReadOnlyCollection<uint> uids, CancellationToken ct = default) =>
        Write(folderId, async c =>
        {
            var folder = await SelectableFolder(c, folderId);
            var targets = await c.UidListAsync("SELECT uid FROM messages WHERE folder_id = @f AND uid = ANY(@uids) ORDER BY uid",
                ("@f", folderId), ("@uids", Pg.Uids(uids)));
            return targets.Count == 0
                ? new ExpungeResult([], folder.HighestModSeq)
                : new ExpungeResult(targets, await ExpungeUids(c, folder, targets));
        }, ct);

    private static Task SetSeen(NpgsqlConnection c, long folderId, long accountId, uint uid, bool was, bool now)
    {
        if (was == now) return Task.CompletedTask;
        return c.ExecAsync(now
                ? "INSERT INTO seen(folder_id, account_id, uid) VALUES (@f, @a, @u) ON CONFLICT DO NOTHING"
                : "DELETE FROM seen WHERE folder_id = @f AND account_id = @a AND uid = @u",
            ("@f", folderId), ("@a", accountId), ("@u", (long)uid));
    }
}
