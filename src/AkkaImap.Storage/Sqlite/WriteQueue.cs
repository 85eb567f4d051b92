using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Sqlite;

/// <summary>
/// The single writer. Callers enqueue work; one dedicated thread takes as many queued
/// operations as are waiting, runs them in ONE transaction (each inside its own savepoint so a
/// refused operation does not undo the others), commits once and then completes every caller.
/// Many concurrent APPENDs therefore cost one fsync (FACTS.md: batching is 30-150x cheaper).
/// </summary>
internal sealed class WriteQueue : IDisposable
{
    private readonly Channel<WriteOp> _channel = Channel.CreateUnbounded<WriteOp>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly int _maxBatch;
    private readonly Action<bool>? _batchEnded;
    private readonly Thread _thread;
    private long _commits;
    private long _operations;

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

    public Task<T> Enqueue<T>(Func<SqliteConnection, T> work, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var op = new WriteOp<T>(work);
        if (!_channel.Writer.TryWrite(op)) throw new ObjectDisposedException(nameof(SqliteStore));
        return op.Task;
    }

    private void Run()
    {
        var batch = new List<WriteOp>(_maxBatch);
        var reader = _channel.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            while (batch.Count < _maxBatch && reader.TryRead(out var op)) batch.Add(op);
            RunBatch(batch);
        }
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
                else Exec("ROLLBACK TO op; RELEASE op");
            }
            Exec("COMMIT");
        }
        catch (Exception e)
        {
            // The commit (or the transaction itself) failed: nothing of this batch is durable.
            try { Exec("ROLLBACK"); } catch (SqliteException) { /* already rolled back by SQLite */ }
            StoreTelemetry.CommitFailed();
            _batchEnded?.Invoke(false);
            foreach (var op in batch) op.Fail(e);
            return;
        }
        StoreTelemetry.Committed(System.Diagnostics.Stopwatch.GetElapsedTime(started), batch.Count);
        _batchEnded?.Invoke(true);
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _operations, batch.Count);
        foreach (var op in batch) op.Complete();
    }

    private void Exec(string sql) => _connection.Exec(sql);

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _thread.Join();
    }

    private abstract class WriteOp
    {
        /// <summary>Runs the work; false when it threw (its savepoint is rolled back).</summary>
        public abstract bool Run(SqliteConnection connection);
        public abstract void Complete();
        public abstract void Fail(Exception error);
    }

    private sealed class WriteOp<T>(Func<SqliteConnection, T> work) : WriteOp
    {
        private readonly TaskCompletionSource<T> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _tcs.Task;

        public override bool Run(SqliteConnection connection)
        {
            try
            {
                _result = work(connection);
                return true;
            }
            catch (Exception e)
            {
                _error = e;
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
