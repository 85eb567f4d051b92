using Npgsql;

namespace AkkaImap.Storage.Postgres;

// Folders: create, delete, rename, subscriptions, status (IMailStore). The same rules as the
// SQLite store (Sqlite/SqliteStore.Folders.cs cites the RFC for each).
public sealed partial class PostgresStore
{
    private const string FolderColumns = """
        f.id, f.owner_kind, f.owner_id, f.name, f.uidvalidity, f.uidnext, f.highest_modseq, f.special_use, f.noselect, f.mailbox_id,
        (f.owner_kind = 1 AND NOT EXISTS(SELECT 1 FROM acl a WHERE a.folder_id = f.id AND a.account_id = 0 AND a.rights ~ '[wite]')),
        EXISTS(SELECT 1 FROM subscriptions s WHERE s.owner_kind = f.owner_kind AND s.owner_id = f.owner_id AND s.name = f.name),
        f.first_recent_uid
        """;

    public Task<IReadOnlyList<FolderInfo>> ListFoldersAsync(MailboxOwner owner, CancellationToken ct = default) =>
        Read<IReadOnlyList<FolderInfo>>(async c => await ReadFolders(c,
            $"SELECT {FolderColumns} FROM folders f WHERE f.owner_kind = @k AND f.owner_id = @o ORDER BY f.name",
            ("@k", (int)owner.Kind), ("@o", owner.Id)), ct);

    public Task<FolderInfo?> GetFolderAsync(MailboxOwner owner, string name, CancellationToken ct = default) =>
        FolderNames.Normalize(name) is { } n
            ? Read(c => FindFolder(c, owner, n), ct)
            : Task.FromResult<FolderInfo?>(null);

    public Task<FolderInfo?> GetFolderAsync(long folderId, CancellationToken ct = default) =>
        Read(c => FindFolder(c, folderId), ct);

    public Task<FolderInfo> CreateFolderAsync(MailboxOwner owner, string name, string? specialUse = null, CancellationToken ct = default)
    {
        if (name.Length > 1 && name[^1] == FolderNames.Delimiter) name = name[..^1];
        var n = FolderNames.Normalize(name) ?? throw BadName(name);
        return Write(owner.Id, async c =>
        {
            await CheckHolder(c, owner);
            if (await FindFolder(c, owner, n, forUpdate: true) is { } existing)
            {
                if (!existing.NoSelect) throw new StoreException(StoreError.AlreadyExists, $"folder {n} already exists");
                // A \Noselect placeholder becomes a real folder: a new incarnation, so a new UIDVALIDITY.
                await c.ExecAsync("UPDATE folders SET noselect = false, uidvalidity = @v, uidnext = 1, highest_modseq = 1, special_use = @su WHERE id = @id",
                    ("@v", (long)await NewUidValidity(c)), ("@su", Pg.Text(specialUse)), ("@id", existing.Id));
                await c.ExecAsync("DELETE FROM expunged WHERE folder_id = @id", ("@id", existing.Id));
                await RecordPublicFolderChange(c, owner, existing.Id, DirectoryChangeKind.PublicFolderAdded);
                return (await FindFolder(c, existing.Id))!;
            }
            await CreateMissingParents(c, owner, n);
            var id = await InsertFolder(c, owner, n, specialUse);
            await RecordPublicFolderChange(c, owner, id, DirectoryChangeKind.PublicFolderAdded);
            return (await FindFolder(c, id))!;
        }, ct);
    }

