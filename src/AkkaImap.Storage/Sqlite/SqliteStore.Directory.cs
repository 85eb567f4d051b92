using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Sqlite;

// Post offices, accounts, passwords and lockout (IDirectoryStore).
public sealed partial class SqliteStore
{
    /// <summary>The folders every new mailbox gets, with their RFC 6154 special uses.</summary>
    internal static readonly (string Name, string? SpecialUse)[] DefaultFolders =
    [
        ("INBOX", null), ("Drafts", @"\Drafts"), ("Sent", @"\Sent"), ("Trash", @"\Trash"), ("Junk", @"\Junk"), ("Archive", @"\Archive"),
    ];

    private const string AccountColumns = "a.id, a.login, a.user_name, a.post_office_id, p.name, a.created, a.cram_md5_context IS NOT NULL, a.nt_hash IS NOT NULL";

    public Task<long> GetDirectoryVersionAsync(CancellationToken ct = default) =>
        Read(c => c.Scalar<long>("SELECT value FROM meta WHERE key = 'directory_version'"), ct);

    private static void BumpDirectoryVersion(SqliteConnection c) =>
        c.Exec("UPDATE meta SET value = value + 1 WHERE key = 'directory_version'");

    public Task<PostOffice> AddPostOfficeAsync(string name, bool publicFolders, CancellationToken ct = default)
    {
        var normalized = NormalizePostOffice(name);
        return Write(c =>
        {
            if (c.Scalar<long?>("SELECT id FROM post_offices WHERE name = @n", ("@n", normalized)) is not null)
                throw new StoreException(StoreError.AlreadyExists, $"post office {normalized} already exists");
            var created = Db.NowMs();
            var id = c.Scalar<long>("INSERT INTO post_offices(name, public_folders, created) VALUES (@n, @p, @c) RETURNING id",
                ("@n", normalized), ("@p", publicFolders), ("@c", created));
            BumpDirectoryVersion(c);
            RecordChange(c, DirectoryChangeKind.PostOfficeAdded, postOfficeId: id);
            return new PostOffice(id, normalized, publicFolders, Db.FromMs(created));
        }, ct);
    }

    public Task<bool> SetPostOfficePublicFoldersAsync(string name, bool enabled, CancellationToken ct = default) =>
        Write(c =>
        {
            var id = c.Scalar<long?>("UPDATE post_offices SET public_folders = @p WHERE name = @n RETURNING id", ("@p", enabled), ("@n", name.Trim()));
            if (id is null) return false;
            BumpDirectoryVersion(c);
            RecordChange(c, enabled ? DirectoryChangeKind.PublicFoldersOn : DirectoryChangeKind.PublicFoldersOff, postOfficeId: id);
            return true;
        }, ct);

    public Task<IReadOnlyList<PostOffice>> ListPostOfficesAsync(CancellationToken ct = default) =>
        Read<IReadOnlyList<PostOffice>>(c => ReadPostOffices(c, "SELECT id, name, public_folders, created FROM post_offices ORDER BY name"), ct);

    public Task<PostOffice?> FindPostOfficeAsync(string name, CancellationToken ct = default) =>
        Read(c => ReadPostOffices(c, "SELECT id, name, public_folders, created FROM post_offices WHERE name = @n", ("@n", name.Trim())).FirstOrDefault(), ct);

