using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Sqlite;

// Folders: create, delete, rename, subscriptions, status (IMailStore).
public sealed partial class SqliteStore
{
    private const string FolderColumns = """
        f.id, f.owner_kind, f.owner_id, f.name, f.uidvalidity, f.uidnext, f.highest_modseq, f.special_use, f.noselect, f.mailbox_id,
        (f.owner_kind = 1 AND NOT EXISTS(SELECT 1 FROM acl a WHERE a.folder_id = f.id AND a.account_id = 0 AND a.rights GLOB '*[wite]*')),
        EXISTS(SELECT 1 FROM subscriptions s WHERE s.owner_kind = f.owner_kind AND s.owner_id = f.owner_id AND s.name = f.name),
        f.first_recent_uid
        """;

    public Task<IReadOnlyList<FolderInfo>> ListFoldersAsync(MailboxOwner owner, CancellationToken ct = default) =>
        Read<IReadOnlyList<FolderInfo>>(c => ReadFolders(c, $"SELECT {FolderColumns} FROM folders f WHERE f.owner_kind = @k AND f.owner_id = @o ORDER BY f.name",
            ("@k", (int)owner.Kind), ("@o", owner.Id)), ct);

    public Task<FolderInfo?> GetFolderAsync(MailboxOwner owner, string name, CancellationToken ct = default) =>
        FolderNames.Normalize(name) is { } n
            ? Read(c => FindFolder(c, owner, n), ct)
            : Task.FromResult<FolderInfo?>(null);

    public Task<FolderInfo?> GetFolderAsync(long folderId, CancellationToken ct = default) =>
        Read(c => FindFolder(c, folderId), ct);

    public Task<FolderInfo> CreateFolderAsync(MailboxOwner owner, string name, string? specialUse = null, CancellationToken ct = default)
    {
        // RFC 9051 §6.3.4: a trailing delimiter only declares the intent to create children.
        if (name.Length > 1 && name[^1] == FolderNames.Delimiter) name = name[..^1];
        var n = FolderNames.Normalize(name) ?? throw BadName(name);
        return Write(c =>
        {
            if (FindFolder(c, owner, n) is { } existing)
            {
                if (!existing.NoSelect) throw new StoreException(StoreError.AlreadyExists, $"folder {n} already exists");
                // A \Noselect placeholder becomes a real folder: a new incarnation, so a new UIDVALIDITY.
                c.Exec("UPDATE folders SET noselect = 0, uidvalidity = @v, uidnext = 1, highest_modseq = 1, special_use = @su WHERE id = @id",
                    ("@v", NewUidValidity(c)), ("@su", specialUse), ("@id", existing.Id));
                c.Exec("DELETE FROM expunged WHERE folder_id = @id", ("@id", existing.Id));
                RecordPublicFolderChange(c, owner, existing.Id, DirectoryChangeKind.PublicFolderAdded);
                return FindFolder(c, existing.Id)!;
            }
            CreateMissingParents(c, owner, n);
            var id = InsertFolder(c, owner, n, specialUse);
            RecordPublicFolderChange(c, owner, id, DirectoryChangeKind.PublicFolderAdded);
            return FindFolder(c, id)!;
        }, ct);
    }

    public Task DeleteFolderAsync(MailboxOwner owner, string name, CancellationToken ct = default)
    {
        var n = FolderNames.Normalize(name) ?? throw BadName(name);
        return Write(c =>
        {
            var folder = FindFolder(c, owner, n) ?? throw NoFolder(n);
            if (n == FolderNames.Inbox) throw new StoreException(StoreError.NotAllowed, "INBOX cannot be deleted");
            var hasChildren = c.Scalar<long>("SELECT count(*) FROM folders WHERE owner_kind = @k AND owner_id = @o AND substr(name, 1, length(@n) + 1) = @n || '/'",
                ("@k", (int)owner.Kind), ("@o", owner.Id), ("@n", n)) > 0;
            DeleteMessages(c, folder.Id);
            if (hasChildren)
            {
                // RFC 9051 §6.3.5: a folder with inferiors keeps its name as \Noselect; deleting
                // a \Noselect name that has inferiors is an error.
                if (folder.NoSelect) throw new StoreException(StoreError.NotEmpty, $"{n} has child folders; delete them first");
                c.Exec("UPDATE folders SET noselect = 1, special_use = NULL WHERE id = @id", ("@id", folder.Id));
            }
            else
            {
                c.Exec("DELETE FROM expunged WHERE folder_id = @id", ("@id", folder.Id));
                c.Exec("DELETE FROM acl WHERE folder_id = @id", ("@id", folder.Id));
                c.Exec("DELETE FROM folders WHERE id = @id", ("@id", folder.Id));
            }
            // Either way its messages are gone and it cannot be selected any more.
            RecordPublicFolderChange(c, owner, folder.Id, DirectoryChangeKind.PublicFolderRemoved);
        }, ct);
    }

