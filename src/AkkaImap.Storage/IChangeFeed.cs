namespace AkkaImap.Storage;

/// <summary>
/// The directory's change feed: every change to post offices, accounts and public folders
/// (whoever makes it: the CLI in another process, or the server itself) is written as a
/// <see cref="DirectoryChange"/> row in the same transaction as the change, so a reader never
/// sees a change without its row nor a row without its change. A running server learns of them
/// without polling: <see cref="Watch"/> wakes it after a commit that wrote rows, and it then reads
/// <see cref="GetChangesSinceAsync"/> from the last id it saw.
/// <para>
/// The SQLite store wakes watchers through a signal file that the committing process writes (an
/// inotify watch on Linux); a PostgreSQL store does the same with <c>NOTIFY</c> in the writing
/// transaction (delivered on commit) and a connection that <c>LISTEN</c>s.
/// </para>
/// <para>
/// Rows are kept for <see cref="StoreOptions.ChangeRetention"/> (<c>akka-imap.storage.change-retention</c>)
/// and then trimmed: a watcher reads within milliseconds of the signal, so only one that was
/// stopped that long could miss rows, and a starting watcher begins at <see cref="GetLatestChangeIdAsync"/>.
/// </para>
/// </summary>
public interface IChangeFeed
{
    /// <summary>The id of the newest change ever written (0 when none): where a new watcher starts.</summary>
    Task<long> GetLatestChangeIdAsync(CancellationToken ct = default);

    /// <summary>
    /// The changes with an id above <paramref name="afterId"/>, oldest first, at most
    /// <paramref name="limit"/> of them (ask again from the last id when the page is full).
    /// </summary>
    Task<IReadOnlyList<DirectoryChange>> GetChangesSinceAsync(long afterId, int limit, CancellationToken ct = default);

    /// <summary>
    /// Calls <paramref name="onSignal"/> after a commit that wrote change rows, by any process on
    /// this store, from now until the result is disposed. Calls come on a pool thread, must not
    /// block, and may be coalesced or spurious: they say "read the feed", never what changed.
    /// <paramref name="onError"/> hears of a failure of the wake-up mechanism itself (a lost or
    /// overflowed watch); <paramref name="onSignal"/> is called after it too, as changes may have been missed.
    /// </summary>
    IDisposable Watch(Action onSignal, Action<Exception>? onError = null);

    /// <summary>
    /// Writes a <see cref="DirectoryChangeKind.MailAdded"/> row: messages were appended to an
    /// account's folder by a process other than its owner (<c>akkaimap import</c>), so a running
    /// server's owner of that account, which caches the folder, reads what is new and tells the
    /// sessions that have it selected. The messages are already committed; this only says so.
    /// </summary>
    Task RecordMailAddedAsync(long accountId, long postOfficeId, long folderId, CancellationToken ct = default);
}

/// <summary>What a <see cref="DirectoryChange"/> row says happened. The numbers are stored: never renumber.</summary>
public enum DirectoryChangeKind
{
    PostOfficeAdded = 1,
    /// <summary>Its public folders were switched on (<c>postoffice set PO --public-folders on</c>).</summary>
    PublicFoldersOn = 2,
    /// <summary>Its public folders were switched off.</summary>
    PublicFoldersOff = 3,
    /// <summary>With every mailbox (each also has an <see cref="AccountRemoved"/> row) and public folder it held.</summary>
    PostOfficeRemoved = 4,
    AccountAdded = 10,
    /// <summary>With all its folders and mail.</summary>
    AccountRemoved = 11,
    PasswordChanged = 12,
    /// <summary>Failures and lock cleared by the operator (<c>mailbox unlock</c>).</summary>
    AccountUnlocked = 13,
    /// <summary>A public folder was created (or a \Noselect level of that name became selectable).</summary>
    PublicFolderAdded = 20,
    /// <summary>A public folder and its messages were deleted (a level with subfolders stays as \Noselect).</summary>
    PublicFolderRemoved = 21,
    PublicFolderReadOnly = 22,
    PublicFolderWritable = 23,
    /// <summary>An entry of a public folder's access control list was set or removed (RFC 4314).</summary>
    PublicFolderAclChanged = 24,
    /// <summary>Messages were appended to an account's folder from outside its owner (<c>akkaimap import</c>).</summary>
    MailAdded = 30,
}

/// <summary>
/// One row of the change feed. <see cref="AccountId"/>, <see cref="PostOfficeId"/> and
/// <see cref="FolderId"/> are set as far as they concern the change: an account change names
/// its account and post office, a public-folder change its post office and folder.
/// </summary>
public sealed record DirectoryChange(long Id, DirectoryChangeKind Kind, long? AccountId, long? PostOfficeId, long? FolderId, DateTimeOffset Time);
