using Npgsql;
using AkkaImap.Storage.Sqlite;

namespace AkkaImap.Storage.Postgres;

// Post offices, accounts, passwords and lockout (IDirectoryStore). The rules (names, default
// folders, lockout) are the SQLite store's, shared from there; logins and post-office names are
// stored lower-case, so lookups lower-case what they are given (SQLite compares them NOCASE).
public sealed partial class PostgresStore
{
    private const string AccountColumns = "a.id, a.login, a.user_name, a.post_office_id, p.name, a.created, a.cram_md5_context IS NOT NULL, a.nt_hash IS NOT NULL";

    private static string Key(string name) => name.Trim().ToLowerInvariant();

    public Task<long> GetDirectoryVersionAsync(CancellationToken ct = default) =>
        Read(c => c.ScalarAsync<long>("SELECT value FROM meta WHERE key = 'directory_version'"), ct);

    private static Task BumpDirectoryVersion(NpgsqlConnection c) =>
        c.ExecAsync("UPDATE meta SET value = value + 1 WHERE key = 'directory_version'");

    public Task<PostOffice> AddPostOfficeAsync(string name, bool publicFolders, CancellationToken ct = default)
    {
        var normalized = SqliteStore.NormalizePostOffice(name);
        return Write(async c =>
        {
            if (await c.ScalarAsync<long?>("SELECT id FROM post_offices WHERE name = @n", ("@n", normalized)) is not null)
                throw new StoreException(StoreError.AlreadyExists, $"post office {normalized} already exists");
            var created = NowMs();
            var id = await c.ScalarAsync<long>("INSERT INTO post_offices(name, public_folders, created) VALUES (@n, @p, @c) RETURNING id",
                ("@n", normalized), ("@p", publicFolders), ("@c", created));
            await BumpDirectoryVersion(c);
            await RecordChange(c, DirectoryChangeKind.PostOfficeAdded, postOfficeId: id);
            return new PostOffice(id, normalized, publicFolders, FromMs(created));
        }, ct);
    }

    public Task<bool> SetPostOfficePublicFoldersAsync(string name, bool enabled, CancellationToken ct = default) =>
        Write(async c =>
        {
            var id = await c.ScalarAsync<long?>("UPDATE post_offices SET public_folders = @p WHERE name = @n RETURNING id", ("@p", enabled), ("@n", Key(name)));
            if (id is null) return false;
            await BumpDirectoryVersion(c);
            await RecordChange(c, enabled ? DirectoryChangeKind.PublicFoldersOn : DirectoryChangeKind.PublicFoldersOff, postOfficeId: id);
            return true;
        }, ct);

    public Task<IReadOnlyList<PostOffice>> ListPostOfficesAsync(CancellationToken ct = default) =>
        Read<IReadOnlyList<PostOffice>>(async c => await ReadPostOffices(c, "SELECT id, name, public_folders, created FROM post_offices ORDER BY name"), ct);

    public Task<PostOffice?> FindPostOfficeAsync(string name, CancellationToken ct = default) =>
        Read(async c => (await ReadPostOffices(c, "SELECT id, name, public_folders, created FROM post_offices WHERE name = @n", ("@n", Key(name)))).FirstOrDefault(), ct);

    public Task<bool> RemovePostOfficeAsync(string name, bool force = false, CancellationToken ct = default) =>
        Write(async c =>
        {
            var id = await c.ScalarAsync<long?>("SELECT id FROM post_offices WHERE name = @n FOR UPDATE", ("@n", Key(name)));
            if (id is null) return false;
            var accounts = await c.IdsAsync("SELECT id FROM accounts WHERE post_office_id = @p", ("@p", id.Value));
            var publicFolders = MailboxOwner.ForPublicFolders(id.Value);
            var folders = await c.ScalarAsync<long>("SELECT count(*) FROM folders WHERE owner_kind = @k AND owner_id = @o",
                ("@k", (int)publicFolders.Kind), ("@o", publicFolders.Id));
            if ((accounts.Count > 0 || folders > 0) && !force)
                throw new StoreException(StoreError.NotEmpty, $"post office {name} still has {accounts.Count} mailbox(es) and {folders} public folder(s); remove them first or force");
            foreach (var account in accounts)
            {
                await DeleteAccountData(c, account);
                await RecordChange(c, DirectoryChangeKind.AccountRemoved, accountId: account, postOfficeId: id);
            }
            await DeleteOwnerFolders(c, publicFolders);
            await c.ExecAsync("DELETE FROM post_offices WHERE id = @p", ("@p", id.Value));
            await DeleteOrphanBlobs(c);
            await BumpDirectoryVersion(c);
            await RecordChange(c, DirectoryChangeKind.PostOfficeRemoved, postOfficeId: id);
            return true;
        }, ct);

