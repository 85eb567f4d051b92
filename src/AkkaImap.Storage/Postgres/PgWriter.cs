using System.Threading.Channels;
using Npgsql;

namespace AkkaImap.Storage.Postgres;

/// <summary>
/// The PostgreSQL store's group commit, as <see cref="Sqlite.WriteQueue"/> is SQLite's: callers
/// enqueue work; one loop takes as many queued operations as are waiting and runs them in ONE
/// transaction on its own connection (each inside a savepoint, so a refused operation does not
/// undo the others), commits once, then completes every caller. Everything is async: no thread
/// waits for the database.
/// <para>
/// Other processes (other nodes, the CLI) write the same rows. An operation that hits a deadlock
/// or a serialization failure (another writer locked the same folders in the other order) is
/// rolled back to its savepoint and run again; the others in its batch keep their work.
/// </para>
/// </summary>
internal sealed class PgWriter : IAsyncDisposable
{
    private const int MaxAttempts = 8;

    private readonly Channel<WriteOp> _channel = Channel.CreateUnbounded<WriteOp>(new UnboundedChannelOptions { SingleReader = true });
    private readonly NpgsqlDataSource _source;
    private readonly int _maxBatch;
    private readonly bool _fsync;
    private readonly Task _loop;
    private NpgsqlConnection? _connection;
    private long _commits;
    private long _operations;

    /// <param name="fsync">
    /// Off: commits do not wait for the WAL flush (<c>synchronous_commit = off</c> for this
    /// connection), as <c>storage.fsync = off</c> does for SQLite: a crash of PostgreSQL's machine
    /// may lose the last commits, never corrupt the database.
    /// </param>
    public PgWriter(NpgsqlDataSource source, int maxBatch, bool fsync)
    {
        _source = source;
        _fsync = fsync;
        _maxBatch = Math.Max(1, maxBatch);
        _loop = Task.Run(RunAsync);
    }

    public long CommitCount => Interlocked.Read(ref _commits);
    public long OperationCount => Interlocked.Read(ref _operations);

    public Task<T> Enqueue<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var op = new WriteOp<T>(work);
        if (!_channel.Writer.TryWrite(op)) throw new ObjectDisposedException(nameof(PostgresStore));
        return op.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<WriteOp>(_maxBatch);
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxBatch && reader.TryRead(out var op)) batch.Add(op);
            await RunBatchAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task<NpgsqlConnection> ConnectionAsync()
    {
        if (_connection is null)
        {
            var opened = await _source.OpenConnectionAsync().ConfigureAwait(false);
            if (!_fsync) await opened.ExecAsync("SET synchronous_commit = off").ConfigureAwait(false);
            _connection = opened;
        }
        return _connection;
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is { } broken)
        {
            _connection = null;
            await broken.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One operation alone (the usual case when the load is light): no savepoint, and Npgsql sends
    /// BEGIN with its first statement, so the transaction costs one round trip more (the commit).
    /// </summary>
    private async Task RunAloneAsync(WriteOp op)
    {
        try
        {
            var c = await ConnectionAsync().ConfigureAwait(false);
            for (var attempt = 1; ; attempt++)
            {
                await using var tx = await c.BeginTransactionAsync().ConfigureAwait(false);
                if (await op.RunAsync(c).ConfigureAwait(false))
                {
                    await tx.CommitAsync().ConfigureAwait(false);
                    break;
                }
                await tx.RollbackAsync().ConfigureAwait(false);
                if (!op.Retryable || attempt == MaxAttempts)
                {
                    op.Complete();
                    return;
                }
            }
        }
        catch (Exception e)
        {
            await DropConnectionAsync().ConfigureAwait(false);
            op.Fail(StorageFull.Translate(e));
            return;
        }
        Interlocked.Increment(ref _commits);
        Interlocked.Increment(ref _operations);
        op.Complete();
    }

    private async Task RunBatchAsync(List<WriteOp> batch)
    {
        if (batch.Count == 1)
        {
            await RunAloneAsync(batch[0]).ConfigureAwait(false);
            return;
        }
        try
        {
            var c = await ConnectionAsync().ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                var op = batch[i];
                // Several statements in one command are one round trip.
                await c.ExecAsync(i == 0 ? "BEGIN; SAVEPOINT op" : "RELEASE op; SAVEPOINT op").ConfigureAwait(false);
                for (var attempt = 1; ; attempt++)
                {
                    if (await op.RunAsync(c).ConfigureAwait(false)) break;
                    await c.ExecAsync("ROLLBACK TO op").ConfigureAwait(false);
                    if (!op.Retryable || attempt == MaxAttempts) break;
                }
            }
            await c.ExecAsync("RELEASE op; COMMIT").ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The commit, or the transaction itself, failed (a lost connection, a server going
            // down): nothing of this batch is durable. A fresh connection serves the next one.
            await DropConnectionAsync().ConfigureAwait(false);
            var error = StorageFull.Translate(e);
            foreach (var op in batch) op.Fail(error);
            return;
        }
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _operations, batch.Count);
        foreach (var op in batch) op.Complete();
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        if (_connection is { } c) await c.DisposeAsync().ConfigureAwait(false);
    }

    private abstract class WriteOp
    {
        /// <summary>Runs the work; false when it threw (its savepoint is then rolled back).</summary>
        public abstract Task<bool> RunAsync(NpgsqlConnection connection);
        /// <summary>The last failure may go away when run again (a deadlock with another writer).</summary>
        public abstract bool Retryable { get; }
        public abstract void Complete();
        public abstract void Fail(Exception error);
    }

    private sealed class WriteOp<T>(Func<NpgsqlConnection, Task<T>> work) : WriteOp
    {
        private readonly TaskCompletionSource<T> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _tcs.Task;
        public override bool Retryable => _error is not null && Pg.IsRetryable(_error);

        public override async Task<bool> RunAsync(NpgsqlConnection connection)
        {
            try
            {
                _result = await work(connection).ConfigureAwait(false);
                _error = null;
                return true;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // Two writers created the same name at once (two nodes, or the CLI and a node): the
                // second is told what a check in its own transaction would have said.
                _error = new StoreException(StoreError.AlreadyExists, $"it already exists ({e.ConstraintName})");
                return false;
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
