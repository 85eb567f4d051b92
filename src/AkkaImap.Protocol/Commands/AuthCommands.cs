namespace AkkaImap.Protocol.Commands;

// RFC 9051 §6.2: not-authenticated state.

public sealed record StartTlsCommand(string Tag) : ImapCommand(Tag);

/// <summary>
/// AUTHENTICATE mechanism [initial-response] (RFC 9051 §6.2.2, SASL-IR RFC 4959).
/// <paramref name="InitialResponse"/> is the base64 text as sent: null when absent, empty for
/// <c>=</c> (an empty response). The mechanism is upper-cased.
/// </summary>
public sealed record AuthenticateCommand(string Tag, string Mechanism, string? InitialResponse) : ImapCommand(Tag);

public sealed record LoginCommand(string Tag, string UserName, string Password) : ImapCommand(Tag);
