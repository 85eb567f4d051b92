using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AkkaImap.Server.Sasl;

/// <summary>
/// CRAM-MD5 (RFC 2195): the server sends a unique msg-id style challenge
/// <c>&lt;random.timestamp@hostname&gt;</c>; the client answers <c>user SP hex(HMAC-MD5(password, challenge))</c>.
/// Verified with the stored HMAC-MD5 contexts, never a password. Server-first: an initial
/// response is a protocol error (RFC 4959 §3).
/// </summary>
public sealed class CramMd5Server : ISaslServer
{
    private enum State { New, WantDigest, WantSecret, Done }

    private readonly byte[] _challenge;
    private State _state;
    private string _login = "";
    private byte[] _digest = [];

    /// <param name="challenge">The exact challenge; use <see cref="Create"/> outside tests.</param>
    public CramMd5Server(string challenge)
    {
        _challenge = Encoding.ASCII.GetBytes(challenge);
    }

    /// <summary>A mechanism with a fresh challenge naming <paramref name="hostName"/> (RFC 2195 §2 suggests this form).</summary>
    public static CramMd5Server Create(string hostName)
    {
        var random = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new CramMd5Server(string.Create(CultureInfo.InvariantCulture, $"<{random}.{now}@{hostName}>"));
    }

    public string Name => SaslMechanisms.CramMd5;

    public SaslStep Start(byte[]? initialResponse)
    {
        if (_state != State.New) throw SaslText.OutOfTurn(Name);
        if (initialResponse is not null)
        {
            _state = State.Done;
            return SaslText.Malformed("CRAM-MD5 does not take an initial response");
        }
        _state = State.WantDigest;
        return new SaslStep.Challenge(_challenge);
    }

    public SaslStep Step(ReadOnlySpan<byte> response)
    {
        if (_state != State.WantDigest) throw SaslText.OutOfTurn(Name);
        _state = State.Done;
        // §2: the user name, a space, then 32 lower-case hex digits; the name may itself hold spaces.
        int space = response.LastIndexOf((byte)' ');
        if (space <= 0 || response.Length - space - 1 != 32 || !SaslText.TryUtf8(response[..space], out _login))
        {
            return SaslText.Malformed("Malformed CRAM-MD5 response");
        }
        _digest = new byte[16];
        var hex = Encoding.ASCII.GetString(response[(space + 1)..]);
        if (Convert.FromHexString(hex, _digest, out _, out int written) != OperationStatus.Done || written != 16)
        {
            return SaslText.Malformed("Malformed CRAM-MD5 response");
        }
        _state = State.WantSecret;
        return new SaslStep.NeedSecret(_login, SaslSecretKind.CramMd5);
    }

    public SaslStep ProvideSecret(SaslSecret? secret)
    {
        if (_state != State.WantSecret) throw SaslText.OutOfTurn(Name);
        _state = State.Done;
        if (secret is null)
        {
            return new SaslStep.Failure(SaslFailure.Rejected, "Authentication failed", _login);
        }
        if (secret.CramMd5 is null)
        {
            return new SaslStep.Failure(SaslFailure.SecretUnavailable, "No CRAM-MD5 secret: the password was set while CRAM-MD5 was off", _login);
        }
        var expected = secret.CramMd5.Compute(_challenge);
        return CryptographicOperations.FixedTimeEquals(expected, _digest)
            ? new SaslStep.Success(_login, null)
            : new SaslStep.Failure(SaslFailure.Rejected, "Authentication failed", _login);
    }
}
