namespace AkkaImap.Protocol.Model;

/// <summary>
/// The ENVELOPE of a message (RFC 9051 §7.5.2). String fields hold the header values as they
/// appear in the message (encoded-words are not decoded); null is NIL.
/// </summary>
public sealed record Envelope(
    string? Date,
    string? Subject,
    IReadOnlyList<Address>? From,
    IReadOnlyList<Address>? Sender,
    IReadOnlyList<Address>? ReplyTo,
    IReadOnlyList<Address>? To,
    IReadOnlyList<Address>? Cc,
    IReadOnlyList<Address>? Bcc,
    string? InReplyTo,
    string? MessageId);

/// <summary>
/// One address structure (RFC 9051 §7.5.2). Group syntax (RFC 5322) is represented as the
/// RFC does: a start marker with Mailbox = group name and Host = null, then the members, then
/// an end marker with Mailbox = null and Host = null.
/// </summary>
public sealed record Address(string? Name, string? Adl, string? Mailbox, string? Host)
{
    public static Address GroupStart(string name) => new(null, null, name, null);
    public static Address GroupEnd { get; } = new(null, null, null, null);
}
