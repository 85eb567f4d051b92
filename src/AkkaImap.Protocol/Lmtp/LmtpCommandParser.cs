using System.Globalization;

namespace AkkaImap.Protocol.Lmtp;

/// <summary>
/// Parses one command line (without its CRLF) as RFC 5321 §4.1 writes it: the verb is
/// case-insensitive, MAIL and RCPT take a path in angle brackets and then ESMTP parameters.
/// Never throws on client input.
/// </summary>
public static class LmtpCommandParser
{
    public static LmtpCommand Parse(string line)
    {
        foreach (char c in line)
        {
            if (c < ' ' && c != '\t' || c == '\x7f')
            {
                return new InvalidCommand(LmtpReply.SyntaxError("Control characters are not allowed in a command"));
            }
        }
        int space = line.IndexOf(' ');
        string verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
        string rest = space < 0 ? "" : line[(space + 1)..];
        return verb switch
        {
            "LHLO" => ParseLhlo(rest),
            "MAIL" => ParseMail(rest),
            "RCPT" => ParseRcpt(rest),
            "DATA" => rest.Trim().Length == 0 ? DataCommand.Instance : new InvalidCommand(LmtpReply.SyntaxError("DATA takes no argument")),
            "RSET" => rest.Trim().Length == 0 ? RsetCommand.Instance : new InvalidCommand(LmtpReply.SyntaxError("RSET takes no argument")),
            // RFC 5321 §4.1.1.9: NOOP may carry a string, which is ignored.
            "NOOP" => NoopCommand.Instance,
            "QUIT" => rest.Trim().Length == 0 ? QuitCommand.Instance : new InvalidCommand(LmtpReply.SyntaxError("QUIT takes no argument")),
            // RFC 2033 §4.1: an LMTP server must not answer HELO or EHLO as if it were SMTP.
            "HELO" or "EHLO" => new InvalidCommand(new LmtpReply(500, "5.5.1", "This is LMTP: use LHLO")),
            _ => new InvalidCommand(LmtpReply.Unrecognized()),
        };
    }

    private static LmtpCommand ParseLhlo(string rest)
    {
        string domain = rest.Trim();
        return domain.Length == 0 || domain.Contains(' ')
            ? new InvalidCommand(LmtpReply.SyntaxError("Syntax: LHLO domain"))
            : new LhloCommand(domain);
    }

    private static LmtpCommand ParseMail(string rest)
    {
        if (!TryPath(rest, "FROM:", out var path, out var parameters))
        {
            return new InvalidCommand(LmtpReply.SyntaxError("Syntax: MAIL FROM:<address> [SIZE=n] [BODY=7BIT|8BITMIME]"));
        }
        if (path.Length > 0 && !TryAddress(path, out _))
        {
            return new InvalidCommand(new LmtpReply(501, "5.1.7", "Bad sender address syntax"));
        }
        long? size = null;
        foreach (var parameter in parameters)
        {
            int eq = parameter.IndexOf('=');
            string key = (eq < 0 ? parameter : parameter[..eq]).ToUpperInvariant();
            string? value = eq < 0 ? null : parameter[(eq + 1)..];
            switch (key)
            {
                case "SIZE" when value is not null && value.Length is > 0 and <= 19 && value.All(char.IsAsciiDigit)
                                 && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n):
                    size = n;
                    break;
                case "SIZE":
                    return new InvalidCommand(LmtpReply.SyntaxError("Syntax: SIZE=number"));
                case "BODY" when value is not null && (value.Equals("7BIT", StringComparison.OrdinalIgnoreCase) || value.Equals("8BITMIME", StringComparison.OrdinalIgnoreCase)):
                    // RFC 6152: 8-bit bodies are stored as they come; nothing to convert.
                    break;
                default:
                    return new InvalidCommand(LmtpReply.UnsupportedParameter(key));
            }
        }
        return new MailCommand(path, size);
    }

    private static LmtpCommand ParseRcpt(string rest)
    {
        if (!TryPath(rest, "TO:", out var path, out var parameters) || path.Length == 0)
        {
            return new InvalidCommand(LmtpReply.SyntaxError("Syntax: RCPT TO:<address>"));
        }
        if (parameters.Count > 0)
        {
            int eq = parameters[0].IndexOf('=');
            return new InvalidCommand(LmtpReply.UnsupportedParameter((eq < 0 ? parameters[0] : parameters[0][..eq]).ToUpperInvariant()));
        }
        return TryAddress(path, out var address)
            ? new RcptCommand(address)
            : new InvalidCommand(new LmtpReply(501, "5.1.3", "Bad recipient address syntax"));
    }

    /// <summary>
    /// <c>FROM:&lt;path&gt; params</c>: the path between the brackets (a source route
    /// <c>@a,@b:</c> dropped, RFC 5321 §4.1.2) and the space-separated parameters after it.
    /// </summary>
    private static bool TryPath(string rest, string keyword, out string path, out List<string> parameters)
    {
        path = "";
        parameters = [];
        if (!rest.StartsWith(keyword, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        string s = rest[keyword.Length..].TrimStart(' ');
        if (!s.StartsWith('<'))
        {
            return false;
        }
        int close = ClosingBracket(s);
        if (close < 0)
        {
            return false;
        }
        path = s[1..close];
        if (path.StartsWith('@'))
        {
            int colon = path.IndexOf(':');
            if (colon < 0)
            {
                return false;
            }
            path = path[(colon + 1)..];
        }
        string tail = s[(close + 1)..];
        if (tail.Length > 0 && tail[0] != ' ')
        {
            return false;
        }
        parameters.AddRange(tail.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return true;
    }

    /// <summary>The '&gt;' that ends the path, skipping any inside a quoted local part.</summary>
    private static int ClosingBracket(string s)
    {
        bool quoted = false;
        for (int i = 1; i < s.Length; i++)
        {
            char c = s[i];
            if (quoted && c == '\\')
            {
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == '>' && !quoted)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Mailbox = Local-part "@" Domain (RFC 5321 §4.1.2); a quoted local part is unquoted.</summary>
    internal static bool TryAddress(string text, out LmtpAddress address)
    {
        address = null!;
        int at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1)
        {
            return false;
        }
        string local = text[..at];
        string domain = text[(at + 1)..];
        if (domain.Any(c => c <= ' ' || c is '<' or '>' or '"' or '\\' or ',' or ';' or ':' or '@') && !(domain.StartsWith('[') && domain.EndsWith(']')))
        {
            return false;
        }
        if (local.StartsWith('"'))
        {
            if (local.Length < 2 || !local.EndsWith('"'))
            {
                return false;
            }
            var unquoted = new System.Text.StringBuilder();
            for (int i = 1; i < local.Length - 1; i++)
            {
                char c = local[i];
                if (c == '\\' && i + 1 < local.Length - 1)
                {
                    c = local[++i];
                }
                else if (c is '"' or '\\')
                {
                    return false;
                }
                unquoted.Append(c);
            }
            local = unquoted.ToString();
        }
        else if (local.Any(c => c <= ' ' || c is '<' or '>' or '(' or ')' or '[' or ']' or ',' or ';' or ':' or '@' or '"' or '\\'))
        {
            return false;
        }
        address = new LmtpAddress(local, domain, text);
        return local.Length > 0;
    }
}
