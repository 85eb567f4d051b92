using AkkaImap.Protocol.Commands;

namespace AkkaImap.Protocol.Parsing;

internal static class AuthParsers
{
    /// <summary>authenticate = "AUTHENTICATE" SP auth-type [SP (initial-resp)] (RFC 9051 §9, RFC 4959 §7).</summary>
    public static ImapCommand? ParseAuthenticate(ref ImapReader r, string tag, bool uid)
    {
        if (!r.Sp("Expected SP and mechanism after AUTHENTICATE")) return null;
        if (!r.TryAtom(out string mechanism, "SASL mechanism", upper: true)) return null;
        string? initial = null;
        if (r.TryByte((byte)' '))
        {
            // initial-resp = base64 / "=" (RFC 4959 §7); "=" is an empty response.
            var token = r.Token();
            if (token.Length == 1 && token[0] == '=') initial = "";
            else if (!IsBase64(token)) { r.Fail("Invalid base64 initial response"); return null; }
            else initial = System.Text.Encoding.ASCII.GetString(token);
        }
        return r.ExpectEnd("AUTHENTICATE") ? new AuthenticateCommand(tag, mechanism, initial) : null;
    }

    /// <summary>login = "LOGIN" SP userid SP password (RFC 9051 §9).</summary>
    public static ImapCommand? ParseLogin(ref ImapReader r, string tag, bool uid)
    {
        if (!r.Sp("Expected SP and user name after LOGIN")) return null;
        if (!r.TryAstring(out string user, "user name")) return null;
        if (!r.Sp("Expected SP and password after user name")) return null;
        if (!r.TryAstring(out string password, "password")) return null;
        return r.ExpectEnd("LOGIN") ? new LoginCommand(tag, user, password) : null;
    }

    /// <summary>base64 = *(4base64-char) [base64-terminal] (RFC 9051 §9).</summary>
    internal static bool IsBase64(ReadOnlySpan<byte> token)
    {
        if (token.Length == 0 || token.Length % 4 != 0) return false;
        int padding = 0;
        for (int i = 0; i < token.Length; i++)
        {
            byte b = token[i];
            if (b == '=')
            {
                padding++;
                if (i < token.Length - 2) return false;
                continue;
            }
            if (padding > 0) return false;
            if (!(char.IsAsciiLetterOrDigit((char)b) || b == '+' || b == '/')) return false;
        }
        return padding <= 2;
    }
}
