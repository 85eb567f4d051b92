using AkkaImap.Protocol.Sequences;

namespace AkkaImap.Protocol.Commands;

// RFC 9051 §6.3: authenticated state.

/// <summary>ENABLE capability... (RFC 5161); capability names upper-cased.</summary>
public sealed record EnableCommand(string Tag, IReadOnlyList<string> Capabilities) : ImapCommand(Tag);

/// <summary>SELECT mailbox [(CONDSTORE) / (QRESYNC (...))] (RFC 9051 §6.3.2, RFC 7162 §3.1.8/§3.2.5).</summary>
public sealed record SelectCommand(string Tag, string Mailbox, SelectParameters Parameters) : ImapCommand(Tag);

/// <summary>EXAMINE: SELECT read-only (RFC 9051 §6.3.3).</summary>
public sealed record ExamineCommand(string Tag, string Mailbox, SelectParameters Parameters) : ImapCommand(Tag);

public sealed record SelectParameters(bool CondStore, QResyncParameters? QResync)
{
    public static SelectParameters None { get; } = new(false, null);
}

/// <summary>
/// QRESYNC (uidvalidity modseq [known-uids [(known-sequence-set known-uid-set)]]) (RFC 7162 §3.2.5).
/// </summary>
public sealed record QResyncParameters(
    uint UidValidity,
    ulong ModSeq,
    SequenceSet? KnownUids,
    SequenceSet? KnownSequenceNumbers,
    SequenceSet? KnownSequenceUids);

/// <summary>CREATE mailbox [(USE (\Sent ...))] (RFC 9051 §6.3.4, RFC 6154 §3).</summary>
public sealed record CreateCommand(string Tag, string Mailbox, IReadOnlyList<string> SpecialUse) : ImapCommand(Tag);

public sealed record DeleteCommand(string Tag, string Mailbox) : ImapCommand(Tag);

public sealed record RenameCommand(string Tag, string From, string To) : ImapCommand(Tag);

public sealed record SubscribeCommand(string Tag, string Mailbox) : ImapCommand(Tag);

public sealed record UnsubscribeCommand(string Tag, string Mailbox) : ImapCommand(Tag);

/// <summary>
/// LIST, basic or extended (RFC 9051 §6.3.9, RFC 5258, RFC 5819, RFC 6154).
/// <paramref name="IsExtended"/> is true when selection options, several patterns or return
/// options were given (the response then follows RFC 5258).
/// </summary>
public sealed record ListCommand(
    string Tag,
    string Reference,
    IReadOnlyList<string> Patterns,
    ListSelectOptions Select,
    ListReturnOptions Return,
    IReadOnlyList<StatusItem> ReturnStatus,
    bool IsExtended) : ImapCommand(Tag);

[Flags]
public enum ListSelectOptions
{
    None = 0,
    Subscribed = 1,
    Remote = 2,
    RecursiveMatch = 4,
    SpecialUse = 8,
}

[Flags]
public enum ListReturnOptions
{
    None = 0,
    Subscribed = 1,
    Children = 2,
    SpecialUse = 4,
    /// <summary>RETURN (STATUS (items)) of RFC 5819; the items are in <see cref="ListCommand.ReturnStatus"/>.</summary>
    Status = 8,
}

/// <summary>LSUB (RFC 3501 §6.3.9; deprecated by RFC 9051).</summary>
public sealed record LsubCommand(string Tag, string Reference, string Pattern) : ImapCommand(Tag);

/// <summary>XLIST (Google/Microsoft, superseded by RFC 6154).</summary>
public sealed record XListCommand(string Tag, string Reference, string Pattern) : ImapCommand(Tag);

public sealed record NamespaceCommand(string Tag) : ImapCommand(Tag);

/// <summary>STATUS mailbox (items) (RFC 9051 §6.3.11).</summary>
public sealed record StatusCommand(string Tag, string Mailbox, IReadOnlyList<StatusItem> Items) : ImapCommand(Tag);

public enum StatusItem { Messages, UidNext, UidValidity, Unseen, Deleted, Size, Recent, HighestModSeq, AppendLimit, DeletedStorage, MailboxId }

/// <summary>APPEND mailbox message... (RFC 9051 §6.3.12; several messages: MULTIAPPEND, RFC 3502).</summary>
public sealed record AppendCommand(string Tag, string Mailbox, IReadOnlyList<AppendMessage> Messages) : ImapCommand(Tag);

/// <summary>
/// One message of an APPEND. <paramref name="Content"/> is a slice of the received command's
/// bytes (not copied). <paramref name="Binary"/>: sent as literal8 <c>~{n}</c> (RFC 3516
/// §4.4); <paramref name="Utf8"/>: sent as <c>UTF8 (~{n})</c> (RFC 6855 §4).
/// </summary>
public sealed record AppendMessage(
    IReadOnlyList<string> Flags,
    DateTimeOffset? InternalDate,
    ReadOnlyMemory<byte> Content,
    bool Binary,
    bool Utf8);

public sealed record IdleCommand(string Tag) : ImapCommand(Tag);

/// <summary>GETQUOTA root (RFC 9208 §4.2).</summary>
public sealed record GetQuotaCommand(string Tag, string Root) : ImapCommand(Tag);

/// <summary>GETQUOTAROOT mailbox (RFC 9208 §4.3).</summary>
public sealed record GetQuotaRootCommand(string Tag, string Mailbox) : ImapCommand(Tag);

/// <summary>SETQUOTA root (resource limit ...) (RFC 9208 §4.1); resource names upper-cased.</summary>
public sealed record SetQuotaCommand(string Tag, string Root, IReadOnlyList<QuotaLimit> Limits) : ImapCommand(Tag);

public sealed record QuotaLimit(string Resource, ulong Limit);

/// <summary>SETACL mailbox identifier rights (RFC 4314 §3.1); rights as sent, a leading + or - included.</summary>
public sealed record SetAclCommand(string Tag, string Mailbox, string Identifier, string Rights) : ImapCommand(Tag);

/// <summary>DELETEACL mailbox identifier (RFC 4314 §3.2).</summary>
public sealed record DeleteAclCommand(string Tag, string Mailbox, string Identifier) : ImapCommand(Tag);

/// <summary>GETACL mailbox (RFC 4314 §3.3).</summary>
public sealed record GetAclCommand(string Tag, string Mailbox) : ImapCommand(Tag);

/// <summary>LISTRIGHTS mailbox identifier (RFC 4314 §3.4).</summary>
public sealed record ListRightsCommand(string Tag, string Mailbox, string Identifier) : ImapCommand(Tag);

/// <summary>MYRIGHTS mailbox (RFC 4314 §3.5).</summary>
public sealed record MyRightsCommand(string Tag, string Mailbox) : ImapCommand(Tag);
