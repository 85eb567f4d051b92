using AkkaImap.Protocol.Model;

namespace AkkaImap.Protocol.Responses;

/// <summary>
/// <c>* n FETCH (items)</c> (RFC 9051 §7.5.2). For large bodies or hot loops use
/// <see cref="Writing.FetchWriter"/> directly instead of building this record.
/// </summary>
public sealed record FetchResponse(uint SequenceNumber, IReadOnlyList<FetchItem> Items) : ImapResponse;

/// <summary>One data item of a FETCH response.</summary>
public abstract record FetchItem;

public sealed record UidItem(uint Uid) : FetchItem;

/// <summary><c>FLAGS (\Seen $Label1)</c>: system flags as bits plus keywords (atoms).</summary>
public sealed record FlagsItem(SystemFlags Flags, IReadOnlyList<string>? Keywords = null) : FetchItem;

/// <summary><c>INTERNALDATE "17-Jul-1996 02:44:25 -0700"</c>, written in the offset it carries.</summary>
public sealed record InternalDateItem(DateTimeOffset Date) : FetchItem;

public sealed record Rfc822SizeItem(long Size) : FetchItem;

public sealed record EnvelopeItem(Envelope Envelope) : FetchItem;

/// <summary><c>BODY (...)</c>: the structure without extension data.</summary>
public sealed record BodyItem(BodyPart Body) : FetchItem;

/// <summary><c>BODYSTRUCTURE (...)</c>: the structure with extension data.</summary>
public sealed record BodyStructureItem(BodyPart Body) : FetchItem;

/// <summary>
/// <c>BODY[section]&lt;origin&gt; data</c> (RFC 9051 §7.5.2). <paramref name="Section"/> is the
/// text between the brackets exactly as it is echoed, e.g. <c>1.2.HEADER.FIELDS (FROM TO)</c>
/// or empty. <paramref name="Origin"/> is written for partial fetches. Null data is NIL.
/// </summary>
public sealed record BodySectionItem(string Section, ReadOnlyMemory<byte>? Data, uint? Origin = null) : FetchItem;

/// <summary>
/// <c>BINARY[section]&lt;origin&gt; data</c> (RFC 3516, RFC 9051 §7.5.2): decoded content, sent
/// as literal8 <c>~{n}</c> when it holds NUL. Null data is NIL.
/// </summary>
public sealed record BinarySectionItem(string Section, ReadOnlyMemory<byte>? Data, uint? Origin = null) : FetchItem;

/// <summary><c>BINARY.SIZE[section] n</c>.</summary>
public sealed record BinarySizeItem(string Section, long Size) : FetchItem;

/// <summary>Which RFC 822 item (RFC 3501 §6.4.5; not in IMAP4rev2).</summary>
public enum Rfc822ItemKind
{
    /// <summary><c>RFC822</c>: the whole message.</summary>
    Message,
    Header,
    Text,
}

public sealed record Rfc822Item(Rfc822ItemKind Kind, ReadOnlyMemory<byte>? Data) : FetchItem;

/// <summary><c>MODSEQ (n)</c> (RFC 7162 §3.1.4.1).</summary>
public sealed record ModSeqItem(ulong ModSeq) : FetchItem;

/// <summary><c>EMAILID (id)</c> (RFC 8474 §5.1).</summary>
public sealed record EmailIdItem(string EmailId) : FetchItem;

/// <summary><c>THREADID (id)</c> or <c>THREADID NIL</c> (RFC 8474 §5.2).</summary>
public sealed record ThreadIdItem(string? ThreadId) : FetchItem;

/// <summary><c>SAVEDATE "date-time"</c> or <c>SAVEDATE NIL</c> (RFC 8514 §4.3).</summary>
public sealed record SaveDateItem(DateTimeOffset? Date) : FetchItem;

/// <summary><c>PREVIEW "text"</c> or <c>PREVIEW NIL</c> (RFC 8970 §4).</summary>
public sealed record PreviewItem(string? Preview) : FetchItem;