    public Task RenameFolderAsync(MailboxOwner owner, string oldName, string newName, CancellationToken ct = default)
    {
        var from = FolderNames.Normalize(oldName) ?? throw BadName(oldName);
        var to = FolderNames.Normalize(newName) ?? throw BadName(newName);
        return Write(c =>
        {
            var source = FindFolder(c, owner, from) ?? throw NoFolder(from);
            if (FindFolder(c, owner, to) is not null) throw new StoreException(StoreError.AlreadyExists, $"folder {to} already exists");
            // INBOX's messages may move below it ("INBOX/old"): INBOX itself stays (RFC 9051 §6.3.6).
            if (from == FolderNames.Inbox)
            {
                RenameInbox(c, owner, source, to);
                return;
            }
            if (to.StartsWith(from + "/", StringComparison.Ordinal))
                throw new StoreException(StoreError.NotAllowed, $"cannot rename {from} into itself");
            CreateMissingParents(c, owner, to);
            // Children move with their parent (RFC 9051 §6.3.6) and keep UIDVALIDITY and messages.
            c.Exec("""
                UPDATE folders SET name = @to || substr(name, length(@from) + 1)
                WHERE owner_kind = @k AND owner_id = @o AND (name = @from OR substr(name, 1, length(@from) + 1) = @from || '/')
                """, ("@to", to), ("@from", from), ("@k", (int)owner.Kind), ("@o", owner.Id));
        }, ct);
    }

    /// <summary>
    /// RFC 9051 §6.3.6: renaming INBOX moves all its messages to a new folder of the new name
    /// and leaves INBOX empty; its inferior names are not moved.
    /// </summary>
    private void RenameInbox(SqliteConnection c, MailboxOwner owner, FolderInfo inbox, string to)
    {
        CreateMissingParents(c, owner, to);
        var targetId = InsertFolder(c, owner, to, null);
        var uids = ReadUids(c, "SELECT uid FROM messages WHERE folder_id = @f ORDER BY uid", ("@f", inbox.Id));
        if (uids.Count > 0) MoveMessages(c, inbox.Id, uids, targetId, keep: null);
    }

    public Task SetSubscribedAsync(MailboxOwner owner, string name, bool subscribed, CancellationToken ct = default)
    {
        var n = FolderNames.Normalize(name) ?? throw BadName(name);
        return Write(c => SetSubscribed(c, owner, n, subscribed), ct);
    }

    // One process serves a SQLite store (the serve lock), so there is no one to take a mailbox from.
    public Task TakeOwnershipAsync(MailboxOwner owner, CancellationToken ct = default) => Task.CompletedTask;

    public Task SetFirstRecentUidAsync(long folderId, uint firstRecentUid, CancellationToken ct = default) =>
        Write(c => c.Exec("UPDATE folders SET first_recent_uid = max(first_recent_uid, @r) WHERE id = @f", ("@r", (long)firstRecentUid), ("@f", folderId)), ct);

    public Task<IReadOnlyList<string>> ListSubscriptionsAsync(MailboxOwner owner, CancellationToken ct = default) =>
        Read<IReadOnlyList<string>>(c =>
        {
            using var cmd = c.Cmd("SELECT name FROM subscriptions WHERE owner_kind = @k AND owner_id = @o ORDER BY name", ("@k", (int)owner.Kind), ("@o", owner.Id));
            using var r = cmd.ExecuteReader();
            var names = new List<string>();
            while (r.Read()) names.Add(r.GetString(0));
            return names;
        }, ct);

    public Task<FolderStatus?> GetStatusAsync(long folderId, bool countRecent = false, CancellationToken ct = default) =>
        ReadSnapshot(c => ReadStatus(c, folderId, reader: null, countRecent), ct);

    /// <summary>
    /// STATUS from the folder's counts (schema 14, kept by triggers), so its cost does not grow with
    /// the folder. RECENT is counted over the UID range from first_recent_uid on, one index range.
    /// A public folder's <paramref name="reader"/> has \Seen in rows of its own: UNSEEN is then the
    /// folder's messages less those rows.
    /// </summary>
    private static FolderStatus? ReadStatus(SqliteConnection c, long folderId, long? reader, bool countRecent)
    {
        if (FindFolder(c, folderId) is not { } f) return null;
        using var cmd = c.Cmd("""
            SELECT f.message_count, f.unseen_count, f.deleted_count, f.total_size, f.deleted_size,
                   CASE WHEN @r THEN (SELECT count(*) FROM messages m WHERE m.folder_id = f.id AND m.uid >= f.first_recent_uid) END,
                   (SELECT count(*) FROM seen s WHERE s.folder_id = f.id AND s.account_id = @a
                        AND EXISTS(SELECT 1 FROM messages m WHERE m.folder_id = s.folder_id AND m.uid = s.uid))
            FROM folders f WHERE f.id = @f
            """, ("@f", folderId), ("@a", reader ?? -1), ("@r", countRecent));
        using var r = cmd.ExecuteReader();
        r.Read();
        var messages = r.GetInt32(0);
        return new FolderStatus(folderId, messages, reader is null ? r.GetInt32(1) : messages - r.GetInt32(6), r.GetInt32(2), r.GetInt64(3),
            f.HighestModSeq, f.UidNext, f.UidValidity)
        {
            DeletedSize = r.GetInt64(4),
            Recent = r.IsDBNull(5) ? null : r.GetInt32(5),
        };
    }