    public Task<Account> AddAccountAsync(string login, string password, CancellationToken ct = default) =>
        AddAccountAsync(login, password, PasswordSecrets.None, ct);

    public Task<Account> AddAccountAsync(string login, string password, PasswordSecrets extra, CancellationToken ct = default)
    {
        var (user, postOffice) = SqliteStore.SplitLogin(login)
            ?? throw new StoreException(StoreError.NotAllowed, $"'{login}' is not of the form user@postoffice");
        return PrepareThenWrite(() => DeriveSecrets(password, extra), async (c, secrets) =>
        {
            var (scram, cramMd5, ntHash) = secrets;
            var po = await c.ScalarAsync<long?>("SELECT id FROM post_offices WHERE name = @n", ("@n", postOffice))
                ?? throw new StoreException(StoreError.NotFound, $"post office {postOffice} does not exist");
            var canonical = user + "@" + postOffice;
            if (await c.ScalarAsync<long?>("SELECT id FROM accounts WHERE login = @l", ("@l", canonical)) is not null)
                throw new StoreException(StoreError.AlreadyExists, $"mailbox {canonical} already exists");
            var created = NowMs();
            var id = await c.ScalarAsync<long>("""
                INSERT INTO accounts(post_office_id, user_name, login, scram_salt, scram_iterations, scram_stored_key, scram_server_key,
                    cram_md5_context, nt_hash, created)
                VALUES (@p, @u, @l, @s, @i, @sk, @vk, @cm, @nt, @c) RETURNING id
                """, ("@p", po), ("@u", user), ("@l", canonical), ("@s", scram.Salt), ("@i", scram.Iterations),
                ("@sk", scram.StoredKey), ("@vk", scram.ServerKey), ("@cm", Pg.Bytes(cramMd5)), ("@nt", Pg.Bytes(ntHash)), ("@c", created));
            var owner = MailboxOwner.ForAccount(id);
            foreach (var (name, specialUse) in SqliteStore.DefaultFolders)
            {
                await InsertFolder(c, owner, name, specialUse);
                await SetSubscribed(c, owner, name, true);
            }
            await BumpDirectoryVersion(c);
            await RecordChange(c, DirectoryChangeKind.AccountAdded, accountId: id, postOfficeId: po);
            return new Account(id, canonical, user, po, postOffice, FromMs(created)) { StoredSecrets = StoredKinds(cramMd5, ntHash) };
        }, ct);
    }

    public Task<bool> SetPasswordAsync(string login, string password, CancellationToken ct = default) =>
        SetPasswordAsync(login, password, PasswordSecrets.None, ct);

    public Task<bool> SetPasswordAsync(string login, string password, PasswordSecrets extra, CancellationToken ct = default) =>
        PrepareThenWrite(() => DeriveSecrets(password, extra), async (c, secrets) =>
        {
            if (await FindAccountIds(c, login) is not { } ids) return false;
            var (scram, cramMd5, ntHash) = secrets;
            await c.ExecAsync("""
                UPDATE accounts SET scram_salt = @s, scram_iterations = @i, scram_stored_key = @sk, scram_server_key = @vk,
                    cram_md5_context = @cm, nt_hash = @nt
                WHERE id = @id
                """, ("@s", scram.Salt), ("@i", scram.Iterations), ("@sk", scram.StoredKey), ("@vk", scram.ServerKey),
                ("@cm", Pg.Bytes(cramMd5)), ("@nt", Pg.Bytes(ntHash)), ("@id", ids.Id));
            await BumpDirectoryVersion(c);
            await RecordChange(c, DirectoryChangeKind.PasswordChanged, accountId: ids.Id, postOfficeId: ids.PostOfficeId);
            return true;
        }, ct);

    public Task<IReadOnlyList<Account>> ListAccountsAsync(string postOffice, CancellationToken ct = default) =>
        Read<IReadOnlyList<Account>>(async c => await ReadAccounts(c,
            $"SELECT {AccountColumns} FROM accounts a JOIN post_offices p ON p.id = a.post_office_id WHERE p.name = @n ORDER BY a.login",
            ("@n", Key(postOffice))), ct);

