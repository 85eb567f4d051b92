using AkkaImap.Protocol.Commands;

namespace AkkaImap.Protocol.Parsing;

/// <summary>The outcome of parsing one command: a typed command, or why it is not one.</summary>
public abstract record ParseResult
{
    private ParseResult() { }

    public sealed record Success(ImapCommand Command) : ParseResult;

    /// <summary>
    /// The command was rejected. <paramref name="Tag"/> is null when no valid tag was found
    /// (answer untagged). <paramref name="Kind"/> tells the server which response fits.
    /// </summary>
    public sealed record Failure(string? Tag, string Message, ParseErrorKind Kind) : ParseResult;
}

public enum ParseErrorKind
{
    /// <summary>Malformed command: answer BAD (RFC 9051 §7.1.5).</summary>
    Syntax,

    /// <summary>The command name is not known: answer BAD.</summary>
    UnknownCommand,

    /// <summary>A search CHARSET other than US-ASCII or UTF-8: answer <c>NO [BADCHARSET (US-ASCII UTF-8)]</c> (RFC 9051 §6.4.4).</summary>
    BadCharset,
}
