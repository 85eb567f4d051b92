using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Sqlite;

/// <summary>
/// The single writer. Callers enqueue work; one dedicated thread takes as many queued
/// operations as are waiting, runs them in ONE transaction (each inside its own savepoint so a
/// refused operation does not undo the others), commits once and then completes every caller.
/// Many concurrent APPENDs therefore cost one fsync (FACTS.md: batching is 30-150x cheaper).
/// <para>
/// The queue is a monitor the writer thread sleeps on, as <see cref="ReaderPool"/>'s: an enqueue
/// wakes the writer directly. (It was a <c>Channel</c> waited on with
/// <c>WaitToReadAsync().GetResult()</c>, whose waiter completes through a .NET pool work item: every
/// write that found the writer asleep woke a pool worker only for it to wake the writer, issue 17.)
/// </para>
/// </summary>
internal sealed class WriteQueue : IDisposable
{
    private readonly Queue<WriteOp> _queue = new();
    // Background work (the full-text index's passes): run when no other write waits, alone in its
    // transaction, or once it has waited BackgroundMaxWait.
    private readonly Queue<(WriteOp Op, long Since)> _background = new();
    private readonly object _gate = new();
    private bool _closed;
    private readonly SqliteConnection _connection;
    private readonly int _maxBatch;
    private readonly Action<bool>? _batchEnded;
    private readonly Thread _thread;
    private long _commits;
    private long _operations;
    // Queued writes an index pass gives way to (all but appends and staging), not yet taken.
    private int _givenWay;
    private readonly QueueCountWatch _watch = new();

    /// <param name="batchEnded">
    /// Called on the writer thread after each transaction: true once it is committed (before any
    /// caller is completed), false when it was rolled back.
    /// </param>
    public WriteQueue(SqliteConnection connection, int maxBatch, Action<bool>? batchEnded = null)
    {
        _connection = connection;
        _maxBatch = Math.Max(1, maxBatch);
        _batchEnded = batchEnded;
        _thread = new Thread(Run) { IsBackground = true, Name = "sqlite-writer" };
        _thread.Start();
    }

    /// <summary>Transactions committed so far (tests observe grouping through it).</summary>
    public long CommitCount => Interlocked.Read(ref _commits);
    public long OperationCount => Interlocked.Read(ref _operations);

    /// <summary>Operations queued and not yet taken into a batch (background work included).</summary>
    public int Queued
    {
        get
        {
            lock (_gate) return Waiting;
        }
    }

    /// <summary>Completes once exactly <paramref name="count"/> operations are queued and not yet taken (tests).</summary>
    public Task WhenQueued(int count) => _watch.When(count, () => Queued);

    // Completed by the next EnqueueBackground (tests wait for an index pass to queue).
    private TaskCompletionSource? _backgroundQueued;

