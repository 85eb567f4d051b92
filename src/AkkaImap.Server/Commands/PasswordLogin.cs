using Akka.Event;
using AkkaImap.Protocol.Responses;
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
        return CommandOutcome.Await(CheckAsync(context.Store, login, password, policy), account =>
        {
            if (account is null)
            {
                // The remote address and login, never the password (issue 5: failures are logged).
                context.Log.Info("{0} login of {1} from {2} failed", mechanism, login, context.Connection.Remote);
                return Failed(context, mechanism, login);
            }
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
        return CommandOutcome.After(delay, () => CommandOutcome.No("Authentication failed", ResponseCode.AuthenticationFailed));
    }

    // Runs off the session's thread: touches only the store.
    private static async Task<Account?> CheckAsync(IDirectoryStore store, string login, string password, LockoutPolicy policy)
    {
        var state = await store.GetLockoutAsync(login).ConfigureAwait(false);
        if (state is not null && state.IsLocked(DateTimeOffset.UtcNow))
        {
            return null;
        }
        var account = await store.VerifyPasswordAsync(login, password).ConfigureAwait(false);
        if (account is null)
        {
            // Null for an unknown login: nothing to count.
            await store.RecordLoginFailureAsync(login, DateTimeOffset.UtcNow, policy).ConfigureAwait(false);
            return null;
        }
        await store.RecordLoginSuccessAsync(account.Login).ConfigureAwait(false);
        return account;
    }
}
