using Npgsql;

namespace AkkaImap.Storage.Postgres;

// The directory's change feed (IChangeFeed): rows written beside each change, NOTIFY in the same
// transaction (PostgreSQL delivers it at commit, to every node's LISTEN), instead of SQLite's signal file.
public sealed partial class PostgresStore
{
    private const string ChangeColumns = "id, kind, account_id, post_office_id, folder_id, time";

    public Task<long> GetLatestChangeIdAsync(CancellationToken ct = default) =>
        Read(c => c.ScalarAsync<long>("SELECT value FROM meta WHERE key = 'change_last'"), ct);

    public Task<IReadOnlyList<DirectoryChange>> GetChangesSinceAsync(long afterId, int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return Read<IReadOnlyList<DirectoryChange>>(async c => await c.ListAsync(
            $"SELECT {ChangeColumns} FROM changes WHERE id > @id ORDER BY id LIMIT @n",
            r => new DirectoryChange(r.GetInt64(0), (DirectoryChangeKind)r.GetInt32(1),
                r.IsDBNull(2) ? null : r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3), r.IsDBNull(4) ? null : r.GetInt64(4),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5))),
            ("@id", afterId), ("@n", (long)limit)).ConfigureAwait(false), ct);
    }

    /// <summary>
    /// Hears NOTIFY on <see cref="ChangeChannel"/> through one connection that LISTENs (shared by
    /// every watch of this store), whichever node or CLI committed the change.
    /// </summary>
    public IDisposable Watch(Action onSignal, Action<Exception>? onError = null)
    {
        ArgumentNullException.ThrowIfNull(onSignal);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _listener.Add(onSignal, onError);
    }

    /// <summary>
    /// Writes one change row inside the running write operation (so in the change's own
    /// transaction), first trimming rows older than <see cref="StoreOptions.ChangeRetention"/>.
    /// The id comes from meta('change_last'), whose row stays locked until this transaction
    /// commits: change rows become visible in id order, so a watcher reading "after id N" never
    /// misses one that commits late.
    /// </summary>
    public Task RecordMailAddedAsync(long accountId, long postOfficeId, long folderId, CancellationToken ct = default) =>
        Write(async c =>
        {
            await RecordChange(c, DirectoryChangeKind.MailAdded, accountId, postOfficeId, folderId);
            return true;
        }, ct);

    private async Task RecordChange(NpgsqlConnection c, DirectoryChangeKind kind, long? accountId = null, long? postOfficeId = null, long? folderId = null)
    {
        var id = await c.ScalarAsync<long>("UPDATE meta SET value = value + 1 WHERE key = 'change_last' RETURNING value").ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var cutoff = now - (long)Math.Min(_options.ChangeRetention.TotalMilliseconds, now);
        if (await c.ScalarAsync<long?>("SELECT time FROM changes ORDER BY id LIMIT 1").ConfigureAwait(false) is { } oldest && oldest < cutoff)
        {
            await c.ExecAsync("DELETE FROM changes WHERE time < @t", ("@t", cutoff)).ConfigureAwait(false);
        }
        await c.ExecAsync("INSERT INTO changes(id, kind, account_id, post_office_id, folder_id, time) VALUES (@id, @k, @a, @p, @f, @t)",
            ("@id", id), ("@k", (int)kind), ("@a", Pg.Big(accountId)), ("@p", Pg.Big(postOfficeId)), ("@f", Pg.Big(folderId)), ("@t", now)).ConfigureAwait(false);
        // Delivered when (and only if) the transaction commits; several in one transaction are one.
        await c.ExecAsync($"NOTIFY {ChangeChannel}").ConfigureAwait(false);
    }
}
