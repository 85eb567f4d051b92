using System.Text;

namespace AkkaImap.Protocol.Lmtp;

/// <summary>
/// One SMTP/LMTP reply (RFC 5321 §4.2) with its enhanced status code (RFC 3463, advertised as
/// ENHANCEDSTATUSCODES, RFC 2034). Every reply the server sends is built here and written by
/// <see cref="WriteTo"/>, so a handler never formats protocol text by hand.
/// </summary>
public sealed record LmtpReply(int Code, string? Enhanced, IReadOnlyList<string> Lines)
{
    public LmtpReply(int code, string? enhanced, string text) : this(code, enhanced, [text])
    {
    }

    /// <summary>2xx: the command (or the delivery) succeeded.</summary>
    public bool IsPositive => Code is >= 200 and < 400;

    /// <summary>Appends the reply's lines, <c>250-…</c> for all but the last, each ended by CRLF.</summary>
    public void WriteTo(StringBuilder output)
    {
        for (int i = 0; i < Lines.Count; i++)
        {
            output.Append(Code).Append(i == Lines.Count - 1 ? ' ' : '-');
            if (Enhanced is not null)
            {
                output.Append(Enhanced).Append(' ');
            }
            output.Append(Lines[i]).Append("\r\n");
        }
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        WriteTo(text);
        return text.ToString();
    }

    // ---- the replies of RFC 5321 / RFC 2033 this server gives ----

    public static LmtpReply Ok(string text = "OK") => new(250, "2.0.0", text);

    public static LmtpReply SyntaxError(string text) => new(501, "5.5.4", text);

    public static LmtpReply BadSequence(string text) => new(503, "5.5.1", text);

    public static LmtpReply Unrecognized(string text = "Command not recognized") => new(500, "5.5.2", text);

    public static LmtpReply UnsupportedParameter(string name) => new(555, "5.5.4", $"Unsupported parameter {name}");

    /// <summary>RFC 1870 §6.1: the declared or actual size is over the fixed maximum.</summary>
    public static LmtpReply TooBig(long max) => new(552, "5.3.4", $"Message size exceeds fixed maximum message size ({max} bytes)");

    /// <summary>RFC 3463 5.1.1: no such mailbox.</summary>
    public static LmtpReply UnknownRecipient(string address) => new(550, "5.1.1", $"<{address}> User unknown");

    /// <summary>RFC 5321 §4.5.3.1.8: at least 100 recipients must be accepted; beyond the limit, 452 and the client sends the rest later.</summary>
    public static LmtpReply TooManyRecipients => new(452, "4.5.3", "Too many recipients");

    /// <summary>A store or owner failure: the MTA keeps the message and tries again (RFC 3463 4.3.0).</summary>
    public static LmtpReply TemporaryFailure(string text = "Temporary failure, try again later") => new(451, "4.3.0", text);

    public static LmtpReply Closing(string host) => new(221, "2.0.0", $"{host} closing connection");

    public static LmtpReply ShuttingDown(string host) => new(421, "4.3.2", $"{host} shutting down, try again later");

    public static LmtpReply TimedOut(string host) => new(421, "4.4.2", $"{host} timeout, closing connection");
}
