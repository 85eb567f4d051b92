using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace AkkaImap.Storage.Sqlite;

/// <summary>
/// Copies the write-ahead log into the database file on a thread and connection of its own, so
/// that the single writer does not. SQLite's own automatic checkpoint runs on the connection that
/// commits, right after its commit: the writer stopped every 1,000 pages to read them back from
/// the log, write them into the database file and sync it, while every write queued behind it
/// waited (issue 17: a quarter of the writer's system calls at 200 clients).
/// <para>
/// The writer counts the pages each commit wrote (<see cref="Committed"/>) and wakes this thread
/// every <c>pages</c> of them; it runs a PASSIVE checkpoint, which never blocks the writer nor a
/// reader and copies what no reader still needs. The writer keeps SQLite's automatic checkpoint
/// at <see cref="FallbackFactor"/> times as many pages: the log restarts from its beginning only
/// when a write begins with the whole log copied, which a checkpoint running beside a busy writer
/// rarely leaves, so once the log is that long the writer copies the little this thread has not,
/// and the log starts over. Nothing here wakes an idle server: the thread sleeps until a commit
/// wakes it.
/// </para>
/// </summary>
internal sealed class WalCheckpointer : IDisposable
{
    /// <summary>The writer's own automatic checkpoint, in multiples of the background's pages.</summary>
    public const int FallbackFactor = 8;

    private readonly SqliteConnection _connection;
    private readonly int _pages;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private bool _requested;
    private bool _closed;
    private int _written;
    private long _checkpoints;
    // Tests wait for a number of checkpoints (WhenCheckpoints).
    private readonly List<(long Count, TaskCompletionSource Done)> _waiters = [];

    /// <param name="connection">A connection of this thread's own, opened on the store's file.</param>
    /// <param name="pages">Pages committed to the log between checkpoints.</param>
    public WalCheckpointer(SqliteConnection connection, int pages)
    {
        _connection = connection;
        _pages = Math.Max(1, pages);
        _thread = new Thread(Run) { IsBackground = true, Name = "sqlite-checkpoint" };
        _thread.Start();
    }

    /// <summary>Completes once <paramref name="count"/> checkpoints have run on this thread.</summary>
    public Task WhenCheckpoints(long count)
    {
        lock (_gate)
        {
            if (_checkpoints >= count) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task;
        }
    }

    /// <summary>
    /// The writer's automatic checkpoint for <paramref name="pages"/>: the safety net, far enough
    /// behind the background's that it only copies what the background left.
    /// </summary>
    public static int WriterAutoCheckpoint(int pages) => Math.Max(1, pages) * FallbackFactor;

    /// <summary>
    /// Called on the writer's thread after each commit: adds the pages the writer's connection
    /// wrote to the log since the last call, and wakes the thread once they reach the threshold.
    /// </summary>
    public void Committed(SqliteConnection writer)
    {
        raw.sqlite3_db_status(writer.Handle, raw.SQLITE_DBSTATUS_CACHE_WRITE, out var written, out _, 1);
        _written += written;
        if (_written < _pages) return;
        _written = 0;
        lock (_gate)
        {
            _requested = true;
            Monitor.Pulse(_gate);
        }
    }

    private void Run()
    {
        while (true)
        {
            lock (_gate)
            {
                while (!_requested && !_closed) Monitor.Wait(_gate);
                if (_closed) return;
                _requested = false;
            }
            try
            {
                // PASSIVE: copies the frames no reader still needs, waits for no lock.
                _connection.Exec("PRAGMA wal_checkpoint(PASSIVE)");
            }
            catch (SqliteException)
            {
                // A full disk or a busy lock: the log stays as it is, and the next commit's
                // checkpoint (or the writer's own, further on) copies it.
            }
            lock (_gate)
            {
                _checkpoints++;
                _waiters.RemoveAll(w => w.Count <= _checkpoints && w.Done.TrySetResult());
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.Pulse(_gate);
        }
        _thread.Join();
        _connection.Dispose();
    }
}
