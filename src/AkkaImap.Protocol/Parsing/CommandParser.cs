using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Receiving;

namespace AkkaImap.Protocol.Parsing;

/// <summary>
/// Turns one received command into a typed <see cref="ImapCommand"/>:
/// <c>command = tag SP (command-any / command-auth / command-nonauth / command-select) CRLF</c>
/// (RFC 9051 §9). Command names are case-insensitive. Never throws on client input.
/// </summary>
public static class CommandParser
{
    internal delegate ImapCommand? Parser(ref ImapReader reader, string tag, bool uid);

    private static readonly Dictionary<string, Parser> Commands = new(StringComparer.Ordinal)
    {
        ["CAPABILITY"] = (ref ImapReader r, string t, bool _) => NoArgs(ref r, "CAPABILITY", new CapabilityCommand(t)),
        ["NOOP"] = (ref ImapReader r, string t, bool _) => NoArgs(ref r, "NOOP", new NoopCommand(t)),
        ["LOGOUT"] = (ref ImapReader r, string t, bool _) => NoArgs(ref r, "LOGOUT", new LogoutCommand(t)),
        ["STARTTLS"] = (ref ImapReader r, string t, bool _) => NoArgs(ref r, "STARTTLS", new StartTlsCommand(t)),
        ["NAMESPACE"] = (ref ImapReader r, string t, bool _) => NoArgs(ref r, "NAMESPACE", new NamespaceCommand(t)),
        ["IDLE"] = (ref ImapReader r, string t, bool _) => NoArgs(ref r, "IDLE", new IdleCommand(t)),
        ["CHECK"] = (ref ImapReader r, string t, bool _) => NoArgs(ref r, "CHECK", new CheckCommand(t)),
        ["CLOSE"] = (ref ImapReader r, string t, bool _) => NoArgs(ref r, "CLOSE", new CloseCommand(t)),
        ["UNSELECT"] = (ref ImapReader r, string t, bool _) => NoArgs(ref r, "UNSELECT", new UnselectCommand(t)),
        ["EXPUNGE"] = SelectedParsers.ParseExpunge,
        ["AUTHENTICATE"] = AuthParsers.ParseAuthenticate,
        ["LOGIN"] = AuthParsers.ParseLogin,
        ["ENABLE"] = MailboxParsers.ParseEnable,
        ["SELECT"] = MailboxParsers.ParseSelect,
        ["EXAMINE"] = MailboxParsers.ParseExamine,
        ["CREATE"] = MailboxParsers.ParseCreate,
        ["DELETE"] = MailboxParsers.ParseDelete,
        ["RENAME"] = MailboxParsers.ParseRename,
        ["SUBSCRIBE"] = MailboxParsers.ParseSubscribe,
        ["UNSUBSCRIBE"] = MailboxParsers.ParseUnsubscribe,
        ["STATUS"] = MailboxParsers.ParseStatus,
        ["LIST"] = ListParser.ParseList,
        ["LSUB"] = ListParser.ParseLsub,
        ["XLIST"] = ListParser.ParseXList,
        ["APPEND"] = AppendParser.ParseAppend,
        ["GETQUOTA"] = QuotaParsers.ParseGetQuota,
        ["GETQUOTAROOT"] = QuotaParsers.ParseGetQuotaRoot,
        ["SETQUOTA"] = QuotaParsers.ParseSetQuota,
        ["SETACL"] = AclParsers.ParseSetAcl,
        ["DELETEACL"] = AclParsers.ParseDeleteAcl,
        ["GETACL"] = AclParsers.ParseGetAcl,
        ["LISTRIGHTS"] = AclParsers.ParseListRights,
        ["MYRIGHTS"] = AclParsers.ParseMyRights,
        ["ID"] = MiscParsers.ParseId,
        ["COMPRESS"] = MiscParsers.ParseCompress,
        ["SEARCH"] = SearchCommandParsers.ParseSearch,
        ["SORT"] = SearchCommandParsers.ParseSort,
        ["THREAD"] = SearchCommandParsers.ParseThread,
        ["FETCH"] = FetchParser.ParseFetch,
        ["STORE"] = SelectedParsers.ParseStore,
        ["COPY"] = SelectedParsers.ParseCopy,
        ["MOVE"] = SelectedParsers.ParseMove,
    };

    // RFC 9051 §6.4.9 and extensions: the commands that take a UID prefix.
    private static readonly HashSet<string> UidCommands =
        ["COPY", "MOVE", "FETCH", "SEARCH", "STORE", "EXPUNGE", "SORT", "THREAD"];

    public static ParseResult Parse(RawCommand command) => Parse(command.Bytes);

    /// <summary>Parses a command held in <paramref name="bytes"/> (literal data is copied out of the span once).</summary>
    public static ParseResult Parse(ReadOnlySpan<byte> bytes) => Parse(new ReadOnlyMemory<byte>(bytes.ToArray()));

    /// <summary>Parses a command; APPEND message data are slices of <paramref name="bytes"/>.</summary>
    public static ParseResult Parse(ReadOnlyMemory<byte> bytes)
    {
        var reader = new ImapReader(bytes);
        if (reader.AtLineEnd) return new ParseResult.Failure(null, "Empty command line", ParseErrorKind.Syntax);

        int start = reader.Pos;
        while (reader.Peek >= 0 && ImapChars.IsTagChar((byte)reader.Peek)) reader.Pos++;
        if (reader.Pos == start || reader.Peek is not (' ' or '\r' or '\n' or -1))
            return new ParseResult.Failure(null, "Invalid tag", ParseErrorKind.Syntax);
        string tag = System.Text.Encoding.ASCII.GetString(bytes.Span[start..reader.Pos]);
        if (!reader.TryByte((byte)' ')) return Fail(tag, "Expected SP after tag");

        if (!reader.TryAtom(out string name, "command name", upper: true))
            return Fail(tag, reader.Error!);
        bool uid = false;
        if (name == "UID")
        {
            if (!reader.TryByte((byte)' ')) return Fail(tag, "Expected SP after UID");
            if (!reader.TryAtom(out name, "command name after UID", upper: true)) return Fail(tag, reader.Error!);
            if (!UidCommands.Contains(name)) return new ParseResult.Failure(tag, $"Unknown command UID {name}", ParseErrorKind.UnknownCommand);
            uid = true;
        }
        if (!Commands.TryGetValue(name, out var parser))
            return new ParseResult.Failure(tag, $"Unknown command {Printable(name)}", ParseErrorKind.UnknownCommand);

        var result = parser(ref reader, tag, uid);
        if (result is null || reader.Error is not null)
            return new ParseResult.Failure(tag, reader.Error ?? $"Invalid {name} command", reader.Kind);
        return new ParseResult.Success(result);
    }

    private static ParseResult Fail(string tag, string message) => new ParseResult.Failure(tag, message, ParseErrorKind.Syntax);

    private static string Printable(string name) => name.Length > 40 ? name[..40] + "..." : name;

    /// <summary>For argument-less commands: anything but the line end is an error.</summary>
    internal static ImapCommand? NoArgs(ref ImapReader reader, string name, ImapCommand command) =>
        reader.ExpectEnd(name) ? command : null;
}
