namespace AkkaImap.Storage;

/// <summary>
/// Folders and messages. Every write is durable when its task completes (group-committed).
/// Folder names are full paths with the '/' delimiter; "INBOX" matches case-insensitively
/// (RFC 9051 §5.1) and is stored upper-case; other names compare exactly.
/// Text SEARCH: the store keeps a full-text index of every message's searchable text, written at
/// append (<see cref="SearchIndexAsync"/>); what it cannot answer the server scans, reading raw
/// bytes (<see cref="ReadMessageAsync"/>) and decoding them with MimeKit on its worker pool. The
/// store serves the other criteria (flags, dates, size, envelope) from the rows and <see cref="MessageInfo"/>.
/// </summary>
public interface IMailStore
{
    // ---- ownership ----

    /// <summary>
    /// Makes this process the holder of <paramref name="owner"/>'s lease, taking it from whichever
    /// process held it: an owner entity calls it once, before it reads or writes the mailbox. With
    /// <see cref="StoreOptions.OwnerLeases"/> (PostgreSQL, several nodes) every later write to the
    /// mailbox by a previous holder is refused with <see cref="StoreError.Superseded"/>, and a write
    /// the previous holder committed first is visible to whatever this holder reads after. Without
    /// it (SQLite, one process) it does nothing.
    /// </summary>
    Task TakeOwnershipAsync(MailboxOwner owner, CancellationToken ct = default);

    /// <summary>
    /// <see cref="StoreFlagsAsync"/> and <see cref="ExpungeAsync"/> run in the order they are
    /// called, each seeing what the ones called before it wrote (SQLite's single writer): an owner
    /// may then call the next before the one before it completes, so that two pipelined commands
    /// (a STORE \Deleted and an EXPUNGE) share one commit. False where writes run side by side
    /// (PostgreSQL's pool).
    /// </summary>
    bool WritesInOrder => false;

    // ---- folders ----

    /// <summary>All folders of an owner (including \Noselect placeholders), by name.</summary>
    Task<IReadOnlyList<FolderInfo>> ListFoldersAsync(MailboxOwner owner, CancellationToken ct = default);
    Task<FolderInfo?> GetFolderAsync(MailboxOwner owner, string name, CancellationToken ct = default);
    Task<FolderInfo?> GetFolderAsync(long folderId, CancellationToken ct = default);

    /// <summary>
    /// Creates a folder with a fresh UIDVALIDITY; missing parents are created too (RFC 9051
    /// §6.3.4), and an existing \Noselect placeholder of that name becomes selectable. One
    /// trailing '/' is ignored (it only declares that children will follow).
    /// Throws <see cref="StoreError.AlreadyExists"/> or <see cref="StoreError.NotAllowed"/> (empty
    /// name or segment, leading or doubled '/', control characters).
    /// </summary>
    Task<FolderInfo> CreateFolderAsync(MailboxOwner owner, string name, string? specialUse = null, CancellationToken ct = default);

    /// <summary>
    /// RFC 9051 §6.3.5: deletes the folder and its messages. A folder with children is not
    /// removed: its messages are expunged and it becomes \Noselect. Deleting a \Noselect folder
    /// that has children is refused (<see cref="StoreError.NotEmpty"/>); INBOX is refused
    /// (<see cref="StoreError.NotAllowed"/>); unknown is <see cref="StoreError.NotFound"/>.
    /// </summary>
    Task DeleteFolderAsync(MailboxOwner owner, string name, CancellationToken ct = default);

    /// <summary>
    /// RFC 9051 §6.3.6: renames a folder and all its children (they keep UIDVALIDITY and
    /// messages; missing parents of the new name are created). Renaming INBOX creates the new
    /// folder, moves every INBOX message there (new UIDs) and leaves INBOX empty; its children
    /// stay. Throws NotFound, AlreadyExists, or NotAllowed (into itself or a child of itself).
    /// </summary>
    Task RenameFolderAsync(MailboxOwner owner, string oldName, string newName, CancellationToken ct = default);

    /// <summary>
    /// SUBSCRIBE/UNSUBSCRIBE (RFC 9051 §6.3.7). Subscriptions are names, so they may name folders
    /// that do not exist (LSUB / LIST (SUBSCRIBED) show them as \NonExistent).
    /// </summary>
    Task SetSubscribedAsync(MailboxOwner owner, string name, bool subscribed, CancellationToken ct = default);
    Task<IReadOnlyList<string>> ListSubscriptionsAsync(MailboxOwner owner, CancellationToken ct = default);