    public Task<bool> RemoveAccountAsync(string login, bool force = false, CancellationToken ct = default) =>
        Write(async c =>
        {
            if (await FindAccountIds(c, login) is not { } ids) return false;
            var owner = MailboxOwner.ForAccount(ids.Id);
            if (!force && await c.ScalarAsync<bool>(
                    "SELECT EXISTS(SELECT 1 FROM messages WHERE folder_id IN (SELECT id FROM folders WHERE owner_kind = @k AND owner_id = @o))",
                    ("@k", (int)owner.Kind), ("@o", owner.Id)))
                throw new StoreException(StoreError.NotEmpty, $"mailbox {login} holds messages; remove them first or force");
            await DeleteAccountData(c, ids.Id);
            await DeleteOrphanBlobs(c);
            await BumpDirectoryVersion(c);
            await RecordChange(c, DirectoryChangeKind.AccountRemoved, accountId: ids.Id, postOfficeId: ids.PostOfficeId);
            return true;
        }, ct);

    public Task<Account?> FindAccountAsync(string login, CancellationToken ct = default) =>
        Read(c => FindAccount(c, login), ct);

    private static async Task<Account?> FindAccount(NpgsqlConnection c, string login) =>
        (await ReadAccounts(c, $"SELECT {AccountColumns} FROM accounts a JOIN post_offices p ON p.id = a.post_office_id WHERE a.login = @l",
            ("@l", Key(login)))).FirstOrDefault();

    public Task<Account?> GetAccountAsync(long accountId, CancellationToken ct = default) =>
        Read(async c => (await ReadAccounts(c, $"SELECT {AccountColumns} FROM accounts a JOIN post_offices p ON p.id = a.post_office_id WHERE a.id = @id",
            ("@id", accountId))).FirstOrDefault(), ct);

    /// <summary>The stored keys (a read), PBKDF2 of the password on the CPU threads, then the account.</summary>
    public async Task<Account?> VerifyPasswordAsync(string login, string password, CancellationToken ct = default)
    {
        var credentials = await GetScramCredentialsAsync(login, ct).ConfigureAwait(false);
        // Unknown logins still pay for one derivation so timing does not reveal which exist.
        var ok = await OnCpu(() => Scram.Verify(credentials ?? UnknownUserCredentials(), password), ct).ConfigureAwait(false)
            && credentials is not null;
        return ok ? await FindAccountAsync(login, ct).ConfigureAwait(false) : null;
    }

    private ScramCredentials UnknownUserCredentials() => new(new byte[Scram.SaltLength], _options.ScramIterations, new byte[32], new byte[32]);

    public Task<ScramCredentials?> GetScramCredentialsAsync(string login, CancellationToken ct = default) =>
        Read(async c => (await c.ListAsync("SELECT scram_salt, scram_iterations, scram_stored_key, scram_server_key FROM accounts WHERE login = @l",
            r => new ScramCredentials((byte[])r[0], r.GetInt32(1), (byte[])r[2], (byte[])r[3]), ("@l", Key(login)))).FirstOrDefault(), ct);

    private (ScramCredentials Scram, byte[]? CramMd5, byte[]? NtHash) DeriveSecrets(string password, PasswordSecrets extra)
    {
        var (cramMd5, ntHash) = DeriveExtraSecrets(password, extra);
        return (Scram.Create(password, _options.ScramIterations), cramMd5, ntHash);
    }

    public Task<LockoutState?> GetLockoutAsync(string login, CancellationToken ct = default) =>
        Read(c => ReadLockout(c, login, forUpdate: false), ct);

    public Task<LockoutState?> RecordLoginFailureAsync(string login, DateTimeOffset now, LockoutPolicy policy, CancellationToken ct = default) =>
        Write(async c =>
        {
            // Locked until commit: failures counted by two nodes at once add up.
            if (await ReadLockout(c, login, forUpdate: true) is not { } state) return null;
            var windowStart = state.WindowStart;
            var failures = state.ConsecutiveFailures;
            if (windowStart is null || now - windowStart.Value > policy.Window)
            {
                windowStart = now;
                failures = 0;
            }
            failures++;
            var lockedUntil = state.LockedUntil;
            if (failures >= policy.Failures && !state.IsLocked(now)) lockedUntil = now + policy.Duration;
            await c.ExecAsync("UPDATE accounts SET failures = @f, failure_window_start = @w, locked_until = @u WHERE login = @l",
                ("@f", failures), ("@w", windowStart.Value.ToUnixTimeMilliseconds()), ("@u", Pg.Big(lockedUntil?.ToUnixTimeMilliseconds())), ("@l", Key(login)));
            return (LockoutState?)new LockoutState(failures, windowStart, lockedUntil);
        }, ct);