    public Task<bool> RemovePostOfficeAsync(string name, bool force = false, CancellationToken ct = default) =>
        Write(c =>
        {
            var id = c.Scalar<long?>("SELECT id FROM post_offices WHERE name = @n", ("@n", name.Trim()));
            if (id is null) return false;
            var accounts = ReadIds(c, "SELECT id FROM accounts WHERE post_office_id = @p", ("@p", id));
            var publicFolders = MailboxOwner.ForPublicFolders(id.Value);
            var folders = c.Scalar<long>("SELECT COUNT(*) FROM folders WHERE owner_kind = @k AND owner_id = @o",
                ("@k", (int)publicFolders.Kind), ("@o", publicFolders.Id));
            if ((accounts.Count > 0 || folders > 0) && !force)
                throw new StoreException(StoreError.NotEmpty, $"post office {name} still has {accounts.Count} mailbox(es) and {folders} public folder(s); remove them first or force");
            foreach (var account in accounts)
            {
                DeleteAccountData(c, account);
                RecordChange(c, DirectoryChangeKind.AccountRemoved, accountId: account, postOfficeId: id);
            }
            DeleteOwnerFolders(c, publicFolders);
            c.Exec("DELETE FROM post_offices WHERE id = @p", ("@p", id));
            DeleteOrphanBlobs(c);
            BumpDirectoryVersion(c);
            RecordChange(c, DirectoryChangeKind.PostOfficeRemoved, postOfficeId: id);
            return true;
        }, ct);

    public Task<Account> AddAccountAsync(string login, string password, CancellationToken ct = default) =>
        AddAccountAsync(login, password, PasswordSecrets.None, ct);

    public Task<Account> AddAccountAsync(string login, string password, PasswordSecrets extra, CancellationToken ct = default)
    {
        var (user, postOffice) = SplitLogin(login)
            ?? throw new StoreException(StoreError.NotAllowed, $"'{login}' is not of the form user@postoffice");
        // PBKDF2 is deliberately slow: derived on a reader thread, neither by the caller nor by
        // the single writer.
        return PrepareThenWrite(() => DeriveSecrets(password, extra), (c, secrets) =>
        {
            var (scram, cramMd5, ntHash) = secrets;
            var po = c.Scalar<long?>("SELECT id FROM post_offices WHERE name = @n", ("@n", postOffice))
                ?? throw new StoreException(StoreError.NotFound, $"post office {postOffice} does not exist");
            var canonical = user + "@" + postOffice;
            if (c.Scalar<long?>("SELECT id FROM accounts WHERE login = @l", ("@l", canonical)) is not null)
                throw new StoreException(StoreError.AlreadyExists, $"mailbox {canonical} already exists");
            var created = Db.NowMs();
            var id = c.Scalar<long>("""
                INSERT INTO accounts(post_office_id, user_name, login, scram_salt, scram_iterations, scram_stored_key, scram_server_key,
                    cram_md5_context, nt_hash, created)
                VALUES (@p, @u, @l, @s, @i, @sk, @vk, @cm, @nt, @c) RETURNING id
                """, ("@p", po), ("@u", user), ("@l", canonical), ("@s", scram.Salt), ("@i", scram.Iterations),
                ("@sk", scram.StoredKey), ("@vk", scram.ServerKey), ("@cm", cramMd5), ("@nt", ntHash), ("@c", created));
            var owner = MailboxOwner.ForAccount(id);
            foreach (var (name, specialUse) in DefaultFolders)
            {
                InsertFolder(c, owner, name, specialUse);
                SetSubscribed(c, owner, name, true);
            }
            BumpDirectoryVersion(c);
            RecordChange(c, DirectoryChangeKind.AccountAdded, accountId: id, postOfficeId: po);
            return new Account(id, canonical, user, po, postOffice, Db.FromMs(created)) { StoredSecrets = StoredKinds(cramMd5, ntHash) };
        }, ct);
    }

    public Task<bool> SetPasswordAsync(string login, string password, CancellationToken ct = default) =>
        SetPasswordAsync(login, password, PasswordSecrets.None, ct);

    public Task<bool> SetPasswordAsync(string login, string password, PasswordSecrets extra, CancellationToken ct = default)
    {
        return PrepareThenWrite(() => DeriveSecrets(password, extra), (c, secrets) =>
        {
            if (FindAccountIds(c, login) is not { } ids) return false;
            var (scram, cramMd5, ntHash) = secrets;
            c.Exec("""
                UPDATE accounts SET scram_salt = @s, scram_iterations = @i, scram_stored_key = @sk, scram_server_key = @vk,
                    cram_md5_context = @cm, nt_hash = @nt
                WHERE id = @id
                """, ("@s", scram.Salt), ("@i", scram.Iterations), ("@sk", scram.StoredKey), ("@vk", scram.ServerKey),
                ("@cm", cramMd5), ("@nt", ntHash), ("@id", ids.Id));
            BumpDirectoryVersion(c);
            RecordChange(c, DirectoryChangeKind.PasswordChanged, accountId: ids.Id, postOfficeId: ids.PostOfficeId);
            return true;
        }, ct);
    }

