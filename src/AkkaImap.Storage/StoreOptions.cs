namespace AkkaImap.Storage;

/// <summary>Settings of a store; built by the host from the <c>akka-imap.storage</c> HOCON block.</summary>
public sealed record StoreOptions
{
    /// <summary>
    /// On: every acknowledged write is flushed to stable storage (survives power loss, SQLite
    /// <c>synchronous=FULL</c>). Off: survives a killed process only (<c>synchronous=NORMAL</c>).
    /// </summary>
    public bool Fsync { get; init; } = true;

    /// <summary>PBKDF2 iteration count for new SCRAM-SHA-256 secrets (RFC 7677 recommends at least 4096).</summary>
    public int ScramIterations { get; init; } = 4096;

    /// <summary>How long a connection waits for a lock held by another process (the CLI) before failing.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Upper bound of queued write operations run in one group-commit transaction.</summary>
    public int MaxBatch { get; init; } = 256;

    /// <summary>
    /// How long rows of the change feed (<see cref="IChangeFeed"/>) are kept; older ones are
    /// trimmed when a new one is written. Watchers read within milliseconds, so this only has to
    /// outlast a watcher that falls behind.
    /// </summary>
    public TimeSpan ChangeRetention { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Reader threads, each with its own connection: they run every read, password hashing
    /// (PBKDF2) and MIME analysis, so that no caller's thread blocks on the store.
    /// Reads from SQLite's files in the OS cache are CPU work, so the default is one per core (at
    /// least 2): more threads than cores only take turns with each other and with the writer that
    /// every write waits for (issue 17, bench/README.md).
    /// </summary>
    public int Readers { get; init; } = DefaultReaders;

    /// <summary>The readers when none are configured (<c>storage.readers = 0</c>): one per core, at least 2.</summary>
    public static int DefaultReaders => Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// SQLite only: a folder with at least this many messages keeps a copy of its message list in
    /// one row (<c>folder_index</c>), read with the changes since when the folder is loaded; 0, none.
    /// </summary>
    public int FolderIndexMessages { get; init; } = 1000;

    /// <summary>
    /// SQLite only: the page cache of each reader connection (<c>storage.sqlite.reader-cache</c>).
    /// A read that touches more pages than its cache holds, in order, finds none of them cached
    /// the next time (the least recently used goes first): UID FETCH of 1,000 headers touches
    /// about 6 MB. Filled only as a read needs it, and emptied when a read starts after a commit.
    /// </summary>
    public long ReaderCacheBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>
    /// With <see cref="FullTextIndex"/> on: an appended body's full-text index rows are written this
    /// long after its append, with those of the bodies appended meanwhile, in a transaction of their
    /// own, instead of in the append's (<c>storage.sqlite.index-delay</c>,
    /// <c>storage.postgresql.index-delay</c>). Until then the body is pending, and a SEARCH reads it.
    /// Zero: in the append's transaction.
    /// </summary>
    public TimeSpan IndexDelay { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// PostgreSQL only: the most connections this process opens to the database (reads run on
    /// pooled connections; the writer and the change listener hold one each).
    /// </summary>
    public int PoolSize { get; init; } = 20;

    /// <summary>
    /// PostgreSQL only: group-committing writers, each with a connection of its own; a folder's
    /// writes always go to the same one.
    /// </summary>
    public int Writers { get; init; } = 4;

    /// <summary>
    /// <c>search.full-text-index</c>: on, an append writes the body's full-text index rows in its
    /// transaction; off, it writes none (the index's upkeep stops with its use) and only notes the
    /// body as pending, to be indexed by <see cref="IMailStore.IndexPendingAsync"/> once it is on.
    /// </summary>
    public bool FullTextIndex { get; init; } = true;

    /// <summary>
    /// PostgreSQL only, on for a serving node: this process is one holder of owner leases
    /// (<see cref="IMailStore.TakeOwnershipAsync"/>). Every folder and message write checks, inside
    /// its transaction, that this process still holds the lease of the mailbox it writes, so an owner
    /// left behind on a node the cluster has given up (cut off, paused) cannot change a mailbox
    /// whose owner now runs elsewhere (<see cref="StoreError.Superseded"/>). Off (the command line
    /// tools): writes are not checked.
    /// </summary>
    public bool OwnerLeases { get; init; }
}
