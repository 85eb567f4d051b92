namespace AkkaImap.Storage;

/// <summary>
/// What public folders need beyond <see cref="IMailStore"/> (whose operations all work on a
/// <see cref="MailboxOwner.ForPublicFolders"/> owner): the operator's read-only switch, and
/// <c>\Seen</c> kept per reader. In a public folder the <c>\Seen</c> bit of a message's shared
/// flags is never used: each reader's <c>\Seen</c> comes from <see cref="GetSeenUidsAsync"/>,
/// as Dovecot keeps \Seen private in shared namespaces.
/// </summary>
public interface IPublicFolderStore
{
    /// <summary>
    /// The operator's shorthand: <c>anyone</c> gets <see cref="AclRights.ReadOnly"/> (on) or
    /// <see cref="AclRights.Default"/> (off); other entries stay. False when no such folder (or it is \Noselect).
    /// </summary>
    Task<bool> SetFolderReadOnlyAsync(MailboxOwner owner, string name, bool readOnly, CancellationToken ct = default);

    /// <summary>The folder's access control list (RFC 4314), <c>anyone</c> first, then by login; empty for a mailbox's own folder.</summary>
    Task<IReadOnlyList<AclEntry>> GetAclAsync(long folderId, CancellationToken ct = default);

    /// <summary>What <paramref name="accountId"/> may do in a public folder: its own entry and <c>anyone</c>'s together.</summary>
    Task<AclRight> GetRightsAsync(long folderId, long accountId, CancellationToken ct = default);

    /// <summary>What <paramref name="accountId"/> may do in each of an owner's folders that has a list (one read for LIST).</summary>
    Task<IReadOnlyDictionary<long, AclRight>> GetRightsAsync(MailboxOwner owner, long accountId, CancellationToken ct = default);

    /// <summary>
    /// Sets (or with null removes) the entry of <paramref name="accountId"/> (0: <c>anyone</c>) on a
    /// public folder, with a change-feed row so every node hears it. False when no such public folder.
    /// </summary>
    Task<bool> SetRightsAsync(long folderId, long accountId, AclRight? rights, CancellationToken ct = default);

    /// <summary>The UIDs that <paramref name="accountId"/> has seen in the folder, ascending.</summary>
    Task<IReadOnlyList<uint>> GetSeenUidsAsync(long folderId, long accountId, CancellationToken ct = default);

    /// <summary>
    /// STORE in a public folder by one reader: <c>\Seen</c> changes only that reader's marks, every
    /// other flag and keyword is shared. Any change gives the message a new modseq (one for the
    /// call), so that reader's CONDSTORE sees it. <see cref="StoreResult.Changed"/> carries the
    /// flags as that reader sees them. UNCHANGEDSINCE as in <see cref="IMailStore.StoreFlagsAsync"/>.
    /// </summary>
    Task<StoreResult> StoreReaderFlagsAsync(long folderId, long accountId, IReadOnlyCollection<uint> uids, StoreMode mode, MessageFlags flags,
        IReadOnlyList<string>? keywords = null, ulong? unchangedSince = null, CancellationToken ct = default);

    /// <summary>STATUS counts with UNSEEN counted for one reader; null when no such folder. RECENT as <see cref="IMailStore.GetStatusAsync"/>.</summary>
    Task<FolderStatus?> GetReaderStatusAsync(long folderId, long accountId, bool countRecent = false, CancellationToken ct = default);

    /// <summary>
    /// Expunges exactly <paramref name="uids"/> whatever their flags (the second half of a MOVE out
    /// of a public folder into a reader's own folder, RFC 6851 §3.3), with tombstones as EXPUNGE.
    /// </summary>
    Task<ExpungeResult> RemoveMessagesAsync(long folderId, IReadOnlyCollection<uint> uids, CancellationToken ct = default);
}
