using AkkaImap.Protocol.Sequences;

namespace AkkaImap.Protocol.Search;

/// <summary>
/// A search criterion (RFC 9051 §6.4.4, RFC 3501 §6.4.4 and extensions). Keys that the RFCs
/// define as shorthands are expanded: ANSWERED is <c>FlagKey("\Answered", true)</c>,
/// UNKEYWORD k is <c>FlagKey(k, false)</c>, NEW is RECENT and UNSEEN, OLD is NOT RECENT,
/// FROM/TO/CC/BCC/SUBJECT are <see cref="HeaderKey"/>s.
/// </summary>
public abstract record SearchKey;

/// <summary>ALL.</summary>
public sealed record AllKey : SearchKey
{
    public static AllKey Instance { get; } = new();
}

/// <summary>Several keys in a row, or a parenthesised list: all must match.</summary>
public sealed record AndKey(IReadOnlyList<SearchKey> Keys) : SearchKey
{
    public bool Equals(AndKey? other) => other is not null && Keys.SequenceEqual(other.Keys);
    public override int GetHashCode() => Keys.Count;
}

public sealed record OrKey(SearchKey Left, SearchKey Right) : SearchKey;

public sealed record NotKey(SearchKey Key) : SearchKey;

/// <summary>A system flag (with its backslash) or keyword that must be set (<paramref name="Set"/>) or clear.</summary>
public sealed record FlagKey(string Flag, bool Set) : SearchKey;

/// <summary>HEADER field-name string, and FROM/TO/CC/BCC/SUBJECT with their field names. An empty value matches every message having the field.</summary>
public sealed record HeaderKey(string Field, string Value) : SearchKey;

/// <summary>BODY (<see cref="TextScope.Body"/>) or TEXT (<see cref="TextScope.Text"/>: header and body).</summary>
public sealed record TextKey(TextScope Scope, string Value) : SearchKey;

public enum TextScope { Body, Text }

/// <summary>BEFORE/ON/SINCE (internal date), SENTBEFORE/SENTON/SENTSINCE (Date header), SAVEDBEFORE/SAVEDON/SAVEDSINCE (RFC 8514 save date).</summary>
public sealed record DateKey(DateField Field, DateComparison Comparison, DateOnly Date) : SearchKey;

public enum DateField { Internal, Sent, Saved }

public enum DateComparison { Before, On, Since }

/// <summary>LARGER n (<paramref name="Larger"/>) or SMALLER n, on RFC822.SIZE.</summary>
public sealed record SizeKey(bool Larger, ulong Size) : SearchKey;

/// <summary>A bare sequence set (<paramref name="IsUid"/> false), or UID set; either may be <c>$</c> (RFC 5182).</summary>
public sealed record SequenceKey(SequenceSet Set, bool IsUid) : SearchKey;

/// <summary>MODSEQ [entry-name entry-type] mod-sequence-valzer (RFC 7162 §3.1.5).</summary>
public sealed record ModSeqKey(ulong ModSeq, string? EntryName, string? EntryType) : SearchKey;

/// <summary>OLDER n (<paramref name="Older"/>) or YOUNGER n seconds (RFC 5032).</summary>
public sealed record WithinKey(bool Older, uint Seconds) : SearchKey;

/// <summary>SAVEDATESUPPORTED (RFC 8514 §4.2).</summary>
public sealed record SaveDateSupportedKey : SearchKey
{
    public static SaveDateSupportedKey Instance { get; } = new();
}

/// <summary>EMAILID (<see cref="ObjectIdKind.Email"/>) or THREADID (RFC 8474 §6).</summary>
public sealed record ObjectIdKey(ObjectIdKind Kind, string Id) : SearchKey;

public enum ObjectIdKind { Email, Thread }