    public Task DeleteFolderAsync(MailboxOwner owner, string name, CancellationToken ct = default)
    {
        var n = FolderNames.Normalize(name) ?? throw BadName(name);
        return Write(owner.Id, async c =>
        {
            await CheckHolder(c, owner);
            var folder = await FindFolder(c, owner, n, forUpdate: true) ?? throw NoFolder(n);
            if (n == FolderNames.Inbox) throw new StoreException(StoreError.NotAllowed, "INBOX cannot be deleted");
            var hasChildren = await c.ScalarAsync<bool>(
                "SELECT EXISTS(SELECT 1 FROM folders WHERE owner_kind = @k AND owner_id = @o AND starts_with(name, @n || '/'))",
                ("@k", (int)owner.Kind), ("@o", owner.Id), ("@n", n));
            await DeleteMessages(c, folder.Id);
            if (hasChildren)
            {
                if (folder.NoSelect) throw new StoreException(StoreError.NotEmpty, $"{n} has child folders; delete them first");
                await c.ExecAsync("UPDATE folders SET noselect = true, special_use = NULL WHERE id = @id", ("@id", folder.Id));
            }
            else
            {
                await c.ExecAsync("DELETE FROM expunged WHERE folder_id = @id", ("@id", folder.Id));
                await c.ExecAsync("DELETE FROM acl WHERE folder_id = @id", ("@id", folder.Id));
                await c.ExecAsync("DELETE FROM folders WHERE id = @id", ("@id", folder.Id));
            }
            await RecordPublicFolderChange(c, owner, folder.Id, DirectoryChangeKind.PublicFolderRemoved);
        }, ct);
    }

    public Task RenameFolderAsync(MailboxOwner owner, string oldName, string newName, CancellationToken ct = default)
    {
        var from = FolderNames.Normalize(oldName) ?? throw BadName(oldName);
        var to = FolderNames.Normalize(newName) ?? throw BadName(newName);
        return Write(owner.Id, async c =>
        {
            await CheckHolder(c, owner);
            var source = await FindFolder(c, owner, from, forUpdate: true) ?? throw NoFolder(from);
            if (await FindFolder(c, owner, to) is not null) throw new StoreException(StoreError.AlreadyExists, $"folder {to} already exists");
            if (from == FolderNames.Inbox)
            {
                await RenameInbox(c, owner, source, to);
                return;
            }
            if (to.StartsWith(from + "/", StringComparison.Ordinal))
                throw new StoreException(StoreError.NotAllowed, $"cannot rename {from} into itself");
            await CreateMissingParents(c, owner, to);
            await c.ExecAsync("""
                UPDATE folders SET name = @to || substr(name, length(@from) + 1)
                WHERE owner_kind = @k AND owner_id = @o AND (name = @from OR starts_with(name, @from || '/'))
                """, ("@to", to), ("@from", from), ("@k", (int)owner.Kind), ("@o", owner.Id));
        }, ct);
    }

    private static async Task RenameInbox(NpgsqlConnection c, MailboxOwner owner, FolderInfo inbox, string to)
    {
        await CreateMissingParents(c, owner, to);
        var targetId = await InsertFolder(c, owner, to, null);
        var uids = await c.UidListAsync("SELECT uid FROM messages WHERE folder_id = @f ORDER BY uid", ("@f", inbox.Id));
        if (uids.Count > 0) await MoveMessages(c, inbox.Id, uids, targetId, keep: null);
    }

    public Task SetSubscribedAsync(MailboxOwner owner, string name, bool subscribed, CancellationToken ct = default)
    {
        var n = FolderNames.Normalize(name) ?? throw BadName(name);
        return Write(owner.Id, async c =>
        {
            await CheckHolder(c, owner);
            await SetSubscribed(c, owner, n, subscribed);
        }, ct);
    }

    // The lease changes hands with every folder row of the mailbox locked: a message write in
    // progress (it holds its folder's row) commits first, and the ones after it see the new holder
    // (akkaimap_check_holder).
    public Task TakeOwnershipAsync(MailboxOwner owner, CancellationToken ct = default) =>
        _holder is not { } holder ? Task.CompletedTask : Write(owner.Id, c => c.ExecAsync("""
            INSERT INTO owner_leases(owner_kind, owner_id, holder) VALUES (@k, @o, @h)
            ON CONFLICT (owner_kind, owner_id) DO UPDATE SET holder = excluded.holder;
            SELECT count(*) FROM (SELECT 1 FROM folders WHERE owner_kind = @k AND owner_id = @o ORDER BY id FOR UPDATE) AS locked;
            """, ("@k", (int)owner.Kind), ("@o", owner.Id), ("@h", holder)), ct);

    /// <summary>Refuses (<see cref="StoreError.Superseded"/>) a folder change of a process that no longer holds the owner's lease.</summary>
    private Task CheckHolder(NpgsqlConnection c, MailboxOwner owner) => _holder is null ? Task.CompletedTask
        : c.ExecAsync("SELECT akkaimap_check_holder(@k, @o, true)", ("@k", (int)owner.Kind), ("@o", owner.Id));