    public Task<IReadOnlyList<Account>> ListAccountsAsync(string postOffice, CancellationToken ct = default) =>
        Read<IReadOnlyList<Account>>(c => ReadAccounts(c,
            $"SELECT {AccountColumns} FROM accounts a JOIN post_offices p ON p.id = a.post_office_id WHERE p.name = @n ORDER BY a.login",
            ("@n", postOffice.Trim())), ct);

    public Task<bool> RemoveAccountAsync(string login, bool force = false, CancellationToken ct = default) =>
        Write(c =>
        {
            if (FindAccountIds(c, login) is not { } ids) return false;
            var owner = MailboxOwner.ForAccount(ids.Id);
            if (!force && c.Scalar<long>(
                    "SELECT EXISTS(SELECT 1 FROM messages WHERE folder_id IN (SELECT id FROM folders WHERE owner_kind = @k AND owner_id = @o))",
                    ("@k", (int)owner.Kind), ("@o", owner.Id)) != 0)
                throw new StoreException(StoreError.NotEmpty, $"mailbox {login} holds messages; remove them first or force");
            DeleteAccountData(c, ids.Id);
            DeleteOrphanBlobs(c);
            BumpDirectoryVersion(c);
            RecordChange(c, DirectoryChangeKind.AccountRemoved, accountId: ids.Id, postOfficeId: ids.PostOfficeId);
            return true;
        }, ct);

    public Task<Account?> FindAccountAsync(string login, CancellationToken ct = default) =>
        Read(c => FindAccount(c, login), ct);

    private static Account? FindAccount(SqliteConnection c, string login) =>
        ReadAccounts(c, $"SELECT {AccountColumns} FROM accounts a JOIN post_offices p ON p.id = a.post_office_id WHERE a.login = @l",
            ("@l", login.Trim())).FirstOrDefault();

    public Task<Account?> GetAccountAsync(long accountId, CancellationToken ct = default) =>
        Read(c => ReadAccounts(c, $"SELECT {AccountColumns} FROM accounts a JOIN post_offices p ON p.id = a.post_office_id WHERE a.id = @id",
            ("@id", accountId)).FirstOrDefault(), ct);

    /// <summary>One reader-thread job: the stored keys, PBKDF2 of the password (milliseconds of CPU), the account.</summary>
    public Task<Account?> VerifyPasswordAsync(string login, string password, CancellationToken ct = default) =>
        Read(c =>
        {
            var credentials = ReadScramCredentials(c, login);
            // Unknown logins still pay for one derivation so timing does not reveal which exist.
            var ok = Scram.Verify(credentials ?? UnknownUserCredentials(), password) && credentials is not null;
            return ok ? FindAccount(c, login) : null;
        }, ct);

    private ScramCredentials UnknownUserCredentials() => new(new byte[Scram.SaltLength], _options.ScramIterations, new byte[32], new byte[32]);

    public Task<ScramCredentials?> GetScramCredentialsAsync(string login, CancellationToken ct = default) =>
        Read(c => ReadScramCredentials(c, login), ct);

    private static ScramCredentials? ReadScramCredentials(SqliteConnection c, string login)
    {
        using var cmd = c.Cmd("SELECT scram_salt, scram_iterations, scram_stored_key, scram_server_key FROM accounts WHERE login = @l", ("@l", login.Trim()));
        using var r = cmd.ExecuteReader();
        return r.Read() ? new ScramCredentials((byte[])r[0], r.GetInt32(1), (byte[])r[2], (byte[])r[3]) : null;
    }

