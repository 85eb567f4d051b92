namespace AkkaImap.Protocol.Fetch;

/// <summary>
/// One fetch-att (RFC 9051 §6.4.5 and extensions). The macros ALL, FAST and FULL are
/// expanded by the parser into their attributes (RFC 9051 §6.4.5).
/// </summary>
public abstract record FetchAttribute;

/// <summary>An attribute without arguments.</summary>
public sealed record SimpleAttribute(FetchItem Item) : FetchAttribute;

public enum FetchItem
{
    Envelope,
    Flags,
    InternalDate,
    Rfc822,
    Rfc822Header,
    Rfc822Size,
    Rfc822Text,
    /// <summary>BODY without a section: the non-extensible BODYSTRUCTURE.</summary>
    Body,
    BodyStructure,
    Uid,
    /// <summary>RFC 7162 §3.1.4.1.</summary>
    ModSeq,
    /// <summary>RFC 8514 §4.1.</summary>
    SaveDate,
    /// <summary>RFC 8474 §5.1.</summary>
    EmailId,
    /// <summary>RFC 8474 §5.2.</summary>
    ThreadId,
}

/// <summary>BODY[section]&lt;partial&gt; or BODY.PEEK[...] (which does not set \Seen).</summary>
public sealed record BodySectionAttribute(BodySection Section, bool Peek, Partial? Partial) : FetchAttribute;

/// <summary>BINARY[part]&lt;partial&gt; or BINARY.PEEK (RFC 3516 §4.2); Part is empty for the whole message.</summary>
public sealed record BinaryAttribute(int[] Part, bool Peek, Partial? Partial) : FetchAttribute;

/// <summary>BINARY.SIZE[part] (RFC 3516 §4.2).</summary>
public sealed record BinarySizeAttribute(int[] Part) : FetchAttribute;

/// <summary>PREVIEW, or PREVIEW (LAZY) (RFC 8970 §3.1).</summary>
public sealed record PreviewAttribute(bool Lazy) : FetchAttribute;

/// <summary>
/// A section spec (RFC 9051 §6.4.5): a part path (empty = the message itself) and what of
/// it: the whole part, HEADER, HEADER.FIELDS (list), HEADER.FIELDS.NOT (list), TEXT or MIME.
/// </summary>
public sealed record BodySection(int[] Part, SectionText Text, IReadOnlyList<string> Fields)
{
    public static BodySection Whole { get; } = new([], SectionText.All, []);
}

public enum SectionText { All, Header, HeaderFields, HeaderFieldsNot, Text, Mime }

/// <summary>&lt;origin.length&gt;: the octets from Origin, at most Length of them.</summary>
public readonly record struct Partial(ulong Origin, ulong Length);