    /// <summary>Completes once background work is queued and not yet taken (at once if some is).</summary>
    public Task WhenBackgroundQueued()
    {
        lock (_gate)
        {
            if (_background.Count > 0) return Task.CompletedTask;
            return (_backgroundQueued ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>How long background work waits at most while other writes keep coming.</summary>
    internal static readonly TimeSpan BackgroundMaxWait = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Whether a write waits that a running index pass should end early for (<see cref="Enqueue"/>'s
    /// <c>bulk</c>). Read on the writer thread, between the bodies of a pass.
    /// </summary>
    public bool WaitingToBeGivenWay => Volatile.Read(ref _givenWay) > 0;

    /// <param name="bulk">
    /// An append or a staged body: a running index pass does not end early for it. A fill of many
    /// APPENDs keeps writes queued all the time, and passes cut short for them would each write a
    /// segment of FTS5's index of their own, for FTS5 to merge later (a third of the fill's rate,
    /// issue 17). Any other write (a SELECT's claim of \Recent, a STORE) ends a pass after
    /// <see cref="SqliteStore"/>'s least pass time, where it waited for the whole pass (50-100 ms).
    /// </param>
    public Task<T> Enqueue<T>(Func<SqliteConnection, T> work, CancellationToken ct, bool bulk = false)
    {
        ct.ThrowIfCancellationRequested();
        var op = new WriteOp<T>(work, bulk);
        lock (_gate)
        {
            if (_closed) throw new ObjectDisposedException(nameof(SqliteStore));
            _queue.Enqueue(op);
            if (!bulk) _givenWay++;
            OneQueued();
        }
        return op.Task;
    }

    /// <summary>
    /// Work no caller waits on (an index pass): it does not hold up the writes queued behind it.
    /// The writer runs it, alone in its transaction, when no other write is queued, or once it
    /// has waited <see cref="BackgroundMaxWait"/> (so that a busy writer still gets to it). A pass
    /// of 256 bodies takes the writer some 50-100 ms: queued in line, every write after it waited
    /// that long, a SELECT's saved copy of its folder's list among them (issue 17).
    /// </summary>
    public Task<T> EnqueueBackground<T>(Func<SqliteConnection, T> work)
    {
        var op = new WriteOp<T>(work, bulk: true);
        lock (_gate)
        {
            if (_closed) throw new ObjectDisposedException(nameof(SqliteStore));
            _background.Enqueue((op, System.Diagnostics.Stopwatch.GetTimestamp()));
            _backgroundQueued?.TrySetResult();
            _backgroundQueued = null;
            OneQueued();
        }
        return op.Task;
    }

    // Operations queued and not yet taken; read with the gate held.
    private int Waiting => _queue.Count + _background.Count;

    /// <summary>After one operation was queued, with the gate held.</summary>
    private void OneQueued()
    {
        var waiting = Waiting;
        // Only the writer waits on the gate, and only when nothing was queued.
        if (waiting == 1) Monitor.Pulse(_gate);
        _watch.Changed(waiting);
    }

    private void Run()
    {
        var batch = new List<WriteOp>(_maxBatch);
        while (Take(batch))
        {
            RunBatch(batch);
        }
    }

    /// <summary>Waits for work and takes what is queued, up to a batch; false once disposed and drained.</summary>
    private bool Take(List<WriteOp> batch)
    {
        batch.Clear();
        lock (_gate)
        {
            while (_queue.Count == 0 && _background.Count == 0)
            {
                if (_closed) return false;
                Monitor.Wait(_gate);
            }
            if (_background.TryPeek(out var waiting)
                && (_queue.Count == 0 || System.Diagnostics.Stopwatch.GetElapsedTime(waiting.Since) >= BackgroundMaxWait))
            {
                batch.Add(_background.Dequeue().Op);
            }
            else
            {
                while (batch.Count < _maxBatch && _queue.TryDequeue(out var op))
                {
                    batch.Add(op);
                    if (!op.Bulk) _givenWay--;
                }
            }
            _watch.Changed(Waiting);
        }
        return true;
    }

    private void RunBatch(List<WriteOp> batch)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            Exec("BEGIN IMMEDIATE");
            foreach (var op in batch)
            {
                Exec("SAVEPOINT op");
                if (op.Run(_connection)) Exec("RELEASE op");
                // SQLite rolls the whole transaction back itself after some errors (SQLITE_FULL
                // on a full disk, SQLITE_IOERR): the writes before this one are gone with it, so
                // every write of the batch is refused for this one's reason, not for the missing
                // savepoint a ROLLBACK TO would then report (a NO [SERVERBUG] where the client
                // should have read that the disk is full).
                else if (InTransaction) Exec("ROLLBACK TO op; RELEASE op");
                else throw op.Error!;
            }
            Exec("COMMIT");
        }
        catch (Exception e)
        {
            // The commit (or the transaction itself) failed: nothing of this batch is durable.
            try { Exec("ROLLBACK"); } catch (SqliteException) { /* already rolled back by SQLite */ }
            StoreTelemetry.CommitFailed();
            _batchEnded?.Invoke(false);
            // A full disk is the operator's to fix; the callers get StorageFull and the writer
            // carries on with the next batch, which succeeds once space is freed.
            var error = StorageFull.Translate(e);
            foreach (var op in batch) op.Fail(error);
            return;
        }
        StoreTelemetry.Committed(System.Diagnostics.Stopwatch.GetElapsedTime(started), batch.Count);
        _batchEnded?.Invoke(true);
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _operations, batch.Count);
        foreach (var op in batch) op.Complete();
    }

    private void Exec(string sql) => _connection.Exec(sql);

    private bool InTransaction => SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) == 0;

    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }
        _thread.Join();
    }

    private abstract class WriteOp(bool bulk)
    {
        public bool Bulk { get; } = bulk;

        /// <summary>Runs the work; false when it threw (its savepoint is rolled back).</summary>
        public abstract bool Run(SqliteConnection connection);
        /// <summary>What the work threw (translated), once <see cref="Run"/> returned false.</summary>
        public abstract Exception? Error { get; }
        public abstract void Complete();
        public abstract void Fail(Exception error);
    }

    private sealed class WriteOp<T>(Func<SqliteConnection, T> work, bool bulk) : WriteOp(bulk)
    {
        private readonly TaskCompletionSource<T> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _tcs.Task;

        public override Exception? Error => _error;

        public override bool Run(SqliteConnection connection)
        {
            try
            {
                _result = work(connection);
                return true;
            }
            catch (Exception e)
            {
                _error = StorageFull.Translate(e);
                return false;
            }
        }

        public override void Complete()
        {
            if (_error is not null) _tcs.TrySetException(_error);
            else _tcs.TrySetResult(_result!);
        }

        public override void Fail(Exception error) => _tcs.TrySetException(_error ?? error);
    }
}
