using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AkkaImap.Storage;

namespace AkkaImap.Server.Sasl;

/// <summary>
/// SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding: the gs2 header is <c>n,,</c> or
/// <c>y,,</c> (the client could bind but we do not offer -PLUS), <c>p=</c> is refused (§6).
/// The client proof is checked against the stored StoredKey and the server signature is sent
/// with success; no password is ever needed. For an unknown account the exchange goes on with
/// a made-up salt (the same each time for one name) and fails at the proof, so it does not
/// reveal which accounts exist (RFC 5802 §9).
/// </summary>
public sealed class ScramSha256Server : ISaslServer
{
    private enum State { New, WantFirst, WantSecret, WantFinal, Done }

    // A per-process key so a made-up salt is the same for the same unknown name (no probing by repeating).
    private static readonly byte[] FakeSaltKey = RandomNumberGenerator.GetBytes(32);

    private readonly string _serverNonce;
    private State _state;
    private string _gs2Header = "";
    private string _clientFirstBare = "";
    private string _clientNonce = "";
    private string _serverFirst = "";
    private string _login = "";
    private ScramCredentials? _credentials;

    /// <param name="serverNonce">The server's part of the nonce (printable, no comma); use <see cref="Create"/> outside tests.</param>
    public ScramSha256Server(string serverNonce)
    {
        _serverNonce = serverNonce;
    }