    public async Task RecordLoginSuccessAsync(string login, CancellationToken ct = default)
    {
        // Nearly every login follows no failure: a read then costs no commit on the login path.
        if (await GetLockoutAsync(login, ct).ConfigureAwait(false) is not { ConsecutiveFailures: > 0 }) return;
        await Write(c => c.ExecAsync("UPDATE accounts SET failures = 0, failure_window_start = NULL WHERE login = @l AND failures <> 0", ("@l", Key(login))), ct)
            .ConfigureAwait(false);
    }

    public Task<bool> UnlockAsync(string login, CancellationToken ct = default) =>
        Write(async c =>
        {
            if (await FindAccountIds(c, login) is not { } ids) return false;
            await c.ExecAsync("UPDATE accounts SET failures = 0, failure_window_start = NULL, locked_until = NULL WHERE id = @id", ("@id", ids.Id));
            await BumpDirectoryVersion(c);
            await RecordChange(c, DirectoryChangeKind.AccountUnlocked, accountId: ids.Id, postOfficeId: ids.PostOfficeId);
            return true;
        }, ct);

    // ---- helpers ----

    private static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static async Task<(long Id, long PostOfficeId)?> FindAccountIds(NpgsqlConnection c, string login)
    {
        var rows = await c.ListAsync("SELECT id, post_office_id FROM accounts WHERE login = @l FOR UPDATE", r => (r.GetInt64(0), r.GetInt64(1)), ("@l", Key(login)));
        return rows.Count == 0 ? null : rows[0];
    }

    private static async Task<LockoutState?> ReadLockout(NpgsqlConnection c, string login, bool forUpdate)
    {
        var rows = await c.ListAsync(
            "SELECT failures, failure_window_start, locked_until FROM accounts WHERE login = @l" + (forUpdate ? " FOR UPDATE" : ""),
            r => new LockoutState(r.GetInt32(0), r.IsDBNull(1) ? null : FromMs(r.GetInt64(1)), r.IsDBNull(2) ? null : FromMs(r.GetInt64(2))),
            ("@l", Key(login)));
        return rows.Count == 0 ? null : rows[0];
    }

    private static async Task DeleteAccountData(NpgsqlConnection c, long accountId)
    {
        await DeleteOwnerFolders(c, MailboxOwner.ForAccount(accountId));
        // Its per-reader \Seen marks in public folders go with it.
        await c.ExecAsync("DELETE FROM seen WHERE account_id = @id", ("@id", accountId));
        // And its entries in public folders' access control lists.
        await c.ExecAsync("DELETE FROM acl WHERE account_id = @id", ("@id", accountId));
        await c.ExecAsync("DELETE FROM accounts WHERE id = @id", ("@id", accountId));
    }

    private static async Task DeleteOwnerFolders(NpgsqlConnection c, MailboxOwner owner)
    {
        const string ofOwner = "SELECT id FROM folders WHERE owner_kind = @k AND owner_id = @o";
        (string, object?)[] args = [("@k", (int)owner.Kind), ("@o", owner.Id)];
        await c.ExecAsync($"DELETE FROM messages WHERE folder_id IN ({ofOwner})", args);
        await c.ExecAsync($"DELETE FROM expunged WHERE folder_id IN ({ofOwner})", args);
        await c.ExecAsync($"DELETE FROM seen WHERE folder_id IN ({ofOwner})", args);
        await c.ExecAsync($"DELETE FROM acl WHERE folder_id IN ({ofOwner})", args);
        await c.ExecAsync("DELETE FROM subscriptions WHERE owner_kind = @k AND owner_id = @o", args);
        await c.ExecAsync("DELETE FROM folders WHERE owner_kind = @k AND owner_id = @o", args);
    }

    /// <summary>Sweeps blobs no message points to any more (after bulk deletes).</summary>
    private static Task DeleteOrphanBlobs(NpgsqlConnection c) =>
        c.ExecAsync("""
            DELETE FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.blob_id = b.id)
                AND NOT EXISTS (SELECT 1 FROM staged s WHERE s.blob_id = b.id)
            """);

    private static Task<List<PostOffice>> ReadPostOffices(NpgsqlConnection c, string sql, params (string, object?)[] args) =>
        c.ListAsync(sql, r => new PostOffice(r.GetInt64(0), r.GetString(1), r.GetBoolean(2), FromMs(r.GetInt64(3))), args);

    private static Task<List<Account>> ReadAccounts(NpgsqlConnection c, string sql, params (string, object?)[] args) =>
        c.ListAsync(sql, r => new Account(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4), FromMs(r.GetInt64(5)))
        {
            StoredSecrets = (r.GetBoolean(6) ? PasswordSecrets.CramMd5 : PasswordSecrets.None) | (r.GetBoolean(7) ? PasswordSecrets.Ntlm : PasswordSecrets.None),
        }, args);
}
