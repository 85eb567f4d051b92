namespace AkkaImap.Storage;

/// <summary>A tenant (mail domain). Names compare case-insensitively and are stored lower-case.</summary>
public sealed record PostOffice(long Id, string Name, bool PublicFolders, DateTimeOffset Created);

/// <summary>A mailbox user. <see cref="Login"/> is <c>user@postoffice</c>, lower-case.</summary>
public sealed record Account(long Id, string Login, string UserName, long PostOfficeId, string PostOfficeName, DateTimeOffset Created)
{
    /// <summary>The owner of this account's private folders.</summary>
    public MailboxOwner Owner => MailboxOwner.ForAccount(Id);

    /// <summary>
    /// Which extra password secrets are stored: a mailbox whose password was set while CRAM-MD5 or
    /// NTLM was off cannot use that mechanism until its password is set again.
    /// </summary>
    public PasswordSecrets StoredSecrets { get; init; }
}

/// <summary>
/// SCRAM-SHA-256 verifier material (RFC 5802 §3, RFC 7677): what a server needs for SCRAM,
/// and for PLAIN/LOGIN by recomputing StoredKey from the offered password.
/// </summary>
public sealed record ScramCredentials(byte[] Salt, int Iterations, byte[] StoredKey, byte[] ServerKey);

/// <summary>Lockout rule: <paramref name="Failures"/> within <paramref name="Window"/> locks for <paramref name="Duration"/>.</summary>
public sealed record LockoutPolicy(int Failures, TimeSpan Window, TimeSpan Duration)
{
    public static LockoutPolicy Default { get; } = new(10, TimeSpan.FromMinutes(15), TimeSpan.FromHours(1));
}

/// <summary>Persisted lockout state of one account.</summary>
public sealed record LockoutState(int ConsecutiveFailures, DateTimeOffset? WindowStart, DateTimeOffset? LockedUntil)
{
    public static LockoutState None { get; } = new(0, null, null);
    public bool IsLocked(DateTimeOffset now) => LockedUntil is { } until && until > now;
}

/// <summary>
/// A change to quota limits (RFC 9208): for each resource, leave it (<c>Set… = false</c>), set a
/// limit, or with a null value go back to the default (a mailbox: its post office's; a post office:
/// none). <see cref="Unlimited"/> as a mailbox's value exempts it from its post office's default.
/// </summary>
public sealed record QuotaChange(bool SetStorage, long? Storage, bool SetMessages, long? Messages)
{
    public const long Unlimited = -1;
}

/// <summary>Limits of a mailbox or a post office as stored: null = the default, <see cref="QuotaChange.Unlimited"/> = none.</summary>
public sealed record QuotaLimits(long? Storage, long? Messages);

/// <summary>
/// A mailbox's quota as it applies (RFC 9208 §5): its effective limits (null: none) and what its
/// folders use: bytes of its messages and how many there are.
/// </summary>
public sealed record MailboxQuota(long? StorageLimit, long? MessageLimit, long StorageUsed, long MessagesUsed);
