using Akka.Event;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// The log lines of logins (SPEC.md, Telemetry): who, how, over what, and for a refusal the reason
/// class, which only the log learns; the client gets the same <c>NO [AUTHENTICATIONFAILED]</c>
/// whatever it was (RFC 5530 §3). Never a password or a secret. The session's log context adds the
/// session id and the client's address to each line.
/// </summary>
internal static class LoginLog
{
    public const string UnknownUser = "unknown user";
    public const string WrongPassword = "wrong password";
    public const string Locked = "locked";
    public const string MechanismOff = "mechanism off";
    public const string PlaintextRefused = "plaintext refused";
    public const string NoSecret = "no stored secret for this mechanism";
    public const string AuthorizationFailed = "authorization identity refused";
    public const string Malformed = "malformed exchange";
    public const string Unsupported = "unsupported request";
    public const string Cancelled = "cancelled by the client";

    public static void Succeeded(SessionContext context, string mechanism, string login) =>
        context.Log.Info("login of {User} succeeded ({Mechanism}, {Security})", Clean(login), mechanism, Security(context));

    public static void Failed(SessionContext context, string mechanism, string? login, string reason) =>
        context.Log.Info("login of {User} failed ({Mechanism}, {Security}): {Reason}", Clean(login), mechanism, Security(context), reason);

    /// <summary>This failure locked the account (<c>auth.lockout</c>).</summary>
    public static void LockedOut(SessionContext context, string login, LockoutState state) =>
        context.Log.Warning("account {User} locked until {Until} after {Failures} failed logins (akkaimap mailbox unlock lifts it)",
            Clean(login), state.LockedUntil?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) ?? "-",
            state.ConsecutiveFailures);

    private static string Security(SessionContext context) => context.IsTls ? "TLS" : "plain";

    /// <summary>
    /// A login name as the client sent it, safe on one log line: a literal may carry CR, LF or other
    /// control characters, which could forge a line in the text log; long names are cut.
    /// </summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "-";
        }

        var cut = text.Length > 256 ? text[..256] + "..." : text;
        return string.Create(cut.Length, cut, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }
}