    // ---- helpers ----

    private static StoreException BadName(string name) => new(StoreError.NotAllowed, $"'{name}' is not a valid folder name");
    private static StoreException NoFolder(string name) => new(StoreError.NotFound, $"folder {name} does not exist");

    private static void SetSubscribed(SqliteConnection c, MailboxOwner owner, string name, bool subscribed) =>
        c.Exec(subscribed
                ? "INSERT OR IGNORE INTO subscriptions(owner_kind, owner_id, name) VALUES (@k, @o, @n)"
                : "DELETE FROM subscriptions WHERE owner_kind = @k AND owner_id = @o AND name = @n",
            ("@k", (int)owner.Kind), ("@o", owner.Id), ("@n", name));

    private static void CreateMissingParents(SqliteConnection c, MailboxOwner owner, string name)
    {
        // RFC 9051 §6.3.4: superior hierarchical names needed by the new name are created.
        for (var slash = name.IndexOf('/'); slash > 0; slash = name.IndexOf('/', slash + 1))
        {
            var parent = name[..slash];
            if (FindFolder(c, owner, parent) is null) InsertFolder(c, owner, parent, null);
        }
    }

    private static long InsertFolder(SqliteConnection c, MailboxOwner owner, string name, string? specialUse)
    {
        var id = c.Scalar<long>("""
            INSERT INTO folders(owner_kind, owner_id, name, uidvalidity, uidnext, highest_modseq, special_use, mailbox_id)
            VALUES (@k, @o, @n, @v, 1, 1, @su, @mid) RETURNING id
            """, ("@k", (int)owner.Kind), ("@o", owner.Id), ("@n", name), ("@v", NewUidValidity(c)), ("@su", specialUse), ("@mid", Db.NewObjectId('F')));
        if (owner.Kind == OwnerKind.PublicFolders) InheritAcl(c, owner, name, id);
        return id;
    }

    /// <summary>
    /// A new public folder copies its parent's list (parents are made first, so the nearest one has
    /// one); a top-level folder starts with anyone = <see cref="AclRights.Default"/>.
    /// </summary>
    private static void InheritAcl(SqliteConnection c, MailboxOwner owner, string name, long id)
    {
        var slash = name.LastIndexOf(FolderNames.Delimiter);
        var parent = slash > 0 ? FindFolder(c, owner, name[..slash]) : null;
        if (parent is not null && c.Exec("INSERT INTO acl(folder_id, account_id, rights) SELECT @id, account_id, rights FROM acl WHERE folder_id = @p",
                ("@id", id), ("@p", parent.Id)) > 0)
        {
            return;
        }
        c.Exec("INSERT INTO acl(folder_id, account_id, rights) VALUES (@id, 0, @r)", ("@id", id), ("@r", AclRights.Format(AclRights.Default)));
    }

    /// <summary>
    /// A UIDVALIDITY never handed out before in this store (RFC 9051 §2.3.1.1): the current Unix
    /// time in seconds, or one more than the last one given if that is larger. Persisted in the
    /// same transaction as the folder, so a crash cannot reuse it.
    /// </summary>
    private static uint NewUidValidity(SqliteConnection c)
    {
        var last = c.Scalar<long>("SELECT value FROM meta WHERE key = 'uidvalidity_last'");
        var next = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), last + 1);
        c.Exec("UPDATE meta SET value = @v WHERE key = 'uidvalidity_last'", ("@v", next));
        return (uint)next;
    }

    private static FolderInfo? FindFolder(SqliteConnection c, MailboxOwner owner, string name) =>
        ReadFolders(c, $"SELECT {FolderColumns} FROM folders f WHERE f.owner_kind = @k AND f.owner_id = @o AND f.name = @n",
            ("@k", (int)owner.Kind), ("@o", owner.Id), ("@n", name)).FirstOrDefault();

    private static FolderInfo? FindFolder(SqliteConnection c, long id) =>
        ReadFolders(c, $"SELECT {FolderColumns} FROM folders f WHERE f.id = @id", ("@id", id)).FirstOrDefault();

    private static List<FolderInfo> ReadFolders(SqliteConnection c, string sql, params (string, object?)[] args)
    {
        using var cmd = c.Cmd(sql, args);
        using var r = cmd.ExecuteReader();
        var list = new List<FolderInfo>();
        while (r.Read())
        {
            list.Add(new FolderInfo(
                r.GetInt64(0), new MailboxOwner((OwnerKind)r.GetInt32(1), r.GetInt64(2)), r.GetString(3),
                (uint)r.GetInt64(4), (uint)r.GetInt64(5), (ulong)r.GetInt64(6),
                r.IsDBNull(7) ? null : r.GetString(7), r.GetBoolean(11), r.GetBoolean(8), r.GetString(9))
            {
                ReadOnly = r.GetBoolean(10),
                FirstRecentUid = (uint)r.GetInt64(12),
            });
        }
        return list;
    }
}