    public Task SetFirstRecentUidAsync(long folderId, uint firstRecentUid, CancellationToken ct = default) =>
        // One row whether or not the folder still exists: a statement of a group commit answers with one.
        Statement(folderId, "WITH raised AS (UPDATE folders SET first_recent_uid = greatest(first_recent_uid, $1) WHERE id = $2 RETURNING 1) SELECT count(*) FROM raised",
            [(long)firstRecentUid, folderId], _ => true, ct);

    public Task<IReadOnlyList<string>> ListSubscriptionsAsync(MailboxOwner owner, CancellationToken ct = default) =>
        Read<IReadOnlyList<string>>(async c => await c.ListAsync(
            "SELECT name FROM subscriptions WHERE owner_kind = @k AND owner_id = @o ORDER BY name", r => r.GetString(0),
            ("@k", (int)owner.Kind), ("@o", owner.Id)), ct);

    public Task<FolderStatus?> GetStatusAsync(long folderId, bool countRecent = false, CancellationToken ct = default) =>
        ReadSnapshot(c => ReadStatus(c, folderId, reader: null, countRecent), ct);

    /// <summary>
    /// STATUS from the folder's counts (schema version 11, kept by triggers), as the SQLite store's
    /// ReadStatus: RECENT over the UID range from first_recent_uid on; a public folder's
    /// <paramref name="reader"/> has UNSEEN as the folder's messages less its own \Seen rows.
    /// </summary>
    private static async Task<FolderStatus?> ReadStatus(NpgsqlConnection c, long folderId, long? reader, bool countRecent)
    {
        if (await FindFolder(c, folderId) is not { } f) return null;
        var counts = (await c.ListAsync("""
            SELECT f.message_count, f.unseen_count, f.deleted_count, f.total_size, f.deleted_size,
                   CASE WHEN @r THEN (SELECT count(*) FROM messages m WHERE m.folder_id = f.id AND m.uid >= f.first_recent_uid) END,
                   (SELECT count(*) FROM seen s WHERE s.folder_id = f.id AND s.account_id = @a
                        AND EXISTS(SELECT 1 FROM messages m WHERE m.folder_id = s.folder_id AND m.uid = s.uid))
            FROM folders f WHERE f.id = @f
            """, r => (Messages: r.GetInt64(0), Unseen: r.GetInt64(1), Deleted: r.GetInt64(2), Size: r.GetInt64(3), DeletedSize: r.GetInt64(4),
                Recent: r.IsDBNull(5) ? (long?)null : r.GetInt64(5), SeenByReader: r.GetInt64(6)),
            ("@f", folderId), ("@a", reader ?? -1), ("@r", countRecent)))[0];
        return new FolderStatus(folderId, (int)counts.Messages, (int)(reader is null ? counts.Unseen : counts.Messages - counts.SeenByReader),
            (int)counts.Deleted, counts.Size, f.HighestModSeq, f.UidNext, f.UidValidity)
        {
            DeletedSize = counts.DeletedSize,
            Recent = (int?)counts.Recent,
        };
    }

    // ---- helpers ----

    private static StoreException BadName(string name) => new(StoreError.NotAllowed, $"'{name}' is not a valid folder name");
    private static StoreException NoFolder(string name) => new(StoreError.NotFound, $"folder {name} does not exist");

    private static Task SetSubscribed(NpgsqlConnection c, MailboxOwner owner, string name, bool subscribed) =>
        c.ExecAsync(subscribed
                ? "INSERT INTO subscriptions(owner_kind, owner_id, name) VALUES (@k, @o, @n) ON CONFLICT DO NOTHING"
                : "DELETE FROM subscriptions WHERE owner_kind = @k AND owner_id = @o AND name = @n",
            ("@k", (int)owner.Kind), ("@o", owner.Id), ("@n", name));

