using Akka.Event;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Sessions;
using AkkaImap.Server.Telemetry;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// The password check shared by LOGIN and AUTHENTICATE PLAIN. Unknown user, wrong password and a
/// locked account all answer the same <c>NO [AUTHENTICATIONFAILED]</c> (RFC 5530 §3), after
/// <c>auth.failure-delay</c>, doubled for each consecutive failure from the client's address up to
/// <c>auth.failure-delay-max</c>; a success forgives only its own account's failures
/// (<see cref="Sessions.AuthFailureTracker"/>). Failures count towards the account's lockout.
/// </summary>
internal static class PasswordLogin
{
    public static CommandOutcome Verify(SessionContext context, string login, string password, string mechanism)
    {
        var lockout = context.Settings.Auth.Lockout;
        var policy = new LockoutPolicy(lockout.Failures, lockout.Window, lockout.Duration);
        return CommandOutcome.Await(CheckAsync(context.Store, context.LoginCache, login, password, policy), check =>
        {
            if (check.Account is not { } account)
            {
                // The login and the reason, never the password.
                LoginLog.Failed(context, mechanism, login, check.Failure!);
                if (check.LockedNow is { } locked)
                {
                    LoginLog.LockedOut(context, login, locked);
                }
                return Failed(context, mechanism, login);
            }
            LoginLog.Succeeded(context, mechanism, account.Login);
            context.Authenticate(account);
            ImapMetrics.LoginSucceeded(mechanism);
            return CommandOutcome.Ok("Logged in", new CapabilityCode(context.Capabilities));
        });
    }

    /// <summary>The failure answer, delayed. Also used for malformed credentials (no <paramref name="login"/>).</summary>
    public static CommandOutcome Failed(SessionContext context, string mechanism, string? login = null)
    {
        ImapMetrics.AuthFailed(mechanism);
        var failures = context.RecordAuthFailure(login);
        var auth = context.Settings.Auth;
        var delay = auth.FailureDelay;
        for (int i = 1; i < failures && delay < auth.FailureDelayMax; i++)
        {
            delay *= 2;
        }
        if (delay > auth.FailureDelayMax)
        {
            delay = auth.FailureDelayMax;
        }
        // Keyed on the client's address (the PROXY header's behind a load balancer): the line says
        // which, so an administrator (or fail2ban) sees who is guessing.
        context.Log.Info("failed login {Failures} in a row from {Address}, answered after {Delay}",
            failures, context.Connection.ClientAddress, SettingValues.FormatDuration(delay));
        return CommandOutcome.After(delay, () => CommandOutcome.No("Authentication failed", ResponseCode.AuthenticationFailed));
    }

    /// <summary>The account, or why not (<see cref="LoginLog"/>), and the lockout this failure caused, if it did.</summary>
    private sealed record Check(Account? Account, string? Failure = null, LockoutState? LockedNow = null);

    // Runs off the session's thread: touches only the store and the (thread-safe) login cache.
    private static async Task<Check> CheckAsync(IDirectoryStore store, LoginCache cache, string login, string password, LockoutPolicy policy)
    {
        var now = DateTimeOffset.UtcNow;
        // Null when there is no such account. Read on every login, cached or not: a lockout counts at once.
        var state = await store.GetLockoutAsync(login).ConfigureAwait(false);
        if (state is not null && state.IsLocked(now))
        {
            return new Check(null, LoginLog.Locked);
        }
        long version = 0;
        if (cache.Enabled && state is not null)
        {
            // Read before the password is verified: a change after this read makes the entry stale.
            version = await store.GetDirectoryVersionAsync().ConfigureAwait(false);
            if (cache.Find(login, password, version) is { } known)
            {
                ImapMetrics.LoginCache(hit: true);
                await ForgiveAsync(store, state, known).ConfigureAwait(false);
                return new Check(known);
            }
            ImapMetrics.LoginCache(hit: false);
        }
        // Verified even for an unknown login, so that both take the same time.
        var account = await store.VerifyPasswordAsync(login, password).ConfigureAwait(false);
        if (account is null)
        {
            // Null for an unknown login: nothing to count.
            var after = await store.RecordLoginFailureAsync(login, now, policy).ConfigureAwait(false);
            return new Check(null, state is null ? LoginLog.UnknownUser : LoginLog.WrongPassword, after?.IsLocked(now) == true ? after : null);
        }
        await ForgiveAsync(store, state, account).ConfigureAwait(false);
        if (cache.Enabled && state is not null)
        {
            cache.Remember(login, password, version, account);
        }
        return new Check(account);
    }

    /// <summary>
    /// Clears the account's failure count after a success; the lockout state just read says whether
    /// there is any (nearly never), so a login costs no second read. A failure counted between that
    /// read and here is at worst kept.
    /// </summary>
    private static Task ForgiveAsync(IDirectoryStore store, LockoutState? state, Account account) =>
        state is { ConsecutiveFailures: 0 } ? Task.CompletedTask : store.RecordLoginSuccessAsync(account.Login);
}
