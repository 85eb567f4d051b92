namespace AkkaImap.Protocol.Responses;

/// <summary>Which untagged verb a mailbox listing uses.</summary>
public enum ListKind
{
    List,
    /// <summary>RFC 3501 §7.2.3; deprecated by RFC 9051 but still sent to rev1 clients.</summary>
    Lsub,
    /// <summary>The Gmail XLIST extension, still used by older Outlook and Apple clients.</summary>
    Xlist,
}

/// <summary>
/// <c>* LIST (\HasNoChildren) "/" INBOX</c> (RFC 9051 §7.3.1). <paramref name="Name"/> is the
/// mailbox name as stored (Unicode); the writer sends it as modified UTF-7 or UTF-8 depending
/// on the session. A null <paramref name="Delimiter"/> is NIL (flat namespace).
/// </summary>
public sealed record ListResponse(string Name, char? Delimiter, IReadOnlyList<string> Attributes) : ImapResponse
{
    public ListKind Kind { get; init; } = ListKind.List;
    /// <summary>Adds <c>("CHILDINFO" ("SUBSCRIBED"))</c> (RFC 5258 §3.5).</summary>
    public bool ChildInfoSubscribed { get; init; }
    /// <summary>Adds <c>("OLDNAME" ("old"))</c> after RENAME or for mUTF-7 names (RFC 9051 §7.3.1).</summary>
    public string? OldName { get; init; }
}

/// <summary>A STATUS data item name (RFC 9051 §6.3.11, RFC 8438, RFC 7162, RFC 7889).</summary>
public enum StatusItemKind
{
    Messages,
    Recent,
    UidNext,
    UidValidity,
    Unseen,
    Deleted,
    Size,
    HighestModSeq,
    AppendLimit,
    MailboxId,
    /// <summary>RFC 9208 §4.5: KiB that EXPUNGE would free.</summary>
    DeletedStorage,
}

/// <summary>
/// One STATUS item. <paramref name="Value"/> null writes NIL (only meaningful for APPENDLIMIT).
/// For <see cref="StatusItemKind.MailboxId"/> use <see cref="StatusResponse.MailboxId"/>.
/// </summary>
public readonly record struct StatusItem(StatusItemKind Kind, ulong? Value);

/// <summary><c>* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)</c> (RFC 9051 §7.3.4).</summary>
public sealed record StatusResponse(string Mailbox, IReadOnlyList<StatusItem> Items) : ImapResponse
{
    /// <summary>When set, <c>MAILBOXID (id)</c> is written last (RFC 8474 §4.2).</summary>
    public string? MailboxId { get; init; }
}

/// <summary>One namespace: a prefix and its hierarchy delimiter (null is NIL).</summary>
public sealed record NamespaceEntry(string Prefix, char? Delimiter);

/// <summary>
/// <c>* NAMESPACE (("" "/")) NIL (("Public Folders/" "/"))</c> (RFC 9051 §7.3.3). A null or
/// empty list is NIL.
/// </summary>
public sealed record NamespaceResponse(
    IReadOnlyList<NamespaceEntry>? Personal,
    IReadOnlyList<NamespaceEntry>? OtherUsers,
    IReadOnlyList<NamespaceEntry>? Shared) : ImapResponse;

/// <summary>One resource of a quota root, e.g. STORAGE in KiB (RFC 9208 §5.1).</summary>
public sealed record QuotaResource(string Name, ulong Usage, ulong Limit);

/// <summary><c>* QUOTA "" (STORAGE 10 512)</c> (RFC 9208 §5.1).</summary>
public sealed record QuotaResponse(string Root, IReadOnlyList<QuotaResource> Resources) : ImapResponse;

/// <summary><c>* QUOTAROOT INBOX ""</c> (RFC 9208 §5.2).</summary>
public sealed record QuotaRootResponse(string Mailbox, IReadOnlyList<string> Roots) : ImapResponse;

/// <summary><c>* ACL mailbox identifier rights ...</c> (RFC 4314 §3.6).</summary>
public sealed record AclResponse(string Mailbox, IReadOnlyList<(string Identifier, string Rights)> Entries) : ImapResponse;

/// <summary><c>* LISTRIGHTS mailbox identifier required optional ...</c> (RFC 4314 §3.7).</summary>
public sealed record ListRightsResponse(string Mailbox, string Identifier, string Required, IReadOnlyList<string> Optional) : ImapResponse;

/// <summary><c>* MYRIGHTS mailbox rights</c> (RFC 4314 §3.8).</summary>
public sealed record MyRightsResponse(string Mailbox, string Rights) : ImapResponse;
