namespace AkkaImap.Protocol.Responses;

/// <summary>
/// <c>* SEARCH 2 84 882</c> (RFC 3501 §7.2.5) with the CONDSTORE <c>(MODSEQ n)</c> suffix
/// (RFC 7162 §3.1.5) when <paramref name="ModSeq"/> is set. IMAP4rev1 sessions only;
/// rev2 uses ESEARCH.
/// </summary>
public sealed record SearchResponse(IReadOnlyList<uint> Numbers, ulong? ModSeq = null) : ImapResponse;

/// <summary><c>* SORT 2 84 882</c> (RFC 5256 §4) with optional <c>(MODSEQ n)</c> (RFC 7162 §3.1.5).</summary>
public sealed record SortResponse(IReadOnlyList<uint> Numbers, ulong? ModSeq = null) : ImapResponse;

/// <summary>
/// <c>* ESEARCH (TAG "A282") UID MIN 2 COUNT 3</c> (RFC 9051 §7.3.4, RFC 4731). Only the set
/// members are written, in the order MIN, MAX, ALL, COUNT, MODSEQ. <see cref="All"/> is a
/// formatted sequence set.
/// </summary>
public sealed record EsearchResponse : ImapResponse
{
    public string? Tag { get; init; }
    public bool Uid { get; init; }
    public uint? Min { get; init; }
    public uint? Max { get; init; }
    public string? All { get; init; }
    public uint? Count { get; init; }
    public ulong? ModSeq { get; init; }
}

/// <summary>
/// One node of a thread tree (RFC 5256 §4). <paramref name="MessageNumber"/> null is a
/// dummy parent kept only to group siblings at the root.
/// </summary>
public sealed record ThreadNode(uint? MessageNumber, IReadOnlyList<ThreadNode> Children)
{
    public static ThreadNode Leaf(uint messageNumber) => new(messageNumber, []);
}

/// <summary><c>* THREAD (2)(3 6 (4 23)(44 7 96))</c> (RFC 5256 §4); one root node per thread.</summary>
public sealed record ThreadResponse(IReadOnlyList<ThreadNode> Threads) : ImapResponse;
