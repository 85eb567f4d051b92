using AkkaImap.Storage;

namespace AkkaImap.Server.Sasl;

/// <summary>
/// The store work around a SASL exchange, for the AUTHENTICATE handler to await (it runs off the
/// session's thread and touches only the store): secrets, the account on success (refused while
/// locked), the lockout count on failure.
/// </summary>
public static class SaslAccounts
{
    /// <summary>
    /// The secret <paramref name="need"/> asks for, or null when the account is unknown. A locked
    /// account still gets its secret, so the exchange looks the same; <see cref="CompleteLoginAsync"/> refuses it.
    /// </summary>
    public static Task<SaslSecret?> FetchSecretAsync(IDirectoryStore store, SaslStep.NeedSecret need, CancellationToken ct = default) =>
        SaslSecrets.FetchAsync(store, need, ct);

    /// <summary>
    /// After <see cref="SaslStep.Success"/>: the account, with its failure count cleared; null
    /// when it is locked at <paramref name="now"/> or vanished meanwhile.
    /// </summary>
    public static async Task<Account?> CompleteLoginAsync(IDirectoryStore store, string login, DateTimeOffset now, CancellationToken ct = default)
    {
        var lockout = await store.GetLockoutAsync(login, ct).ConfigureAwait(false);
        if (lockout is null || lockout.IsLocked(now)) return null;
        var account = await store.FindAccountAsync(login, ct).ConfigureAwait(false);
        if (account is not null) await store.RecordLoginSuccessAsync(account.Login, ct).ConfigureAwait(false);
        return account;
    }

    /// <summary>
    /// Counts a failed exchange towards the account's lockout (nothing for an unknown login); says
    /// whether the account is locked now (this failure reached <c>auth.lockout.failures</c>).
    /// </summary>
    public static async Task<FailureRecorded> RecordFailureAsync(IDirectoryStore store, string login, DateTimeOffset now, LockoutPolicy policy, CancellationToken ct = default)
    {
        var state = await store.RecordLoginFailureAsync(login, now, policy, ct).ConfigureAwait(false);
        return new FailureRecorded(state, state?.IsLocked(now) == true);
    }

    /// <summary>The account's lockout state after a failure (null: no such account), and whether it is locked now.</summary>
    public sealed record FailureRecorded(LockoutState? State, bool LockedNow);

    /// <summary>
    /// The NTLM target name: the post office when there is exactly one (so a bare user name,
    /// sent without a domain, finds its mailbox), else <paramref name="fallback"/> (the host name).
    /// </summary>
    public static async Task<string> NtlmDomainAsync(IDirectoryStore store, string fallback, CancellationToken ct = default)
    {
        var offices = await store.ListPostOfficesAsync(ct).ConfigureAwait(false);
        return offices.Count == 1 ? offices[0].Name : fallback;
    }
}
