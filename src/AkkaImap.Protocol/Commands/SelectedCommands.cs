using AkkaImap.Protocol.Fetch;
using AkkaImap.Protocol.Search;
using AkkaImap.Protocol.Sequences;

namespace AkkaImap.Protocol.Commands;

// RFC 9051 §6.4: selected state. IsUid marks the UID-prefixed form (§6.4.9).

public sealed record CheckCommand(string Tag) : ImapCommand(Tag);

public sealed record CloseCommand(string Tag) : ImapCommand(Tag);

/// <summary>UNSELECT (RFC 3691, RFC 9051 §6.4.2).</summary>
public sealed record UnselectCommand(string Tag) : ImapCommand(Tag);

public sealed record ExpungeCommand(string Tag) : ImapCommand(Tag);

/// <summary>UID EXPUNGE set (RFC 4315 §2.1, RFC 9051 §6.4.9).</summary>
public sealed record UidExpungeCommand(string Tag, SequenceSet Uids) : ImapCommand(Tag);

/// <summary>
/// SEARCH [RETURN (...)] [CHARSET x] keys (RFC 9051 §6.4.4, ESEARCH RFC 4731, SEARCHRES
/// RFC 5182). <paramref name="Return"/> is null without RETURN; <c>RETURN ()</c> means ALL.
/// <paramref name="Charset"/> is null when not given; only US-ASCII and UTF-8 get this far.
/// </summary>
public sealed record SearchCommand(string Tag, bool IsUid, string? Charset, SearchReturnOptions? Return, SearchKey Criteria) : ImapCommand(Tag);

[Flags]
public enum SearchReturnOptions
{
    None = 0,
    Min = 1,
    Max = 2,
    All = 4,
    Count = 8,
    Save = 16,
}

/// <summary>FETCH set items [(CHANGEDSINCE n [VANISHED])] (RFC 9051 §6.4.5, RFC 7162 §3.1.4.1, §3.2.6).</summary>
public sealed record FetchCommand(
    string Tag,
    bool IsUid,
    SequenceSet Set,
    IReadOnlyList<FetchAttribute> Attributes,
    ulong? ChangedSince,
    bool Vanished) : ImapCommand(Tag);

/// <summary>STORE set [(UNCHANGEDSINCE n)] [+|-]FLAGS[.SILENT] flags (RFC 9051 §6.4.6, RFC 7162 §3.1.3).</summary>
public sealed record StoreCommand(
    string Tag,
    bool IsUid,
    SequenceSet Set,
    ulong? UnchangedSince,
    StoreMode Mode,
    bool Silent,
    IReadOnlyList<string> Flags) : ImapCommand(Tag);

public enum StoreMode { Replace, Add, Remove }

public sealed record CopyCommand(string Tag, bool IsUid, SequenceSet Set, string Mailbox) : ImapCommand(Tag);

/// <summary>MOVE (RFC 6851).</summary>
public sealed record MoveCommand(string Tag, bool IsUid, SequenceSet Set, string Mailbox) : ImapCommand(Tag);

/// <summary>SORT (criteria) charset keys (RFC 5256 §3); ESORT return options (RFC 5267) when given.</summary>
public sealed record SortCommand(
    string Tag,
    bool IsUid,
    IReadOnlyList<SortCriterion> Criteria,
    string Charset,
    SearchReturnOptions? Return,
    SearchKey Search) : ImapCommand(Tag);

public sealed record SortCriterion(SortKey Key, bool Reverse);

/// <summary>RFC 5256 §3 sort keys, and DISPLAYFROM/DISPLAYTO of RFC 5957.</summary>
public enum SortKey { Arrival, Cc, Date, From, Size, Subject, To, DisplayFrom, DisplayTo }

/// <summary>THREAD algorithm charset keys (RFC 5256 §3); the algorithm upper-cased (REFERENCES, ORDEREDSUBJECT, ...).</summary>
public sealed record ThreadCommand(string Tag, bool IsUid, string Algorithm, string Charset, SearchKey Search) : ImapCommand(Tag);
