namespace AkkaImap.Server.Sasl;

/// <summary>
/// PLAIN (RFC 4616): one message <c>[authzid] NUL authcid NUL passwd</c>, sent as the initial
/// response or after an empty challenge. Acting as another user is refused: the authzid must
/// be empty or name the authcid (§2). The password check is left to the session
/// (<see cref="SaslStep.CheckPassword"/>).
/// </summary>
public sealed class PlainServer : ISaslServer
{
    private bool _started;
    private bool _done;

    public string Name => SaslMechanisms.Plain;

    public SaslStep Start(byte[]? initialResponse)
    {
        if (_started) throw SaslText.OutOfTurn(Name);
        _started = true;
        // RFC 4422 §5: a client-first mechanism without an initial response gets an empty challenge.
        return initialResponse is null ? new SaslStep.Challenge([]) : Parse(initialResponse);
    }

    public SaslStep Step(ReadOnlySpan<byte> response)
    {
        if (!_started || _done) throw SaslText.OutOfTurn(Name);
        return Parse(response);
    }

    public SaslStep ProvideSecret(SaslSecret? secret) => throw SaslText.OutOfTurn(Name);

    private SaslStep Parse(ReadOnlySpan<byte> message)
    {
        _done = true;
        int first = message.IndexOf((byte)0);
        if (first < 0) return SaslText.Malformed("Malformed PLAIN response");
        var rest = message[(first + 1)..];
        int second = rest.IndexOf((byte)0);
        if (second < 0) return SaslText.Malformed("Malformed PLAIN response");
        // §2: authzid, authcid and passwd are UTF-8 without NUL; authcid and passwd non-empty.
        if (!SaslText.TryUtf8(message[..first], out var authzid)
            || !SaslText.TryUtf8(rest[..second], out var authcid)
            || !SaslText.TryUtf8(rest[(second + 1)..], out var password)
            || authcid.Length == 0 || password.Length == 0)
        {
            return SaslText.Malformed("Malformed PLAIN response");
        }
        if (authzid.Length > 0 && !string.Equals(authzid, authcid, StringComparison.OrdinalIgnoreCase))
        {
            return new SaslStep.Failure(SaslFailure.AuthorizationFailed, "Authorization as another user is not allowed", authcid);
        }
        return new SaslStep.CheckPassword(authcid, password);
    }
}
