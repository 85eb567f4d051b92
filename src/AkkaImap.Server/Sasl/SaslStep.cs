namespace AkkaImap.Server.Sasl;

/// <summary>What an <see cref="ISaslServer"/> asks the session to do next.</summary>
public abstract record SaslStep
{
    private SaslStep() { }

    /// <summary>Send <paramref name="Data"/> as a continuation request (<c>+ base64</c>) and pass the answer to <see cref="ISaslServer.Step"/>.</summary>
    public sealed record Challenge(byte[] Data) : SaslStep;

    /// <summary>
    /// Fetch the <paramref name="Kind"/> secret of <paramref name="Login"/> (see
    /// <see cref="SaslAccounts.FetchSecretAsync"/>) and pass it to <see cref="ISaslServer.ProvideSecret"/>.
    /// The lockout is checked on success (<see cref="SaslAccounts.CompleteLoginAsync"/>).
    /// </summary>
    public sealed record NeedSecret(string Login, SaslSecretKind Kind) : SaslStep;

    /// <summary>
    /// PLAIN and LOGIN end here: verify the password against the stored SCRAM keys (PBKDF2 is
    /// slow, so off the session's thread) with the same rules as the LOGIN command.
    /// </summary>
    public sealed record CheckPassword(string Login, string Password) : SaslStep
    {
        // Never let a password reach a log through a record's generated ToString.
        public override string ToString() => $"CheckPassword {{ Login = {Login} }}";
    }

    /// <summary>
    /// Authenticated as <paramref name="Login"/>. <paramref name="FinalData"/> is the
    /// mechanism's additional data with success (SCRAM's server-final-message); IMAP sends it as
    /// one more challenge and expects an empty response before the tagged OK (RFC 9051 §6.2.2).
    /// </summary>
    public sealed record Success(string Login, byte[]? FinalData) : SaslStep;

    /// <summary>The exchange failed; <paramref name="Login"/> is who it was for, when known (for lockout and logs).</summary>
    public sealed record Failure(SaslFailure Reason, string Text, string? Login = null) : SaslStep;
}

/// <summary>Why an exchange failed; decides the IMAP answer.</summary>
public enum SaslFailure
{
    /// <summary>The client's message breaks the mechanism's syntax: BAD.</summary>
    Malformed,
    /// <summary>Wrong credentials, unknown or locked account: delayed <c>NO [AUTHENTICATIONFAILED]</c>, counts towards lockout.</summary>
    Rejected,
    /// <summary>The client asked to act as another user (RFC 4616 authzid): <c>NO [AUTHORIZATIONFAILED]</c>.</summary>
    AuthorizationFailed,
    /// <summary>
    /// The account has no secret for this mechanism: its password was set while the mechanism
    /// was off. Answer as <see cref="Rejected"/>, and log why.
    /// </summary>
    SecretUnavailable,
    /// <summary>A well-formed request for something we do not offer (SCRAM channel binding): <c>NO</c>.</summary>
    Unsupported,
}
