using AkkaImap.Protocol.Model;

namespace AkkaImap.Storage;

/// <summary>Who owns a folder: an account, or the public-folder namespace of a post office.</summary>
public enum OwnerKind : byte { Account = 0, PublicFolders = 1 }

/// <summary>The owner of a set of folders; folder names are unique per owner.</summary>
public readonly record struct MailboxOwner(OwnerKind Kind, long Id)
{
    public static MailboxOwner ForAccount(long accountId) => new(OwnerKind.Account, accountId);
    public static MailboxOwner ForPublicFolders(long postOfficeId) => new(OwnerKind.PublicFolders, postOfficeId);
}

/// <summary>
/// What of a message's flags a COPY or MOVE carries into its target: the system flags in
/// <see cref="Flags"/>, and the keywords when <see cref="Keywords"/> (RFC 4314 §4: in a shared
/// folder, what the copier may not set is dropped, not refused).
/// </summary>
public readonly record struct KeptFlags(MessageFlags Flags, bool Keywords);

/// <summary>The IMAP system flags (RFC 9051 §2.3.2) as bits; keywords are kept as strings beside them.</summary>
[Flags]
public enum MessageFlags : byte
{
    None = 0,
    Seen = 1,
    Answered = 2,
    Flagged = 4,
    Deleted = 8,
    Draft = 16,

    /// <summary>
    /// \Recent (RFC 3501 §2.3.2): never stored. Only a session's view of its selected folder sets
    /// it, on the messages its owner gave that session as recent.
    /// </summary>
    Recent = 32,
}

/// <summary>A folder as stored. <see cref="Name"/> is the full path with '/' (INBOX always upper-case).</summary>
public sealed record FolderInfo(
    long Id,
    MailboxOwner Owner,
    string Name,
    uint UidValidity,
    uint UidNext,
    ulong HighestModSeq,
    string? SpecialUse,
    bool Subscribed,
    bool NoSelect,
    string MailboxId)
{
    /// <summary>A public folder whose <c>anyone</c> entry holds none of w i t e, the rights that change what every reader sees (<c>--read-only on</c> sets <c>lrs</c>). For display: each command checks the reader's own rights.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// \Recent (RFC 3501 §2.3.2): messages from this UID on have not been claimed by a session
    /// yet (<see cref="IMailStore.SetFirstRecentUidAsync"/>).
    /// </summary>
    public uint FirstRecentUid { get; init; }
}

/// <summary>STATUS items (RFC 9051 §6.3.11, RFC 8438 SIZE, RFC 7162 HIGHESTMODSEQ).</summary>
public sealed record FolderStatus(
    long FolderId,
    int Messages,
    int Unseen,
    int Deleted,
    long Size,
    ulong HighestModSeq,
    uint UidNext,
    uint UidValidity)
{
    /// <summary>Bytes of the messages marked \Deleted: what EXPUNGE would free (RFC 9208 §4.5 DELETED-STORAGE).</summary>
    public long DeletedSize { get; init; }
    /// <summary>
    /// Messages no session has claimed as \Recent yet (RFC 3501 §6.3.10 STATUS RECENT); null unless
    /// asked for (<c>countRecent</c>): it is counted over the messages' rows.
    /// </summary>
    public int? Recent { get; init; }
}

/// <summary>One message to append. <paramref name="InternalDate"/> null means now.</summary>
public sealed record AppendRequest(
    ReadOnlyMemory<byte> Content,
    MessageFlags Flags = MessageFlags.None,
    IReadOnlyList<string>? Keywords = null,
    DateTimeOffset? InternalDate = null)
{
    /// <summary>
    /// A body stored ahead by <see cref="IMailStore.StageMessageAsync"/>, appended instead of
    /// <see cref="Content"/> (which is then empty): large messages reach their folder's owner by
    /// reference, not through its mailbox.
    /// </summary>
    public long? StagedBodyId { get; init; }
}

/// <summary>Result of an (atomic, MULTIAPPEND) append: the UIDs in request order (RFC 4315 APPENDUID).</summary>
public sealed record AppendResult(uint UidValidity, IReadOnlyList<uint> Uids, ulong ModSeq)
{
    /// <summary>
    /// The new messages as stored (flags without \Recent, keywords merged), in UID order, so that
    /// a caller keeping the folder's list need not read them back; empty when not known.
    /// </summary>
    public IReadOnlyList<MessageFlagState> Stored { get; init; } = [];
}

/// <summary>The UID of a message in the source and the UID of its copy (RFC 4315 COPYUID).</summary>
public readonly record struct UidMapping(uint SourceUid, uint TargetUid);

/// <summary>Result of COPY: only UIDs that existed in the source appear in the mapping, in ascending source order.</summary>
public sealed record CopyResult(uint TargetUidValidity, IReadOnlyList<UidMapping> Mapping, ulong TargetModSeq);

/// <summary>Result of MOVE (RFC 6851): the copy plus what vanished from the source.</summary>
public sealed record MoveResult(CopyResult Copy, IReadOnlyList<uint> ExpungedUids, ulong SourceHighestModSeq);

/// <summary>How STORE applies flags (RFC 9051 §6.4.6: FLAGS, +FLAGS, -FLAGS).</summary>
public enum StoreMode { Replace, Add, Remove }

