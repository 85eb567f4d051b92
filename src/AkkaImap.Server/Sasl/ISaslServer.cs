namespace AkkaImap.Server.Sasl;

/// <summary>
/// The server side of one SASL exchange (RFC 4422 §3), one instance per AUTHENTICATE command.
/// Pure and synchronous: whatever needs the store is asked for through the returned
/// <see cref="SaslStep"/> (<see cref="SaslStep.NeedSecret"/>, <see cref="SaslStep.CheckPassword"/>),
/// so the session can await it and feed the answer back without blocking. Client input never
/// throws: it yields <see cref="SaslStep.Failure"/>. Calling out of turn is a programming error
/// and throws <see cref="InvalidOperationException"/>.
/// </summary>
public interface ISaslServer
{
    /// <summary>The registered mechanism name, e.g. <c>SCRAM-SHA-256</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Begins the exchange with the decoded SASL-IR initial response (RFC 4959; an empty array
    /// for <c>=</c>), or null when the client sent none.
    /// </summary>
    SaslStep Start(byte[]? initialResponse);

    /// <summary>The client's decoded answer to the last <see cref="SaslStep.Challenge"/>.</summary>
    SaslStep Step(ReadOnlySpan<byte> response);

    /// <summary>
    /// The answer to <see cref="SaslStep.NeedSecret"/>: null when the account is unknown (the
    /// mechanism then fails as for a wrong password, SCRAM only after a made-up salt).
    /// </summary>
    SaslStep ProvideSecret(SaslSecret? secret);
}
