using System.Security.Cryptography;

namespace AkkaImap.Server.Sasl;

/// <summary>
/// NTLM over SASL (MS-NLMP; the IMAP profile is MS-OXIMAP4 §2.2.2): NEGOTIATE (often as the
/// SASL-IR initial response) → CHALLENGE → AUTHENTICATE, verified with the stored NT hash.
/// Accepts NTLMv2, NTLMv1 and the NTLM2 session response (<see cref="NtlmResponses.Verify"/>).
/// The login is <c>user@domain</c>, or the user name itself when it already holds an <c>@</c>
/// (then the domain only enters the NTLMv2 hash), or <c>user@</c>our target name when the
/// client sent no domain.
/// </summary>
public sealed class NtlmServer : ISaslServer
{
    private enum State { New, WantNegotiate, WantAuthenticate, WantSecret, Done }

    private readonly string _domain;
    private readonly string _hostName;
    private readonly byte[] _serverChallenge;
    private State _state;
    private uint _flags;
    private NtlmAuthenticate? _message;
    private string _login = "";

    /// <param name="domain">Our target name (a post office name, used as the NetBIOS and DNS domain).</param>
    /// <param name="hostName">This server's name, sent in the target info.</param>
    /// <param name="serverChallenge">8 bytes; use <see cref="Create"/> outside tests.</param>
    public NtlmServer(string domain, string hostName, byte[] serverChallenge)
    {
        if (serverChallenge.Length != 8) throw new ArgumentException("The NTLM server challenge is 8 bytes", nameof(serverChallenge));
        _domain = domain;
        _hostName = hostName;
        _serverChallenge = serverChallenge;
    }

    public static NtlmServer Create(string domain, string hostName) => new(domain, hostName, RandomNumberGenerator.GetBytes(8));

    public string Name => SaslMechanisms.Ntlm;

    public SaslStep Start(byte[]? initialResponse)
    {
        if (_state != State.New) throw SaslText.OutOfTurn(Name);
        _state = State.WantNegotiate;
        return initialResponse is null || initialResponse.Length == 0 ? new SaslStep.Challenge([]) : OnNegotiate(initialResponse);
    }

    public SaslStep Step(ReadOnlySpan<byte> response) => _state switch
    {
        State.WantNegotiate => OnNegotiate(response),
        State.WantAuthenticate => OnAuthenticate(response),
        _ => throw SaslText.OutOfTurn(Name),
    };

    public SaslStep ProvideSecret(SaslSecret? secret)
    {
        if (_state != State.WantSecret || _message is null) throw SaslText.OutOfTurn(Name);
        _state = State.Done;
        if (secret is null)
        {
            return new SaslStep.Failure(SaslFailure.Rejected, "Authentication failed", _login);
        }
        if (secret.NtHash is null)
        {
            return new SaslStep.Failure(SaslFailure.SecretUnavailable, "No NT hash: the password was set while NTLM was off", _login);
        }
        return NtlmResponses.Verify(secret.NtHash, _serverChallenge, _message)
            ? new SaslStep.Success(_login, null)
            : new SaslStep.Failure(SaslFailure.Rejected, "Authentication failed", _login);
    }

    private SaslStep OnNegotiate(ReadOnlySpan<byte> response)
    {
        if (!NtlmMessages.TryReadNegotiate(response, out var clientFlags))
        {
            _state = State.Done;
            return SaslText.Malformed("Malformed NTLM negotiate message");
        }
        _flags = NtlmMessages.ChallengeFlags(clientFlags);
        _state = State.WantAuthenticate;
        return new SaslStep.Challenge(NtlmMessages.BuildChallenge(_flags, _serverChallenge, _domain, _hostName));
    }

    private SaslStep OnAuthenticate(ReadOnlySpan<byte> response)
    {
        _state = State.Done;
        if (!NtlmMessages.TryReadAuthenticate(response, _flags, out _message) || _message is null)
        {
            return SaslText.Malformed("Malformed NTLM authenticate message");
        }
        var user = _message.User.Trim();
        // Anonymous (§3.2.5.1.2: empty user and responses) is never a mailbox.
        if (user.Length == 0 || _message.NtResponse.Length == 0)
        {
            return new SaslStep.Failure(SaslFailure.Rejected, "Anonymous NTLM is not allowed");
        }
        var domain = _message.Domain.Trim();
        _login = user.Contains('@') ? user : user + "@" + (domain.Length > 0 ? domain : _domain);
        _state = State.WantSecret;
        return new SaslStep.NeedSecret(_login, SaslSecretKind.NtHash);
    }
}
