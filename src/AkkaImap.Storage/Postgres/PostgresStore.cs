using AkkaImap.Storage.Sqlite;
using Npgsql;

namespace AkkaImap.Storage.Postgres;

/// <summary>
/// The cluster store: every node, and the CLI, open the same PostgreSQL database. Reads run on
/// pooled connections (<see cref="StoreOptions.PoolSize"/>), fully async. Writes go through
/// <see cref="StoreOptions.Writers"/> group-committing loops (<see cref="PgWriter"/>), each on a
/// connection of its own; a folder's writes always take the same one (by folder id, or by owner
/// for folder operations), so they keep their order and never wait for each other's row locks.
/// Unlike SQLite's single writer thread, which runs each statement in-process, every statement
/// here is a round trip: several writers keep commits flowing while one waits for the server. CPU work that needs no connection
/// (PBKDF2, MIME analysis) runs on a few threads of its own, as in the SQLite store, never on the
/// caller's (an actor's) thread. UIDs and MODSEQs are allocated under the folder's row lock in the
/// database, so several processes writing one folder take turns and never reuse a UID.
/// </summary>
public sealed partial class PostgresStore : IStore, IDisposable
{
    /// <summary>The NOTIFY channel that wakes change-feed watchers on every node.</summary>
    public const string ChangeChannel = "akkaimap_changes";

    private readonly NpgsqlDataSource _source;
    private readonly StoreOptions _options;
    private readonly PgWriter[] _writers;
    private long _stagedLane;
    private readonly ReaderPool _cpu;
    private readonly ChangeListener _listener;
    private int _disposed;

    /// <summary>
    /// This store as a holder of owner leases (<see cref="StoreOptions.OwnerLeases"/>): drawn when
    /// it opens, so a restarted node is a new holder; null without leases.
    /// </summary>
    private readonly long? _holder;

    private PostgresStore(NpgsqlDataSource source, StoreOptions options, long? holder)
    {
        _source = source;
        _options = options;
        _holder = holder;
        _writers = [.. Enumerable.Range(0, Math.Max(1, options.Writers)).Select(_ => new PgWriter(source, options.MaxBatch, options.Fsync))];
        _cpu = new ReaderPool(options.Readers, () => throw new InvalidOperationException("no connection on the PostgreSQL store's CPU threads"), "pg-cpu-");
        _listener = new ChangeListener(source);
    }

    /// <summary>The schema version this build writes (the <c>schema_version</c> table).</summary>
    public const int SchemaVersion = PostgresSchema.Version;

    /// <summary>Write transactions committed by this instance (each may carry many operations).</summary>
    internal long CommitCount => _writers.Sum(w => w.CommitCount);

    /// <summary>
    /// Opens the store on <paramref name="connectionString"/> (an Npgsql connection string) and
    /// migrates its schema to this build's version (see <see cref="PostgresSchema"/>). Throws
    /// <see cref="StoreVersionException"/> when a newer AkkaImap wrote it.
    /// </summary>
    public static async Task<PostgresStore> OpenAsync(string connectionString, StoreOptions? options = null, CancellationToken ct = default)
    {
        options ??= new StoreOptions();
        long? holder = options.OwnerLeases ? Random.Shared.NextInt64(1, long.MaxValue) : null;
        var source = CreateDataSource(connectionString, options, holder);
        try
        {
            await using (var c = await source.OpenConnectionAsync(ct).ConfigureAwait(false))
            {
                await PostgresSchema.MigrateAsync(c, ct).ConfigureAwait(false);
            }
            return new PostgresStore(source, options, holder);
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The schema version the database holds (0: none yet) and the one this build knows.</summary>
    public static async Task<(int Found, int Known)> ReadSchemaVersionAsync(string connectionString, CancellationToken ct = default)
    {
        await using var source = CreateDataSource(connectionString, new StoreOptions(), holder: null);
        await using var c = await source.OpenConnectionAsync(ct).ConfigureAwait(false);
        return (await PostgresSchema.ReadVersionAsync(c, ct).ConfigureAwait(false), PostgresSchema.Version);
    }

    private static NpgsqlDataSource CreateDataSource(string connectionString, StoreOptions options, long? holder)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // The pool bounds this process's connections (readers, the writer, the listener); a
        // connection string that sets its own wins.
        if (!connectionString.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase)
            && !connectionString.Contains("Max Pool Size", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxPoolSize = options.PoolSize;
        }
        // Nothing here changes a pooled connection's session state, so it needs no reset (a round
        // of statements on the server) each time it goes back to the pool.
        builder.NoResetOnClose = true;
        // Npgsql prepares a statement on the server once it has been used a few times.
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 128;
        builder.CommandTimeout = Math.Max(builder.CommandTimeout, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds));
        // Every statement's plan once, not at every execution: with an array parameter (the UIDs of
        // a FETCH or a STORE) PostgreSQL's own choice kept planning each execution, the custom plan
        // always looking cheaper than the generic one, and planning was 27% of its CPU under the
        // mixed load (bench/README.md). A connection string that sets plan_cache_mode wins.
        if (builder.Options?.Contains("plan_cache_mode", StringComparison.OrdinalIgnoreCase) != true)
            builder.Options = $"{builder.Options} -c plan_cache_mode=force_generic_plan".Trim();
        // A serving node's connections name their store, for the owner lease check of every write
        // (akkaimap_check_holder).
        if (holder is { } h)
            builder.Options = $"{builder.Options} -c akkaimap.holder={h}".Trim();
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    /// <summary>A directory write: the first writer.</summary>
    private Task<T> Write<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct) => Write(0, work, ct);

