using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode inside the data folder. Writes go through a
/// single group-committing writer thread (<see cref="WriteQueue"/>); reads, and the CPU-heavy
/// preparation of writes (PBKDF2, MIME analysis), go to a bounded pool of reader threads with a
/// connection each (<see cref="ReaderPool"/>), which WAL lets run beside the writer. No work runs
/// on the caller's thread: every method returns a task at once. Another process (the CLI) may
/// open the same folder at the same time; SQLite's locks and busy_timeout arbitrate.
/// </summary>
public sealed partial class SqliteStore : IStore, IDisposable
{
    /// <summary>The database file name inside the data folder.</summary>
    public const string FileName = "akkaimap.db";

    private readonly string _connectionString;
    private readonly StoreOptions _options;
    private readonly SqliteConnection _writerConnection;
    private readonly WriteQueue _writer;
    private readonly ReaderPool _readers;
    private int _disposed;

    private SqliteStore(string path, StoreOptions options, string connectionString, SqliteConnection writer)
    {
        DatabasePath = path;
        _options = options;
        _connectionString = connectionString;
        _writerConnection = writer;
        _writer = new WriteQueue(writer, options.MaxBatch, OnBatchEnded);
        _readers = new ReaderPool(options.Readers, () =>
        {
            var reader = OpenConnection(connectionString, options);
            // In KiB (a negative cache_size); SQLite's own default is 2 MB.
            reader.Exec($"PRAGMA cache_size=-{options.ReaderCacheBytes / 1024}");
            return reader;
        });
    }

    /// <summary>The schema version this build writes (<c>PRAGMA user_version</c>).</summary>
    public const int SchemaVersion = Schema.Version;

    /// <summary>
    /// The schema version of the store in <paramref name="dataFolder"/> without changing it: 0 when
    /// there is no database yet.
    /// </summary>
    public static int ReadSchemaVersion(string dataFolder)
    {
        var path = Path.GetFullPath(Path.Combine(dataFolder, FileName));
        if (!File.Exists(path)) return 0;
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        c.Open();
        return (int)c.Scalar<long>("PRAGMA user_version");
    }

    /// <summary>As <see cref="ReadSchemaVersion"/>, without creating anything: 0 also when the data folder is missing.</summary>
    public static int ReadSchemaVersionOrZero(string dataFolder) => Directory.Exists(dataFolder) ? ReadSchemaVersion(dataFolder) : 0;

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Write transactions committed by this instance (each may carry many operations).</summary>
    internal long CommitCount => _writer.CommitCount;
    /// <summary>Write operations completed by this instance.</summary>
    internal long WriteOperationCount => _writer.OperationCount;
    /// <summary>Tests: completes once exactly <paramref name="count"/> writes are queued and not yet taken by the writer.</summary>
    internal Task WhenQueuedWrites(int count) => _writer.WhenQueued(count);

