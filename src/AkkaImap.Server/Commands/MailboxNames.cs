using System.Text;
using AkkaImap.Protocol.Names;
using AkkaImap.Protocol.Responses;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// Mailbox names as a client sends them, turned into the stored form: modified UTF-7 decoded for
/// IMAP4rev1 clients (RFC 3501 §5.1.3), taken as UTF-8 once IMAP4rev2 or UTF8=ACCEPT is on
/// (RFC 9051 §5.1, RFC 6855 §3), INBOX matched case-insensitively (RFC 9051 §5.1). Names that
/// could escape the account's own folders or confuse the hierarchy are refused with NO: there is
/// no syntax that reaches another account (no "..", no "~user", no "#namespace").
/// </summary>
internal static class MailboxNames
{
    /// <summary>The longest name accepted, in UTF-8 bytes (Dovecot uses about the same).</summary>
    public const int MaxBytes = 1024;

    public const char Delimiter = FolderNames.Delimiter;

    /// <summary>True when names travel as UTF-8 for this session, not modified UTF-7.</summary>
    public static bool Utf8(SessionContext context) => context.Output.Utf8Enabled;

    /// <summary>
    /// The stored name of an existing mailbox the client names (SELECT, STATUS, DELETE, APPEND...).
    /// On failure <paramref name="refusal"/> is the tagged NO to answer with.
    /// </summary>
    public static bool TryParse(SessionContext context, string wire, out string name, out CommandOutcome refusal) =>
        TryParse(wire, Utf8(context), newName: false, out name, out refusal);

    /// <summary>
    /// The stored name of a mailbox about to be created (CREATE, RENAME target): in addition,
    /// no wildcards (RFC 9051 §6.3.4 leaves them to the server; they would make LIST patterns
    /// ambiguous) and no namespace prefixes. One trailing delimiter is allowed and dropped
    /// (RFC 9051 §6.3.4: it only declares that children will follow).
    /// </summary>
    public static bool TryParseNew(SessionContext context, string wire, out string name, out CommandOutcome refusal) =>
        TryParse(wire, Utf8(context), newName: true, out name, out refusal);

    /// <summary>The checks themselves, without a session (unit-testable).</summary>
    public static bool TryParse(string wire, bool utf8, bool newName, out string name, out CommandOutcome refusal)
    {
        name = "";
        refusal = CommandOutcome.Ok("");
        if (!MailboxNameEncoding.TryFromWire(wire, utf8, out var decoded))
        {
            refusal = CommandOutcome.No(utf8
                ? "Invalid mailbox name: control characters are not allowed"
                : "Invalid mailbox name: not valid modified UTF-7", ResponseCode.Cannot);
            return false;
        }
        if (newName && decoded.Length > 1 && decoded[^1] == Delimiter)
        {
            decoded = decoded[..^1];
        }
        if (Encoding.UTF8.GetByteCount(decoded) > MaxBytes)
        {
            refusal = CommandOutcome.No($"Mailbox name too long: at most {MaxBytes} bytes", ResponseCode.Limit);
            return false;
        }
        if (Problem(decoded, newName) is { } problem)
        {
            refusal = CommandOutcome.No("Invalid mailbox name: " + problem, ResponseCode.Cannot);
            return false;
        }
        name = FolderNames.Normalize(decoded) ?? decoded;
        return true;
    }

    private static string? Problem(string name, bool newName)
    {
        if (name.Length == 0)
        {
            return "empty";
        }
        if (name[0] == Delimiter)
        {
            return "it may not start with " + Delimiter;
        }
        if (newName && (name[0] == '~' || name[0] == '#'))
        {
            // RFC 9051 §5.1.2: "#" starts a namespace and "~" another user's folders, never one of ours.
            return "it may not start with ~ or #";
        }
        if (newName && name.AsSpan().IndexOfAny('%', '*') >= 0)
        {
            return "% and * are not allowed";
        }
        foreach (var segment in name.Split(Delimiter))
        {
            if (segment.Length == 0)
            {
                return "empty hierarchy level";
            }
            if (segment is "." or "..")
            {
                return "\".\" and \"..\" are not allowed as hierarchy levels";
            }
        }
        return null;
    }
}