    private static async Task CreateMissingParents(NpgsqlConnection c, MailboxOwner owner, string name)
    {
        for (var slash = name.IndexOf('/'); slash > 0; slash = name.IndexOf('/', slash + 1))
        {
            var parent = name[..slash];
            if (await FindFolder(c, owner, parent) is null) await InsertFolder(c, owner, parent, null);
        }
    }

    private static async Task<long> InsertFolder(NpgsqlConnection c, MailboxOwner owner, string name, string? specialUse)
    {
        var id = await c.ScalarAsync<long>("""
            INSERT INTO folders(owner_kind, owner_id, name, uidvalidity, uidnext, highest_modseq, special_use, mailbox_id)
            VALUES (@k, @o, @n, @v, 1, 1, @su, @mid) RETURNING id
            """, ("@k", (int)owner.Kind), ("@o", owner.Id), ("@n", name), ("@v", (long)await NewUidValidity(c)), ("@su", Pg.Text(specialUse)),
            ("@mid", Sqlite.Db.NewObjectId('F')));
        if (owner.Kind == OwnerKind.PublicFolders) await InheritAcl(c, owner, name, id);
        return id;
    }

    /// <summary>A new public folder copies its parent's list; a top-level one starts with anyone = <see cref="AclRights.Default"/>.</summary>
    private static async Task InheritAcl(NpgsqlConnection c, MailboxOwner owner, string name, long id)
    {
        var slash = name.LastIndexOf(FolderNames.Delimiter);
        var parent = slash > 0 ? await FindFolder(c, owner, name[..slash]) : null;
        if (parent is not null && await c.ExecAsync("INSERT INTO acl(folder_id, account_id, rights) SELECT @id, account_id, rights FROM acl WHERE folder_id = @p",
                ("@id", id), ("@p", parent.Id)) > 0)
        {
            return;
        }
        await c.ExecAsync("INSERT INTO acl(folder_id, account_id, rights) VALUES (@id, 0, @r)", ("@id", id), ("@r", AclRights.Format(AclRights.Default)));
    }

    /// <summary>
    /// A UIDVALIDITY never handed out before in this store (RFC 9051 §2.3.1.1): the current Unix
    /// time, or one more than the last one given. One UPDATE ... RETURNING, so two nodes creating
    /// folders at once get two values.
    /// </summary>
    private static async Task<uint> NewUidValidity(NpgsqlConnection c) =>
        (uint)await c.ScalarAsync<long>("UPDATE meta SET value = greatest(value + 1, @now) WHERE key = 'uidvalidity_last' RETURNING value",
            ("@now", DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    private static async Task<FolderInfo?> FindFolder(NpgsqlConnection c, MailboxOwner owner, string name, bool forUpdate = false) =>
        (await ReadFolders(c, $"SELECT {FolderColumns} FROM folders f WHERE f.owner_kind = @k AND f.owner_id = @o AND f.name = @n" + (forUpdate ? " FOR UPDATE OF f" : ""),
            ("@k", (int)owner.Kind), ("@o", owner.Id), ("@n", name))).FirstOrDefault();

    /// <summary>
    /// The folder row; with <paramref name="forUpdate"/> locked until the transaction ends, which
    /// is how every write that allocates UIDs or MODSEQs from it takes its turn.
    /// </summary>
    private static async Task<FolderInfo?> FindFolder(NpgsqlConnection c, long id, bool forUpdate = false) =>
        (await ReadFolders(c, $"SELECT {FolderColumns} FROM folders f WHERE f.id = @id" + (forUpdate ? " FOR UPDATE OF f" : ""), ("@id", id))).FirstOrDefault();

    private static Task<List<FolderInfo>> ReadFolders(NpgsqlConnection c, string sql, params (string, object?)[] args) =>
        c.ListAsync(sql, r => new FolderInfo(
                r.GetInt64(0), new MailboxOwner((OwnerKind)r.GetInt32(1), r.GetInt64(2)), r.GetString(3),
                (uint)r.GetInt64(4), (uint)r.GetInt64(5), (ulong)r.GetInt64(6),
                r.IsDBNull(7) ? null : r.GetString(7), r.GetBoolean(11), r.GetBoolean(8), r.GetString(9))
            {
                ReadOnly = r.GetBoolean(10),
                FirstRecentUid = (uint)r.GetInt64(12),
            }, args);
}