    /// <summary>
    /// \Recent (RFC 3501 §2.3.2): a session claimed the folder's messages below
    /// <paramref name="firstRecentUid"/>, so no later session sees them recent. Only ever raises
    /// <see cref="FolderInfo.FirstRecentUid"/>. Not a change clients see: no MODSEQ.
    /// </summary>
    Task SetFirstRecentUidAsync(long folderId, uint firstRecentUid, CancellationToken ct = default);

    /// <summary>
    /// STATUS counts; null when no such folder. RECENT only with <paramref name="countRecent"/>:
    /// the other counts are kept in the folder's row, RECENT is counted over the messages not yet
    /// claimed (all of a folder that no session selected since they came: 100,000 rows took 5 ms).
    /// </summary>
    Task<FolderStatus?> GetStatusAsync(long folderId, bool countRecent = false, CancellationToken ct = default);

    // ---- messages: writes ----

    /// <summary>
    /// Appends one or several messages atomically (RFC 3502 MULTIAPPEND). Each is analysed once
    /// with MimeKit (envelope, body structure, part offsets, preview); malformed MIME never fails.
    /// Throws NotFound (folder) or NoSelect. With <paramref name="claimRecent"/> a session has
    /// claimed the new messages as \Recent (RFC 3501 §2.3.2): the folder's first recent UID
    /// (<see cref="SetFirstRecentUidAsync"/>) becomes its new UIDNEXT in the same transaction, so
    /// the claim costs no commit of its own.
    /// </summary>
    Task<AppendResult> AppendAsync(long folderId, IReadOnlyList<AppendRequest> messages, CancellationToken ct = default, bool claimRecent = false);

    /// <summary>
    /// Stores a message's bytes (analysed with MimeKit, as APPEND would) ahead of its APPEND and
    /// returns the handle an <see cref="AppendRequest.StagedBodyId"/> carries: the body then goes to
    /// the folder's owner by reference. A staged body is appended at most once; one never appended
    /// is removed after a day. Not durable on its own: only the APPEND that uses it is.
    /// </summary>
    Task<long> StageMessageAsync(ReadOnlyMemory<byte> content, CancellationToken ct = default);

    /// <summary>
    /// <see cref="StageMessageAsync"/> for several bodies at once (a MULTIAPPEND's), their handles
    /// in the same order: the store writes them together rather than one commit after another.
    /// </summary>
    Task<IReadOnlyList<long>> StageMessagesAsync(IReadOnlyList<ReadOnlyMemory<byte>> contents, CancellationToken ct = default);

    /// <summary>
    /// Copies messages (sharing the stored bytes) keeping internal date and the flags
    /// <paramref name="keep"/> lets through (all when null); UIDs not present are skipped.
    /// </summary>
    Task<CopyResult> CopyAsync(long sourceFolderId, IReadOnlyCollection<uint> uids, long targetFolderId, KeptFlags? keep = null, CancellationToken ct = default);

    /// <summary>Copy plus expunge of the originals, in one transaction (RFC 6851).</summary>
    Task<MoveResult> MoveAsync(long sourceFolderId, IReadOnlyCollection<uint> uids, long targetFolderId, KeptFlags? keep = null, CancellationToken ct = default);

    /// <summary>
    /// STORE on a UID set with optional UNCHANGEDSINCE (RFC 7162 §3.1.3): messages whose modseq is
    /// above it are not changed and are reported in <see cref="StoreResult.Modified"/>. One new
    /// modseq is assigned to all messages changed by this call.
    /// </summary>
    Task<StoreResult> StoreFlagsAsync(long folderId, IReadOnlyCollection<uint> uids, StoreMode mode, MessageFlags flags,
        IReadOnlyList<string>? keywords = null, ulong? unchangedSince = null, CancellationToken ct = default);

    /// <summary>
    /// Removes \Deleted messages (all, or only those in <paramref name="uids"/> for UID EXPUNGE,
    /// RFC 4315) and keeps tombstones (uid, modseq) for QRESYNC VANISHED.
    /// </summary>
    Task<ExpungeResult> ExpungeAsync(long folderId, IReadOnlyCollection<uint>? uids = null, CancellationToken ct = default);

    // ---- messages: reads ----

    /// <summary>
    /// (uid, flags, keywords, modseq) of every message, ascending UID, in one read (SQLite: from a
    /// large folder's copy of its list and the changes since). The list is new and the caller's:
    /// a loading owner keeps an array as its table.
    /// </summary>
    Task<IReadOnlyList<MessageFlagState>> GetMessageFlagsAsync(long folderId, CancellationToken ct = default);
    /// <summary>Messages whose modseq is above <paramref name="modSeq"/> (CONDSTORE CHANGEDSINCE, IDLE polling).</summary>
    Task<IReadOnlyList<MessageFlagState>> GetChangedSinceAsync(long folderId, ulong modSeq, CancellationToken ct = default);
    /// <summary>UIDs expunged with a modseq above <paramref name="modSeq"/> (RFC 7162 §3.2.5.1 VANISHED), ascending.</summary>
    Task<IReadOnlyList<uint>> GetVanishedSinceAsync(long folderId, ulong modSeq, CancellationToken ct = default);