    /// <summary>The SCRAM keys and the extra secrets asked for: PBKDF2, run on a reader thread.</summary>
    private (ScramCredentials Scram, byte[]? CramMd5, byte[]? NtHash) DeriveSecrets(string password, PasswordSecrets extra)
    {
        var (cramMd5, ntHash) = DeriveExtraSecrets(password, extra);
        return (Scram.Create(password, _options.ScramIterations), cramMd5, ntHash);
    }

    public Task<LockoutState?> GetLockoutAsync(string login, CancellationToken ct = default) =>
        Read(c => ReadLockout(c, login), ct);

    public async Task<LockoutState?> RecordLoginFailureAsync(string login, DateTimeOffset now, LockoutPolicy policy, CancellationToken ct = default)
    {
        var wasLocked = false;
        var state = await Write(c =>
        {
            if (ReadLockout(c, login) is not { } state) return null;
            var windowStart = state.WindowStart;
            var failures = state.ConsecutiveFailures;
            if (windowStart is null || now - windowStart.Value > policy.Window)
            {
                windowStart = now;
                failures = 0;
            }
            failures++;
            var lockedUntil = state.LockedUntil;
            if (failures >= policy.Failures && !state.IsLocked(now))
            {
                lockedUntil = now + policy.Duration;
                wasLocked = true;
            }
            c.Exec("UPDATE accounts SET failures = @f, failure_window_start = @w, locked_until = @u WHERE login = @l",
                ("@f", failures), ("@w", windowStart.Value.ToUnixTimeMilliseconds()), ("@u", lockedUntil?.ToUnixTimeMilliseconds()), ("@l", login.Trim()));
            return new LockoutState(failures, windowStart, lockedUntil);
        }, ct).ConfigureAwait(false);
        if (wasLocked) StoreTelemetry.LockedOut();
        return state;
    }

    public async Task RecordLoginSuccessAsync(string login, CancellationToken ct = default)
    {
        // Nearly every login follows no failure: a read then costs no commit (and no fsync) on
        // the login path. A failure recorded between the read and here is at worst kept.
        if (await GetLockoutAsync(login, ct).ConfigureAwait(false) is not { ConsecutiveFailures: > 0 })
        {
            return;
        }
        await Write(c => c.Exec("UPDATE accounts SET failures = 0, failure_window_start = NULL WHERE login = @l AND failures <> 0", ("@l", login.Trim())), ct).ConfigureAwait(false);
    }

    public Task<bool> UnlockAsync(string login, CancellationToken ct = default) =>
        Write(c =>
        {
            if (FindAccountIds(c, login) is not { } ids) return false;
            c.Exec("UPDATE accounts SET failures = 0, failure_window_start = NULL, locked_until = NULL WHERE id = @id", ("@id", ids.Id));
            BumpDirectoryVersion(c);
            RecordChange(c, DirectoryChangeKind.AccountUnlocked, accountId: ids.Id, postOfficeId: ids.PostOfficeId);
            return true;
        }, ct);

    // ---- helpers ----

    internal static string NormalizePostOffice(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        if (n.Length == 0 || n.Any(ch => char.IsWhiteSpace(ch) || char.IsControl(ch) || ch is '@' or '/' or '\\'))
            throw new StoreException(StoreError.NotAllowed, $"'{name}' is not a valid post office name");
        return n;
    }

    /// <summary>Splits user@postoffice at the last '@'; both sides non-empty, no spaces or controls.</summary>
    internal static (string User, string PostOffice)? SplitLogin(string login)
    {
        var l = login.Trim().ToLowerInvariant();
        var at = l.LastIndexOf('@');
        if (at <= 0 || at == l.Length - 1) return null;
        if (l.Any(ch => char.IsWhiteSpace(ch) || char.IsControl(ch) || ch is '/' or '\\' or '"')) return null;
        return (l[..at], l[(at + 1)..]);
    }

