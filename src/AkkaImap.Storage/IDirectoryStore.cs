namespace AkkaImap.Storage;

/// <summary>
/// Post offices and accounts. The CLI edits the same store while <c>serve</c> runs; every change
/// here also writes a row of the <see cref="IChangeFeed"/> in its own transaction, which is how
/// the running server hears of it (no polling).
/// </summary>
public interface IDirectoryStore
{
    /// <summary>
    /// Grows by at least one on every directory change (post office, account, password, unlock): a
    /// cheap "has anything changed" for a cache. To hear of changes and what they were, use <see cref="IChangeFeed"/>.
    /// </summary>
    Task<long> GetDirectoryVersionAsync(CancellationToken ct = default);

    /// <summary>Creates a post office. Throws <see cref="StoreError.AlreadyExists"/>.</summary>
    Task<PostOffice> AddPostOfficeAsync(string name, bool publicFolders, CancellationToken ct = default);
    /// <summary>False when no such post office.</summary>
    Task<bool> SetPostOfficePublicFoldersAsync(string name, bool enabled, CancellationToken ct = default);
    Task<IReadOnlyList<PostOffice>> ListPostOfficesAsync(CancellationToken ct = default);
    Task<PostOffice?> FindPostOfficeAsync(string name, CancellationToken ct = default);
    /// <summary>
    /// Removes a post office. With mailboxes or public folders left it is refused
    /// (<see cref="StoreError.NotEmpty"/>) unless <paramref name="force"/>, which removes them and
    /// all their mail too.
    /// False when no such post office.
    /// </summary>
    Task<bool> RemovePostOfficeAsync(string name, bool force = false, CancellationToken ct = default);

    /// <summary>
    /// Creates <c>user@postoffice</c> with INBOX, Drafts, Sent, Trash, Junk, Archive (RFC 6154
    /// special uses), all subscribed. Throws <see cref="StoreError.NotFound"/> (post office),
    /// <see cref="StoreError.AlreadyExists"/>, <see cref="StoreError.NotAllowed"/> (malformed login).
    /// </summary>
    Task<Account> AddAccountAsync(string login, string password, CancellationToken ct = default);
    /// <summary>
    /// As <see cref="AddAccountAsync(string, string, CancellationToken)"/>, also storing the
    /// <paramref name="extra"/> secrets (pass the mechanisms that are switched on).
    /// </summary>
    Task<Account> AddAccountAsync(string login, string password, PasswordSecrets extra, CancellationToken ct = default);
    /// <summary>Replaces the SCRAM material (new salt) and drops CRAM-MD5/NTLM secrets. False when no such account.</summary>
    Task<bool> SetPasswordAsync(string login, string password, CancellationToken ct = default);
    /// <summary>
    /// Replaces the SCRAM material (new salt) and stores exactly the <paramref name="extra"/>
    /// secrets (others are dropped). False when no such account.
    /// </summary>
    Task<bool> SetPasswordAsync(string login, string password, PasswordSecrets extra, CancellationToken ct = default);
    /// <summary>
    /// Drops the <paramref name="kinds"/> secrets from every account (a mechanism was switched
    /// off: its password-equivalent secrets must not stay on disk). Returns the accounts changed.
    /// </summary>
    Task<int> DropPasswordSecretsAsync(PasswordSecrets kinds, CancellationToken ct = default);
    /// <summary>Accounts of one post office, by login; empty when the post office is unknown.</summary>
    Task<IReadOnlyList<Account>> ListAccountsAsync(string postOffice, CancellationToken ct = default);
    /// <summary>
    /// Removes the account with all its folders. When it holds messages it is refused
    /// (<see cref="StoreError.NotEmpty"/>) unless <paramref name="force"/>. False when no such account.
    /// </summary>
    Task<bool> RemoveAccountAsync(string login, bool force = false, CancellationToken ct = default);
    Task<Account?> FindAccountAsync(string login, CancellationToken ct = default);
    Task<Account?> GetAccountAsync(long accountId, CancellationToken ct = default);

    /// <summary>
    /// Checks a password against the stored SCRAM material (constant-time compare). Returns the
    /// account when right, null when wrong or unknown. Does not look at or change lockout state.
    /// </summary>
    Task<Account?> VerifyPasswordAsync(string login, string password, CancellationToken ct = default);
    /// <summary>SCRAM-SHA-256 verifier for the SASL mechanism; null when no such account.</summary>
    Task<ScramCredentials?> GetScramCredentialsAsync(string login, CancellationToken ct = default);
    /// <summary>CRAM-MD5 HMAC-MD5 contexts (RFC 2195); null when no such account or none stored.</summary>
    Task<Secrets.HmacMd5Context?> GetCramMd5ContextAsync(string login, CancellationToken ct = default);
    /// <summary>NT hash for NTLM (MS-NLMP §3.3.1); null when no such account or none stored.</summary>
    Task<byte[]?> GetNtHashAsync(string login, CancellationToken ct = default);

    /// <summary>Current lockout state; null when no such account.</summary>
    Task<LockoutState?> GetLockoutAsync(string login, CancellationToken ct = default);
    /// <summary>
    /// Counts a failed login at <paramref name="now"/>: starts a new window when the last one is
    /// older than <see cref="LockoutPolicy.Window"/>, locks when the count reaches
    /// <see cref="LockoutPolicy.Failures"/>. Returns the new state; null when no such account.
    /// </summary>
    Task<LockoutState?> RecordLoginFailureAsync(string login, DateTimeOffset now, LockoutPolicy policy, CancellationToken ct = default);
    /// <summary>Clears the failure count after a successful login (does not lift an active lock).</summary>
    Task RecordLoginSuccessAsync(string login, CancellationToken ct = default);
    /// <summary>Clears failures and lock (admin <c>mailbox unlock</c>). False when no such account.</summary>
    Task<bool> UnlockAsync(string login, CancellationToken ct = default);

    /// <summary>Changes a mailbox's quota limits (RFC 9208). False when no such account.</summary>
    Task<bool> SetAccountQuotaAsync(string login, QuotaChange change, CancellationToken ct = default);
    /// <summary>Changes a post office's default quota limits for its mailboxes. False when no such post office.</summary>
    Task<bool> SetPostOfficeQuotaAsync(string name, QuotaChange change, CancellationToken ct = default);
    /// <summary>The limits as stored for a mailbox (null: its post office's default) and for its post office.</summary>
    Task<(QuotaLimits Account, QuotaLimits PostOffice)?> GetQuotaLimitsAsync(string login, CancellationToken ct = default);
}