/// <summary>
/// The compact per-message row: what SELECT, FETCH FLAGS and CONDSTORE need for every message.
/// <see cref="Keywords"/> instances are shared between messages with the same keyword set.
/// </summary>
public readonly record struct MessageFlagState(uint Uid, MessageFlags Flags, IReadOnlyList<string> Keywords, ulong ModSeq);

/// <summary>
/// Result of STORE (RFC 7162 §3.1.3): messages whose flags changed (new modseq each), the UIDs
/// that failed UNCHANGEDSINCE, and the folder's HIGHESTMODSEQ afterwards. A no-op change is in
/// neither list and does not bump the modseq.
/// </summary>
public sealed record StoreResult(IReadOnlyList<MessageFlagState> Changed, IReadOnlyList<uint> Modified, ulong HighestModSeq);

/// <summary>Result of EXPUNGE / UID EXPUNGE: removed UIDs ascending and the new HIGHESTMODSEQ.</summary>
public sealed record ExpungeResult(IReadOnlyList<uint> ExpungedUids, ulong HighestModSeq);

/// <summary>
/// What SORT and THREAD (RFC 5256) compare about one message, read without its BODYSTRUCTURE,
/// preview or bytes: the internal date, the size, the sent date worked out at append (null when
/// the Date header is missing or unreadable, or for a message stored before schema 10 / 7) and
/// the stored ENVELOPE (null unless asked for; see <see cref="SortFactsNeed"/>).
/// </summary>
public sealed record MessageSortFacts(uint Uid, DateTimeOffset InternalDate, long Size, DateTimeOffset? SentDate, Envelope? Envelope);

/// <summary>How much of a message SORT/THREAD read (<see cref="IMailStore.GetSortFactsAsync"/>).</summary>
public enum SortFactsNeed
{
    /// <summary>UID, internal date and size only (SORT by ARRIVAL and SIZE): the message row alone.</summary>
    Row,
    /// <summary>Also the stored sent date; the ENVELOPE only for a message without one, so the caller can try its Date itself.</summary>
    SentDate,
    /// <summary>Also the sent date and the ENVELOPE of every message (subjects, addresses, ids).</summary>
    Envelope,
}

/// <summary>An integer SORT key (<see cref="IMailStore.GetSortKeysAsync"/>).</summary>
public enum SortColumn
{
    /// <summary>The internal date, Unix milliseconds (RFC 5256 ARRIVAL).</summary>
    Arrival,
    /// <summary>The sent date of RFC 5256 §2.2, Unix milliseconds: the Date header, else the internal date.</summary>
    SentDate,
    /// <summary>The size in octets (RFC 5256 SIZE).</summary>
    Size,
}

/// <summary>
/// SORT's integer keys of a folder's messages, column-wise: <see cref="Uids"/> ascending, and
/// <c>Keys[c][i]</c> the value of the c-th asked column for <c>Uids[i]</c>. Plain arrays so that
/// 100,000 messages cost one array per column rather than an object each.
/// </summary>
public sealed record SortKeyColumns(uint[] Uids, long[][] Keys);

/// <summary>The sent date of RFC 5256 §2.2, worked out the same way at append and at SORT.</summary>
public static class SortDates
{
    /// <summary>The ENVELOPE's Date as MimeKit reads it; null when missing or unreadable.</summary>
    public static DateTimeOffset? SentDate(Envelope envelope) =>
        envelope.Date is { } date && MimeKit.Utils.DateUtils.TryParse(date, out var parsed) ? parsed : null;
}

/// <summary>
/// Everything FETCH needs about one message besides its bytes, computed once at append time.
/// <see cref="Envelope"/>, <see cref="Body"/> and <see cref="Parts"/> are decoded when first used:
/// a SEARCH over a large folder reads the envelope, dates and size of every message and needs
/// neither structure; a FETCH of headers needs where the header ends and no envelope.
/// </summary>
public sealed record MessageInfo(
    uint Uid,
    MessageFlags Flags,
    IReadOnlyList<string> Keywords,
    ulong ModSeq,
    DateTimeOffset InternalDate,
    DateTimeOffset SaveDate,
    long Size,
    string EmailId,
    string? ThreadId,
    string Preview)
{
    private readonly Lazy<Envelope> _envelope = null!;
    private readonly Lazy<BodyPart> _body = null!;
    private readonly Lazy<MimePartNode> _parts = null!;

    public MessageInfo(
        uint uid, MessageFlags flags, IReadOnlyList<string> keywords, ulong modSeq, DateTimeOffset internalDate, DateTimeOffset saveDate,
        long size, string emailId, string? threadId, Func<Envelope> envelope, Func<BodyPart> body, Func<MimePartNode> parts, string preview)
        : this(uid, flags, keywords, modSeq, internalDate, saveDate, size, emailId, threadId, preview)
    {
        _envelope = new Lazy<Envelope>(envelope, LazyThreadSafetyMode.PublicationOnly);
        _body = new Lazy<BodyPart>(body, LazyThreadSafetyMode.PublicationOnly);
        _parts = new Lazy<MimePartNode>(parts, LazyThreadSafetyMode.PublicationOnly);
    }

    /// <summary>ENVELOPE (RFC 9051 §7.5.2).</summary>
    public Envelope Envelope => _envelope.Value;

    /// <summary>BODYSTRUCTURE (RFC 9051 §7.5.2).</summary>
    public BodyPart Body => _body.Value;

    /// <summary>Where each MIME part's header and body lie in the message's bytes.</summary>
    public MimePartNode Parts => _parts.Value;
}
