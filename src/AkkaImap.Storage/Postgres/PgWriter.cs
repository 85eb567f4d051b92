using System.Threading.Channels;
using Npgsql;

namespace AkkaImap.Storage.Postgres;

/// <summary>
/// The PostgreSQL store's group commit, as <see cref="Sqlite.WriteQueue"/> is SQLite's: callers
/// enqueue work; one loop takes as many queued operations as are waiting and commits them together
/// on its own connection, then completes every caller. Everything is async: no thread waits for
/// the database.
/// <para>
/// Two kinds of operation. A STATEMENT (<see cref="Enqueue{T}(string, object?[], Func{NpgsqlDataReader, T}, CancellationToken)"/>:
/// the message writes, each one call of a function of <see cref="PgWriteFunctions"/>) is packed
/// with the other statements taken into one <see cref="NpgsqlBatch"/>: the whole group commit is
/// ONE round trip, run by PostgreSQL as one implicit transaction (no BEGIN, no COMMIT, no
/// savepoint). When one statement fails (a refusal such as over quota, or a deadlock with another
/// node), nothing of the batch is committed and the batch runs again without it (or, for a
/// deadlock, with it: up to <see cref="MaxAttempts"/> times), so a refused operation never undoes
/// the others. A CLOSURE (<see cref="Enqueue{T}(Func{NpgsqlConnection, Task{T}}, CancellationToken)"/>:
/// folder and directory writes, rarer and of several dependent statements) runs its statements one
/// by one inside a transaction, each operation in a savepoint so a refused one does not undo the
/// others; a deadlocked one is rolled back to its savepoint and run again.
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
    private int _queued;
    private readonly QueueCountWatch _watch = new();

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

    /// <summary>Operations queued and not yet taken by the loop (a single-reader channel cannot count them).</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>Completes once exactly <paramref name="count"/> operations are queued and not yet taken (tests).</summary>
    public Task WhenQueued(int count) => _watch.When(count, () => Queued);

    public Task<T> Enqueue<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct) => Enqueue(new WriteOp<T>(work), ct);

    /// <summary>
    /// One statement (positional parameters <c>$1</c>, <c>$2</c>, ... from <paramref name="args"/>)
    /// whose one result row <paramref name="read"/> turns into the caller's result.
    /// </summary>
    public Task<T> Enqueue<T>(string sql, object?[] args, Func<NpgsqlDataReader, T> read, CancellationToken ct) =>
        Enqueue(new StatementOp<T>(sql, args, read), ct);

    private Task<T> Enqueue<T>(WriteOp<T> op, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _queued);
        if (!_channel.Writer.TryWrite(op))
        {
            Interlocked.Decrement(ref _queued);
            throw new ObjectDisposedException(nameof(PostgresStore));
        }
        _watch.Changed(Queued);
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
            _watch.Changed(Interlocked.Add(ref _queued, -batch.Count));
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
        // Statements first, in one round trip; then the closures, if any. Operations taken together
        // were queued concurrently (a caller awaits each of its writes), so either order is theirs.
        var statements = batch.OfType<IStatementOp>().ToList();
        var closures = statements.Count == 0 ? batch : batch.Where(op => op is not IStatementOp).ToList();
        // RunStatementsAsync takes the refused ones out of the list it is given.
        if (statements.Count > 0) await RunStatementsAsync(statements).ConfigureAwait(false);
        if (closures.Count == 0) return;
        if (closures.Count == 1)
        {
            await RunAloneAsync(closures[0]).ConfigureAwait(false);
            return;
        }
        await RunClosuresAsync(closures).ConfigureAwait(false);
    }

    /// <summary>
    /// Every statement in one batch: one round trip and one implicit transaction. A statement that
    /// fails undoes the batch; it is failed alone (or kept, when a deadlock may go away) and the rest
    /// sent again. PostgreSQL runs the statements in order and stops at the first error, so the
    /// failed one is the one whose result was being read.
    /// </summary>
    private async Task RunStatementsAsync(List<IStatementOp> pending)
    {
        var attempts = new Dictionary<IStatementOp, int>();
        while (pending.Count > 0)
        {
            var reading = 0;
            try
            {
                var c = await ConnectionAsync().ConfigureAwait(false);
                await using var batch = new NpgsqlBatch(c);
                foreach (var op in pending) batch.BatchCommands.Add(op.CreateCommand());
                await using (var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false))
                {
                    for (; reading < pending.Count; reading++)
                    {
                        if (reading > 0) await reader.NextResultAsync().ConfigureAwait(false);
                        await pending[reading].ReadAsync(reader).ConfigureAwait(false);
                    }
                }
                // The reader is consumed up to ReadyForQuery: the implicit transaction has committed.
                Interlocked.Increment(ref _commits);
                Interlocked.Add(ref _operations, pending.Count);
                foreach (var op in pending) ((WriteOp)op).Complete();
                return;
            }
            catch (PostgresException e) when (reading < pending.Count && !IsBroken(e))
            {
                var op = pending[reading];
                attempts[op] = attempts.GetValueOrDefault(op) + 1;
                if (!Pg.IsRetryable(e) || attempts[op] == MaxAttempts)
                {
                    op.SetError(e);
                    ((WriteOp)op).Complete();
                    pending.RemoveAt(reading);
                }
                foreach (var other in pending) other.Reset();
            }
            catch (Exception e)
            {
                // The commit, or the connection, failed: nothing of these operations is durable.
                // A fresh connection serves the next ones.
                await DropConnectionAsync().ConfigureAwait(false);
                var error = StorageFull.Translate(e);
                foreach (var op in pending) ((WriteOp)op).Fail(error);
                return;
            }
        }
    }

    /// <summary>A statement's error that also lost the connection (the server shut down): nothing to send again on it.</summary>
    private bool IsBroken(PostgresException e) => _connection is not { State: System.Data.ConnectionState.Open } || e.SqlState.StartsWith("57P", StringComparison.Ordinal);

    private async Task RunClosuresAsync(List<WriteOp> batch)
    {
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

    /// <summary>An operation that is one statement, packed with others into one batch.</summary>
    private interface IStatementOp
    {
        NpgsqlBatchCommand CreateCommand();
        /// <summary>Reads this statement's result (the reader is on its result set).</summary>
        Task ReadAsync(NpgsqlDataReader reader);
        void SetError(Exception error);
        /// <summary>Forgets what the last attempt read: its batch was not committed.</summary>
        void Reset();
    }

    private class WriteOp<T>(Func<NpgsqlConnection, Task<T>> work) : WriteOp
    {
        private readonly TaskCompletionSource<T> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        protected T? _result;
        protected Exception? _error;

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
                _error = Translate(e);
                return false;
            }
        }

        protected static Exception Translate(Exception e) => StorageFull.Translate(PgWriteFunctions.Translate(e));

        public override void Complete()
        {
            if (_error is not null) _tcs.TrySetException(_error);
            else _tcs.TrySetResult(_result!);
        }

        public override void Fail(Exception error) => _tcs.TrySetException(_error ?? error);
    }

    private sealed class StatementOp<T> : WriteOp<T>, IStatementOp
    {
        private readonly string _sql;
        private readonly object?[] _args;
        private readonly Func<NpgsqlDataReader, T> _read;

        public StatementOp(string sql, object?[] args, Func<NpgsqlDataReader, T> read) : base(null!)
        {
            _sql = sql;
            _args = args;
            _read = read;
        }

        public NpgsqlBatchCommand CreateCommand()
        {
            var command = new NpgsqlBatchCommand(_sql);
            // A batch sent again gets new commands: a parameter belongs to one command only.
            foreach (var arg in _args) command.Parameters.Add(arg is NpgsqlParameter ready ? ready.Clone() : Pg.Parameter(arg));
            return command;
        }

        public async Task ReadAsync(NpgsqlDataReader reader)
        {
            if (!await reader.ReadAsync().ConfigureAwait(false)) throw new InvalidOperationException($"no result row from {_sql}");
            _result = _read(reader);
            _error = null;
        }

        public void SetError(Exception error) => _error = Translate(error);

        public void Reset() => _result = default;

        /// <summary>Among closures (a batch of both kinds): run alone in the closures' transaction.</summary>
        public override async Task<bool> RunAsync(NpgsqlConnection connection)
        {
            try
            {
                await using var batch = new NpgsqlBatch(connection);
                batch.BatchCommands.Add(CreateCommand());
                await using var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
                await ReadAsync(reader).ConfigureAwait(false);
                return true;
            }
            catch (Exception e)
            {
                SetError(e);
                return false;
            }
        }
    }
}
