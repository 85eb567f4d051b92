namespace AkkaImap.Protocol.Lmtp;

/// <summary>An LMTP command line, parsed (RFC 2033 §4, RFC 5321 §4.1.1). Client input never throws: a bad line is <see cref="InvalidCommand"/>.</summary>
public abstract record LmtpCommand;

/// <summary>LHLO domain (RFC 2033 §4.1): the LMTP greeting, in place of EHLO.</summary>
public sealed record LhloCommand(string Domain) : LmtpCommand;

/// <summary>
/// MAIL FROM:&lt;reverse-path&gt; with the parameters of the extensions offered: SIZE=n (RFC 1870)
/// and BODY=7BIT|8BITMIME (RFC 6152). <see cref="ReversePath"/> is empty for the null path &lt;&gt;.
/// </summary>
public sealed record MailCommand(string ReversePath, long? DeclaredSize) : LmtpCommand;

/// <summary>RCPT TO:&lt;forward-path&gt;.</summary>
public sealed record RcptCommand(LmtpAddress Address) : LmtpCommand;

public sealed record DataCommand : LmtpCommand
{
    public static readonly DataCommand Instance = new();
}

public sealed record RsetCommand : LmtpCommand
{
    public static readonly RsetCommand Instance = new();
}

public sealed record NoopCommand : LmtpCommand
{
    public static readonly NoopCommand Instance = new();
}

public sealed record QuitCommand : LmtpCommand
{
    public static readonly QuitCommand Instance = new();
}

/// <summary>A line that is not a valid command; <see cref="Reply"/> says why.</summary>
public sealed record InvalidCommand(LmtpReply Reply) : LmtpCommand;

/// <summary>
/// A recipient address: <see cref="LocalPart"/> (unquoted) @ <see cref="Domain"/>, and
/// <see cref="Text"/> as the client wrote it between the angle brackets (source route dropped).
/// </summary>
public sealed record LmtpAddress(string LocalPart, string Domain, string Text)
{
    /// <summary>
    /// Splits a sub-address (RFC 5233 <c>user+detail</c>) at the first <paramref name="delimiter"/>;
    /// with no delimiter (or an empty one) the detail is null.
    /// </summary>
    public (string User, string? Detail) SplitDetail(string delimiter)
    {
        if (delimiter.Length == 0)
        {
            return (LocalPart, null);
        }
        int at = LocalPart.IndexOf(delimiter, StringComparison.Ordinal);
        return at <= 0 ? (LocalPart, null) : (LocalPart[..at], LocalPart[(at + delimiter.Length)..]);
    }
}
