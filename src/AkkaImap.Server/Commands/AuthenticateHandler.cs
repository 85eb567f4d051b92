using System.Text;
using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;

namespace AkkaImap.Server.Commands;

/// <summary>
/// AUTHENTICATE PLAIN (RFC 9051 §6.2.2, RFC 4616) with an initial response (SASL-IR, RFC 4959)
/// or after an empty continuation request (<c>+ </c>). A <c>*</c> line cancels (BAD); malformed
/// base64 or a malformed PLAIN message is BAD. Other mechanisms are not offered yet.
/// </summary>
internal sealed class AuthenticateHandler : ICommandHandler<AuthenticateCommand>
{
    private const string Mechanism = "PLAIN";

    public CommandOutcome Handle(AuthenticateCommand command, SessionContext context)
    {
        if (command.Mechanism != Mechanism || !context.Settings.Auth.Plain)
        {
            return CommandOutcome.No("Unsupported authentication mechanism");
        }
        if (!context.PlaintextAuthAllowed)
        {
            return CommandOutcome.No("Plaintext authentication is not allowed without TLS: use STARTTLS first", ResponseCode.PrivacyRequired);
        }
        if (command.InitialResponse is { } initial)
        {
            // The parser has checked the base64; "=" arrives as "", an empty response.
            return Complete(context, Convert.FromBase64String(initial));
        }
        context.Write(new SaslChallengeResponse(ReadOnlyMemory<byte>.Empty));
        return CommandOutcome.ReadLine(line => OnResponse(context, line));
    }

    private static CommandOutcome OnResponse(SessionContext context, ReadOnlyMemory<byte> line)
    {
        var text = Encoding.ASCII.GetString(line.Span);
        if (text == "*")
        {
            return CommandOutcome.Bad("Authentication cancelled");
        }
        if (!TryDecode(text, out var response))
        {
            return CommandOutcome.Bad("Invalid base64 in authentication response");
        }
        return Complete(context, response);
    }

    /// <summary>message = [authzid] UTF8NUL authcid UTF8NUL passwd (RFC 4616 §2).</summary>
    private static CommandOutcome Complete(SessionContext context, byte[] response)
    {
        var span = response.AsSpan();
        int first = span.IndexOf((byte)0);
        int second = first < 0 ? -1 : span[(first + 1)..].IndexOf((byte)0);
        if (first < 0 || second < 0 || span[(first + 1 + second + 1)..].Contains((byte)0))
        {
            return CommandOutcome.Bad("Malformed PLAIN response");
        }
        var authzid = Encoding.UTF8.GetString(span[..first]);
        var authcid = Encoding.UTF8.GetString(span.Slice(first + 1, second));
        var password = Encoding.UTF8.GetString(span[(first + 1 + second + 1)..]);
        if (authcid.Length == 0)
        {
            return CommandOutcome.Bad("Malformed PLAIN response");
        }
        if (authzid.Length > 0 && !string.Equals(authzid, authcid, StringComparison.OrdinalIgnoreCase))
        {
            // Acting as another user is not supported (RFC 4616 §2, RFC 5530 AUTHORIZATIONFAILED).
            return CommandOutcome.No("Authorization as another user is not allowed", ResponseCode.AuthorizationFailed);
        }
        return PasswordLogin.Verify(context, authcid, password, Mechanism);
    }

    /// <summary>Strict base64 (RFC 9051 §9): no whitespace, padded to a multiple of 4.</summary>
    private static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0)
        {
            // An empty line is an empty response (RFC 9051 §6.2.2).
            return true;
        }
        if (text.Length % 4 != 0 || text.Any(char.IsWhiteSpace))
        {
            return false;
        }
        var buffer = new byte[text.Length / 4 * 3];
        if (!Convert.TryFromBase64String(text, buffer, out int written))
        {
            return false;
        }
        bytes = buffer[..written];
        return true;
    }
}