    /// <summary>FETCH metadata for the given UIDs (missing ones are skipped), ascending UID.</summary>
    Task<IReadOnlyList<MessageInfo>> GetMessagesAsync(long folderId, IReadOnlyCollection<uint> uids, CancellationToken ct = default);
    Task<MessageInfo?> GetMessageAsync(long folderId, uint uid, CancellationToken ct = default);
    /// <summary>
    /// SORT/THREAD keys for the given UIDs (missing ones are skipped), ascending UID: one narrow
    /// query over the message rows and, as <paramref name="need"/> says, the stored sent date and
    /// ENVELOPE; never the BODYSTRUCTURE, preview or message bytes.
    /// </summary>
    Task<IReadOnlyList<MessageSortFacts>> GetSortFactsAsync(long folderId, IReadOnlyCollection<uint> uids, SortFactsNeed need, CancellationToken ct = default);
    /// <summary>
    /// SORT's integer keys (ARRIVAL, DATE, SIZE; RFC 5256 §3) of the given UIDs, or of every message
    /// of the folder when <paramref name="uids"/> is null, ascending UID (missing ones skipped): one
    /// narrow query read into arrays, no object per message. <see cref="SortColumn.SentDate"/> is
    /// RFC 5256 §2.2's sent date already resolved (the internal date where the Date header is
    /// missing or unreadable).
    /// </summary>
    Task<SortKeyColumns> GetSortKeysAsync(long folderId, IReadOnlyCollection<uint>? uids, IReadOnlyList<SortColumn> columns, CancellationToken ct = default);

    /// <summary>
    /// The raw bytes of a message, whole or the range [offset, offset+length) clipped to the
    /// message (an offset past the end gives an empty array). Null when no such message.
    /// </summary>
    Task<byte[]?> ReadMessageAsync(long folderId, uint uid, long offset = 0, long? length = null, CancellationToken ct = default);

    /// <summary>
    /// The raw bytes of several messages, whole, in one read (a FETCH chunk, a SEARCH batch): by
    /// UID; messages no longer in the folder are absent. Meant for small messages: each is held
    /// in memory whole.
    /// </summary>
    Task<IReadOnlyDictionary<uint, byte[]>> ReadMessagesAsync(long folderId, IReadOnlyCollection<uint> uids, CancellationToken ct = default);

    /// <summary>
    /// The first bytes of several messages in one read, as many of each as
    /// <paramref name="lengths"/> gives for its UID (clipped to the message): a FETCH of headers
    /// reads each message's header and nothing of its body. Messages no longer in the folder are absent.
    /// </summary>
    Task<IReadOnlyDictionary<uint, byte[]>> ReadMessagePrefixesAsync(long folderId, IReadOnlyDictionary<uint, long> lengths, CancellationToken ct = default);

    /// <summary>
    /// The full-text index's answer to a SEARCH key on one folder (BODY, TEXT, FROM, TO, CC, BCC,
    /// SUBJECT; RFC 9051 §6.4.4): the messages whose text contains <paramref name="value"/>
    /// case-insensitively, exactly as the plain scan decides it
    /// (<see cref="Search.IndexedDocument"/>), and the messages the index has no text for. Null
    /// when the index cannot answer this value (<see cref="Search.IndexedDocument.NeedleFor"/>:
    /// fewer than three characters, among others): the caller scans.
    /// </summary>
    Task<Search.IndexedMatches?> SearchIndexAsync(long folderId, Search.IndexedField field, string value, CancellationToken ct = default);

    /// <summary>
    /// Indexes up to <paramref name="max"/> of the bodies stored while the index was off
    /// (<see cref="StoreOptions.FullTextIndex"/>), in one write; returns how many it indexed (0: none
    /// left). Until then <see cref="SearchIndexAsync"/> lists them with the unindexed ones, for the
    /// scan, so the index never answers wrongly. <see cref="Search.IndexUpkeep"/> calls it in steps.
    /// </summary>
    Task<int> IndexPendingAsync(int max, CancellationToken ct = default);

    /// <summary>
    /// A mailbox's effective quota limits and its use (every message of its folders; RFC 9208
    /// STORAGE and MESSAGE). APPEND and COPY into its folders that would go over a limit are
    /// refused inside their commit with <see cref="StoreError.OverQuota"/>. Null when no such account.
    /// </summary>
    Task<MailboxQuota?> GetQuotaAsync(long accountId, CancellationToken ct = default);
}