    /// <summary>A write on the writer of <paramref name="lane"/> (a folder id, an owner id).</summary>
    private Task<T> Write<T>(long lane, Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return Writer(lane).Enqueue(work, ct);
    }

    private PgWriter Writer(long lane) => _writers[(int)((ulong)lane % (ulong)_writers.Length)];

    private Task Write(long lane, Func<NpgsqlConnection, Task> work, CancellationToken ct) =>
        Write<bool>(lane, async c => { await work(c).ConfigureAwait(false); return true; }, ct);

    /// <summary>
    /// A write that is one statement (positional parameters), on the writer of <paramref name="lane"/>:
    /// packed with the other statements of its group commit into one round trip.
    /// </summary>
    private Task<T> Statement<T>(long lane, string sql, object?[] args, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return Writer(lane).Enqueue(sql, args, read, ct);
    }

    /// <summary>A statement whose arguments are prepared off the caller's thread first (MIME analysis), as <see cref="PrepareThenWrite{TPrepared, T}(long, Func{TPrepared}, Func{NpgsqlConnection, TPrepared, Task{T}}, CancellationToken)"/>.</summary>
    private Task<T> PrepareThenStatement<T>(long lane, Func<object?[]> prepare, string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return Then(_cpu.Run(_ => prepare(), ct));

        async Task<T> Then(Task<object?[]> preparing) => await Statement(lane, sql, await preparing.ConfigureAwait(false), read, ct).ConfigureAwait(false);
    }

    /// <summary>A read on a pooled connection.</summary>
    private async Task<T> Read<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await using var c = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await work(c).ConfigureAwait(false);
    }

    /// <summary>A multi-statement read inside one snapshot.</summary>
    private Task<T> ReadSnapshot<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct) =>
        Read(async c =>
        {
            await using var tx = await c.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
            var result = await work(c).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return result;
        }, ct);

    /// <summary>
    /// Prepares a write off the caller's thread (PBKDF2, MIME analysis) on the store's CPU
    /// threads, then queues it for the writer with what was prepared.
    /// </summary>
    private Task<T> PrepareThenWrite<TPrepared, T>(Func<TPrepared> prepare, Func<NpgsqlConnection, TPrepared, Task<T>> work, CancellationToken ct) =>
        PrepareThenWrite(0, prepare, work, ct);

    private Task<T> PrepareThenWrite<TPrepared, T>(long lane, Func<TPrepared> prepare, Func<NpgsqlConnection, TPrepared, Task<T>> work, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return Then(_cpu.Run(_ => prepare(), ct));

        async Task<T> Then(Task<TPrepared> preparing)
        {
            var prepared = await preparing.ConfigureAwait(false);
            return await Write(lane, c => work(c, prepared), ct).ConfigureAwait(false);
        }
    }

    /// <summary>CPU work (a PBKDF2 check) on the store's own threads, then a read with its result.</summary>
    private async Task<TPrepared> OnCpu<TPrepared>(Func<TPrepared> work, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return await _cpu.Run(_ => work(), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Tests: keeps the writer of <paramref name="lane"/> busy until <paramref name="release"/>
    /// completes, so that the writes queued meanwhile are taken as one group commit.
    /// </summary>
    internal Task HoldWriterAsync(long lane, Task release) => Write(lane, async _ => { await release.ConfigureAwait(false); return true; }, CancellationToken.None);

    /// <summary>Tests: completes once exactly <paramref name="count"/> writes wait for the writer of <paramref name="lane"/>.</summary>
    internal Task WhenQueuedWrites(long lane, int count) => Writer(lane).WhenQueued(count);

    /// <summary>A setting of the store's connections as PostgreSQL shows it (tests).</summary>
    internal Task<string> ShowAsync(string setting, CancellationToken ct = default) =>
        Read(async c => (await c.ScalarAsync<string>("SELECT current_setting(@s)", ("@s", setting)).ConfigureAwait(false))!, ct);

    /// <summary>Number of stored message bodies (each shared by all its copies).</summary>
    internal Task<long> CountBlobsAsync(CancellationToken ct = default) =>
        Read(c => c.ScalarAsync<long>("SELECT count(*) FROM blobs"), ct);

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // A pass under way ends at its next step; the bodies it did not take stay pending.
        await _closing.CancelAsync().ConfigureAwait(false);
        try { await IndexPasses.ConfigureAwait(false); } catch (Exception) { /* the pass catches its own */ }
        _cpu.Dispose();
        await _listener.DisposeAsync().ConfigureAwait(false);
        foreach (var writer in _writers) await writer.DisposeAsync().ConfigureAwait(false);
        await _source.DisposeAsync().ConfigureAwait(false);
        _closing.Dispose();
    }
}