    public static ScramSha256Server Create() => new(Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)));

    public string Name => SaslMechanisms.ScramSha256;

    public SaslStep Start(byte[]? initialResponse)
    {
        if (_state != State.New) throw SaslText.OutOfTurn(Name);
        _state = State.WantFirst;
        return initialResponse is null ? new SaslStep.Challenge([]) : OnClientFirst(initialResponse);
    }

    public SaslStep Step(ReadOnlySpan<byte> response) => _state switch
    {
        State.WantFirst => OnClientFirst(response),
        State.WantFinal => OnClientFinal(response),
        _ => throw SaslText.OutOfTurn(Name),
    };

    public SaslStep ProvideSecret(SaslSecret? secret)
    {
        if (_state != State.WantSecret) throw SaslText.OutOfTurn(Name);
        _state = State.WantFinal;
        _credentials = secret?.Scram;
        var salt = _credentials?.Salt ?? HMACSHA256.HashData(FakeSaltKey, Encoding.UTF8.GetBytes(_login.ToLowerInvariant()))[..16];
        var iterations = _credentials?.Iterations ?? 4096;
        // §5.1 server-first-message = nonce "," salt "," iteration-count
        _serverFirst = string.Create(CultureInfo.InvariantCulture, $"r={_clientNonce}{_serverNonce},s={Convert.ToBase64String(salt)},i={iterations}");
        return new SaslStep.Challenge(Encoding.UTF8.GetBytes(_serverFirst));
    }

    private SaslStep OnClientFirst(ReadOnlySpan<byte> response)
    {
        _state = State.Done;
        if (!SaslText.TryUtf8(response, out var message)) return SaslText.Malformed("Malformed SCRAM client-first-message");
        // §7: gs2-header = gs2-cbind-flag "," [ authzid ] ","
        if (message.StartsWith("p=", StringComparison.Ordinal))
        {
            return new SaslStep.Failure(SaslFailure.Unsupported, "Channel binding is not supported (use SCRAM-SHA-256)");
        }
        if (message.Length < 2 || message[0] is not ('n' or 'y') || message[1] != ',')
        {
            return SaslText.Malformed("Malformed SCRAM gs2 header");
        }
        int authzEnd = message.IndexOf(',', 2);
        if (authzEnd < 0) return SaslText.Malformed("Malformed SCRAM gs2 header");
        var authzField = message[2..authzEnd];
        _gs2Header = message[..(authzEnd + 1)];
        _clientFirstBare = message[(authzEnd + 1)..];

        // client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]
        var attributes = _clientFirstBare.Split(',');
        if (attributes[0].StartsWith("m=", StringComparison.Ordinal))
        {
            return new SaslStep.Failure(SaslFailure.Unsupported, "SCRAM mandatory extensions are not supported");
        }
        if (attributes.Length < 2 || !attributes[0].StartsWith("n=", StringComparison.Ordinal)
            || !attributes[1].StartsWith("r=", StringComparison.Ordinal)
            || !TryDecodeSaslName(attributes[0][2..], out _login) || _login.Length == 0)
        {
            return SaslText.Malformed("Malformed SCRAM client-first-message");
        }
        _clientNonce = attributes[1][2..];
        if (_clientNonce.Length == 0 || _clientNonce.Any(c => c is < '!' or > '~' or ','))
        {
            return SaslText.Malformed("Malformed SCRAM nonce");
        }
        if (authzField.Length > 0)
        {
            if (!authzField.StartsWith("a=", StringComparison.Ordinal) || !TryDecodeSaslName(authzField[2..], out var authzid))
            {
                return SaslText.Malformed("Malformed SCRAM authzid");
            }
            if (!string.Equals(authzid, _login, StringComparison.OrdinalIgnoreCase))
            {
                return new SaslStep.Failure(SaslFailure.AuthorizationFailed, "Authorization as another user is not allowed", _login);
            }
        }
        _state = State.WantSecret;
        return new SaslStep.NeedSecret(_login, SaslSecretKind.Scram);
    }

    private SaslStep OnClientFinal(ReadOnlySpan<byte> response)
    {
        _state = State.Done;
        if (!SaslText.TryUtf8(response, out var message)) return SaslText.Malformed("Malformed SCRAM client-final-message");
        // client-final-message = channel-binding "," nonce ["," extensions] "," proof, proof last (§7).
        int proofAt = message.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0) return SaslText.Malformed("Malformed SCRAM client-final-message");
        var withoutProof = message[..proofAt];
        var attributes = withoutProof.Split(',');
        if (attributes.Length < 2 || !attributes[0].StartsWith("c=", StringComparison.Ordinal) || !attributes[1].StartsWith("r=", StringComparison.Ordinal))
        {
            return SaslText.Malformed("Malformed SCRAM client-final-message");
        }
        var proof = new byte[32];
        if (!Convert.TryFromBase64String(message[(proofAt + 3)..], proof, out int proofLength) || proofLength != 32)
        {
            return SaslText.Malformed("Malformed SCRAM proof");
        }
        // Without channel binding c= carries the gs2 header back unchanged (§7 cbind-input).
        if (attributes[0][2..] != Convert.ToBase64String(Encoding.UTF8.GetBytes(_gs2Header)))
        {
            return new SaslStep.Failure(SaslFailure.Rejected, "SCRAM channel binding data does not match", _login);
        }
        if (attributes[1][2..] != _clientNonce + _serverNonce)
        {
            return new SaslStep.Failure(SaslFailure.Rejected, "SCRAM nonce does not match", _login);
        }
        if (_credentials is null)
        {
            return new SaslStep.Failure(SaslFailure.Rejected, "Authentication failed", _login);
        }
        // §3: AuthMessage = client-first-message-bare "," server-first-message "," client-final-message-without-proof
        var authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{_serverFirst},{withoutProof}");
        var clientSignature = HMACSHA256.HashData(_credentials.StoredKey, authMessage);
        var clientKey = new byte[32];
        for (int i = 0; i < clientKey.Length; i++) clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(clientKey), _credentials.StoredKey))
        {
            return new SaslStep.Failure(SaslFailure.Rejected, "Authentication failed", _login);
        }
        var serverSignature = HMACSHA256.HashData(_credentials.ServerKey, authMessage);
        return new SaslStep.Success(_login, Encoding.ASCII.GetBytes("v=" + Convert.ToBase64String(serverSignature)));
    }

    /// <summary>saslname (§5.1): "=2C" is ',' and "=3D" is '='; any other '=' is an error.</summary>
    private static bool TryDecodeSaslName(string value, out string name)
    {
        name = "";
        var builder = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] != '=')
            {
                builder.Append(value[i]);
                continue;
            }
            if (i + 2 >= value.Length) return false;
            var escape = value.Substring(i + 1, 2);
            if (escape == "2C") builder.Append(',');
            else if (escape == "3D") builder.Append('=');
            else return false;
            i += 2;
        }
        name = builder.ToString();
        return true;
    }
}