    /// <summary>Opens (creating when missing) the store in <paramref name="dataFolder"/> and migrates its schema.</summary>
    public static Task<SqliteStore> OpenAsync(string dataFolder, StoreOptions? options = null, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        options ??= new StoreOptions();
        CreatePrivateFolder(dataFolder);
        CreateSignalFolder(dataFolder);
        var path = Path.GetFullPath(Path.Combine(dataFolder, FileName));
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Our own pool: connections are closed for real on Dispose, releasing the files.
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
        var writer = OpenConnection(connectionString, options);
        try
        {
            // Each write runs in a savepoint, whose journal keeps the pages it changes as they were:
            // in a temporary file by default, as many bytes written to it as to the log (issue 17).
            writer.Exec("PRAGMA temp_store=MEMORY");
            // WAL is persistent in the file; readers never block the writer nor each other.
            writer.Exec("PRAGMA journal_mode=WAL");
            RestrictToOwner(path, path + "-wal", path + "-shm");
            Schema.Migrate(writer);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
        return Task.FromResult(new SqliteStore(path, options, connectionString, writer));
    }

    /// <summary>The data folder holds every mailbox: 0700 on Unix whatever the umask (SPEC.md, Files).</summary>
    private static void CreatePrivateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>
    /// 0600 on the database and the -wal/-shm files SQLite has made so far; the ones it makes later
    /// take the database file's mode (os_unix.c), so they are private too.
    /// </summary>
    private static void RestrictToOwner(params string[] files)
    {
        if (OperatingSystem.IsWindows()) return;
        foreach (var file in files)
        {
            try
            {
                if (File.Exists(file) && File.GetUnixFileMode(file) != (UnixFileMode.UserRead | UnixFileMode.UserWrite))
                    File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            catch (UnauthorizedAccessException)
            {
                // Another user's store (opened by root, say): its owner keeps its mode.
            }
        }
    }

    private static SqliteConnection OpenConnection(string connectionString, StoreOptions options)
    {
        var c = new SqliteConnection(connectionString);
        c.Open();
        // In WAL mode FULL syncs the log on every commit (power-loss safe); NORMAL survives a
        // killed process but may lose the last commits on power loss.
        c.Exec($"PRAGMA busy_timeout={(long)options.BusyTimeout.TotalMilliseconds}");
        c.Exec(options.Fsync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
        c.Exec("PRAGMA foreign_keys=ON");
        // No memory map: a connection unmaps the whole database file at
        // the start of every read transaction after a commit of another connection, so under mixed
        // load each short read paid a munmap, a TLB shootdown on every core the process ran on,
        // and a page fault per page it touched again. Reading pages with read() instead raised the
        // mixed benchmark's commands per CPU-second by half (issue 17); the large-folder reads it
        // once sped up now start from the folder's copy of its list (FolderIndex).
        c.Exec("PRAGMA mmap_size=0");
        return c;
    }

    /// <summary>One writer thread runs every write in the order queued (<see cref="WriteQueue"/>).</summary>
    public bool WritesInOrder => true;

    // The caller's name names its span (StoreTelemetry.Trace): "store AppendAsync".
    private Task<T> Write<T>(Func<SqliteConnection, T> work, CancellationToken ct, [CallerMemberName] string operation = "")
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return StoreTelemetry.Trace(_writer.Enqueue(work, ct), operation);
    }

    private Task Write(Action<SqliteConnection> work, CancellationToken ct, [CallerMemberName] string operation = "") =>
        Write<bool>(c => { work(c); return true; }, ct, operation);

    /// <summary>
    /// Queues upkeep that nobody waits for (a folder's copy, a pass of the full-text index): its
    /// failure is only observed, and a store that is closing takes none. What it would have
    /// written is written again later (the next load, serve's catch-up at start). The task it
    /// returns ends with the write, never faulted (tests wait for it). <paramref name="background"/>:
    /// behind every write queued meanwhile (<see cref="WriteQueue.EnqueueBackground"/>).
    /// </summary>
    private Task WriteUnwaited<T>(Func<SqliteConnection, T> work, string operation, bool background = false)
    {
        if (_disposed != 0) return Task.CompletedTask;
        try
        {
            return (background ? StoreTelemetry.Trace(_writer.EnqueueBackground(work), operation) : Write(work, CancellationToken.None, operation))
                .ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        catch (ObjectDisposedException)
        {
            // Closed between the check and the queue.
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a reader thread and its connection; the task completes
    /// there, and its continuations run elsewhere (<see cref="ReaderPool"/>).
    /// </summary>
    private Task<T> Read<T>(Func<SqliteConnection, T> work, CancellationToken ct, [CallerMemberName] string operation = "")
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return StoreTelemetry.Trace(_readers.Run(reader => work(reader.Connection), ct), operation);
    }

    /// <summary>Runs a multi-statement read inside one snapshot (a deferred read transaction).</summary>
    private Task<T> ReadSnapshot<T>(Func<SqliteConnection, T> work, CancellationToken ct, [CallerMemberName] string operation = "") =>
        Read(c =>
        {
            c.Exec("BEGIN");
            try { return work(c); }
            finally { c.Exec("COMMIT"); }
        }, ct, operation);

    /// <summary>
    /// Prepares a write off the caller's thread (PBKDF2, MIME analysis: CPU work that needs no
    /// connection) on a reader thread, then queues it for the single writer with what was
    /// prepared. The writer itself never waits for the preparation. A write queued this way
    /// enters the queue only once prepared: callers that need an order between writes await each.
    /// </summary>
    private Task<T> PrepareThenWrite<TPrepared, T>(Func<TPrepared> prepare, Func<SqliteConnection, TPrepared, T> work, CancellationToken ct, bool bulk = false, [CallerMemberName] string operation = "")
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return StoreTelemetry.Trace(Then(_readers.Run(_ => prepare(), ct)), operation);

        async Task<T> Then(Task<TPrepared> preparing)
        {
            var prepared = await preparing.ConfigureAwait(false);
            return await _writer.Enqueue(c => work(c, prepared), ct, bulk).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // Readers first: queued reads fail with ObjectDisposedException, running ones end, and a
        // write still being prepared finds the store disposed. Then the writer drains its queue.
        _readers.Dispose();
        // Bodies whose index rows wait for a pass get them now, so that the next start has none
        // to parse again; the writer runs what is queued before it stops.
        if (Volatile.Read(ref _toIndexBytes) > 0)
        {
            try { _writer.Enqueue(c => IndexQueued(c, long.MaxValue, giveWay: false), CancellationToken.None); }
            catch (ObjectDisposedException) { /* the writer is closed already */ }
        }
        _writer.Dispose();
        _writerConnection.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
