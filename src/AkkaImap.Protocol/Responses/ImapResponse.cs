namespace AkkaImap.Protocol.Responses;

/// <summary>
/// A server response as a typed value. Handlers build these; only
/// <see cref="Writing.ResponseWriter"/> turns them into protocol text.
/// </summary>
public abstract record ImapResponse;

/// <summary>The condition of a status response (RFC 9051 §7.1).</summary>
public enum StatusKind
{
    Ok,
    No,
    Bad,
    /// <summary>Untagged only: the connection starts authenticated (§7.1.4).</summary>
    PreAuth,
    /// <summary>Untagged only: the server is closing the connection (§7.1.5).</summary>
    Bye,
}

/// <summary>
/// <c>tag OK/NO/BAD [code] text</c> — completes a command (RFC 9051 §7.1).
/// PREAUTH and BYE are not valid here.
/// </summary>
public sealed record TaggedStatusResponse(string Tag, StatusKind Kind, string Text, ResponseCode? Code = null) : ImapResponse;

/// <summary><c>* OK/NO/BAD/PREAUTH/BYE [code] text</c> (RFC 9051 §7.1).</summary>
public sealed record UntaggedStatusResponse(StatusKind Kind, string Text, ResponseCode? Code = null) : ImapResponse;

/// <summary><c>+ text</c>: the server is ready for a literal or more command data (RFC 9051 §7.6).</summary>
public sealed record ContinuationResponse(string Text) : ImapResponse;

/// <summary>
/// <c>+ base64</c>: a SASL challenge (RFC 9051 §6.2.2). The raw challenge bytes are base64-encoded
/// by the writer; an empty challenge is sent as <c>"+ "</c>.
/// </summary>
public sealed record SaslChallengeResponse(ReadOnlyMemory<byte> Challenge) : ImapResponse;

/// <summary><c>* CAPABILITY IMAP4rev2 ...</c> (RFC 9051 §7.2.2). Capabilities are atoms.</summary>
public sealed record CapabilityResponse(IReadOnlyList<string> Capabilities) : ImapResponse;

/// <summary><c>* ENABLED CONDSTORE ...</c> (RFC 5161 §3.2); an empty list is valid.</summary>
public sealed record EnabledResponse(IReadOnlyList<string> Capabilities) : ImapResponse;

/// <summary>
/// <c>* ID ("name" "AkkaImap" ...)</c> or <c>* ID NIL</c> (RFC 2971 §3.2). A null list is NIL;
/// a null value is written as NIL.
/// </summary>
public sealed record IdResponse(IReadOnlyList<KeyValuePair<string, string?>>? Fields) : ImapResponse;

/// <summary><c>* FLAGS (\Answered ...)</c> (RFC 9051 §7.3.5). Flags are atoms such as <c>\Seen</c> or keywords.</summary>
public sealed record FlagsResponse(IReadOnlyList<string> Flags) : ImapResponse;

/// <summary><c>* n EXISTS</c> (RFC 9051 §7.4.1).</summary>
public sealed record ExistsResponse(uint Count) : ImapResponse;

/// <summary><c>* n RECENT</c> (RFC 3501 §7.3.2); IMAP4rev1 sessions only.</summary>
public sealed record RecentResponse(uint Count) : ImapResponse;

/// <summary><c>* n EXPUNGE</c> (RFC 9051 §7.5.1).</summary>
public sealed record ExpungeResponse(uint SequenceNumber) : ImapResponse;

/// <summary>
/// <c>* VANISHED [(EARLIER)] uid-set</c> (RFC 7162 §3.2.10). <paramref name="Uids"/> is a
/// formatted sequence set, see <see cref="Writing.SequenceSetFormatter"/>.
/// </summary>
public sealed record VanishedResponse(string Uids, bool Earlier = false) : ImapResponse;