    private static (long Id, long PostOfficeId)? FindAccountIds(SqliteConnection c, string login)
    {
        using var cmd = c.Cmd("SELECT id, post_office_id FROM accounts WHERE login = @l", ("@l", login.Trim()));
        using var r = cmd.ExecuteReader();
        return r.Read() ? (r.GetInt64(0), r.GetInt64(1)) : null;
    }

    private static LockoutState? ReadLockout(SqliteConnection c, string login)
    {
        using var cmd = c.Cmd("SELECT failures, failure_window_start, locked_until FROM accounts WHERE login = @l", ("@l", login.Trim()));
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        return new LockoutState(r.GetInt32(0),
            r.IsDBNull(1) ? null : Db.FromMs(r.GetInt64(1)),
            r.IsDBNull(2) ? null : Db.FromMs(r.GetInt64(2)));
    }

    private static void DeleteAccountData(SqliteConnection c, long accountId)
    {
        DeleteOwnerFolders(c, MailboxOwner.ForAccount(accountId));
        // Its per-reader \Seen marks in public folders go with it.
        c.Exec("DELETE FROM seen WHERE account_id = @id", ("@id", accountId));
        // And its entries in public folders' access control lists.
        c.Exec("DELETE FROM acl WHERE account_id = @id", ("@id", accountId));
        c.Exec("DELETE FROM accounts WHERE id = @id", ("@id", accountId));
    }

    private static void DeleteOwnerFolders(SqliteConnection c, MailboxOwner owner)
    {
        var args = new[] { ("@k", (object?)(int)owner.Kind), ("@o", (object?)owner.Id) };
        const string ofOwner = "SELECT id FROM folders WHERE owner_kind = @k AND owner_id = @o";
        c.Exec($"DELETE FROM messages WHERE folder_id IN ({ofOwner})", args);
        c.Exec($"DELETE FROM expunged WHERE folder_id IN ({ofOwner})", args);
        c.Exec($"DELETE FROM acl WHERE folder_id IN ({ofOwner})", args);
        c.Exec("DELETE FROM subscriptions WHERE owner_kind = @k AND owner_id = @o", args);
        c.Exec("DELETE FROM folders WHERE owner_kind = @k AND owner_id = @o", args);
    }

    /// <summary>Sweeps blobs no message points to any more (after bulk deletes).</summary>
    private void DeleteOrphanBlobs(SqliteConnection c) =>
        RemoveIndexRows(c, ReadIds(c, """
            DELETE FROM blobs WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.blob_id = blobs.id)
                AND NOT EXISTS (SELECT 1 FROM staged s WHERE s.blob_id = blobs.id)
            RETURNING id
            """));

    private static List<long> ReadIds(SqliteConnection c, string sql, params (string, object?)[] args)
    {
        using var cmd = c.Cmd(sql, args);
        using var r = cmd.ExecuteReader();
        var ids = new List<long>();
        while (r.Read()) ids.Add(r.GetInt64(0));
        return ids;
    }

    private static List<PostOffice> ReadPostOffices(SqliteConnection c, string sql, params (string, object?)[] args)
    {
        using var cmd = c.Cmd(sql, args);
        using var r = cmd.ExecuteReader();
        var list = new List<PostOffice>();
        while (r.Read()) list.Add(new PostOffice(r.GetInt64(0), r.GetString(1), r.GetBoolean(2), Db.FromMs(r.GetInt64(3))));
        return list;
    }

    private static List<Account> ReadAccounts(SqliteConnection c, string sql, params (string, object?)[] args)
    {
        using var cmd = c.Cmd(sql, args);
        using var r = cmd.ExecuteReader();
        var list = new List<Account>();
        while (r.Read())
            list.Add(new Account(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4), Db.FromMs(r.GetInt64(5)))
            {
                StoredSecrets = (r.GetBoolean(6) ? PasswordSecrets.CramMd5 : PasswordSecrets.None) | (r.GetBoolean(7) ? PasswordSecrets.Ntlm : PasswordSecrets.None),
            });
        return list;
    }
}
