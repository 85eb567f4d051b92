using AkkaImap.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Tests;

/// <summary>
/// The single writer's group commit on a real SQLite file: writes queued together share one
/// transaction, and a write whose error ends that transaction refuses every write of it for
/// that error (SQLite rolls a transaction back itself on a full disk; the writes before it went
/// with it, and a ROLLBACK TO its savepoint then failed as "no such savepoint").
/// </summary>
public sealed class WriteQueueTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "akkaimap-writequeue-" + Guid.NewGuid().ToString("N") + ".db");
    private readonly SqliteConnection _connection;

    public WriteQueueTests()
    {
        _connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        _connection.Open();
        _connection.Exec("PRAGMA journal_mode=WAL");
        _connection.Exec("CREATE TABLE t(x BLOB)");
    }

    public void Dispose()
    {
        _connection.Dispose();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" }) File.Delete(file);
    }

    [Fact]
    public async Task Background_work_runs_after_the_writes_queued_behind_it_alone_in_its_transaction()
    {
        using var queue = new WriteQueue(_connection, maxBatch: 100);
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var order = new List<string>();
        var holding = queue.Enqueue(_ =>
        {
            started.Set();
            return release.Wait(TimeSpan.FromSeconds(30));
        }, CancellationToken.None);
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        var commits = queue.CommitCount;

        var pass = queue.EnqueueBackground(_ => { order.Add("pass"); return true; });
        var first = queue.Enqueue(_ => { order.Add("first"); return true; }, CancellationToken.None);
        var second = queue.Enqueue(_ => { order.Add("second"); return true; }, CancellationToken.None);
        release.Set();
        await Task.WhenAll(holding, pass, first, second);

        Assert.Equal(["first", "second", "pass"], order);
        Assert.Equal(3, queue.CommitCount - commits); // the holding batch, the two writes, the pass
    }

    [Fact]
    public async Task A_full_database_refuses_every_write_of_the_batch_as_full_and_the_next_batch_commits()
    {
        var pages = _connection.Scalar<long>("PRAGMA page_count");
        _connection.Exec($"PRAGMA max_page_count = {pages + 8}");
        using var queue = new WriteQueue(_connection, maxBatch: 100);
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();

        // The writer holds this one, in a batch of its own, while the others queue up behind it:
        // they make the next batch.
        var holding = queue.Enqueue(_ =>
        {
            started.Set();
            return release.Wait(TimeSpan.FromSeconds(30));
        }, CancellationToken.None);
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        var before = queue.Enqueue(c => c.Exec("INSERT INTO t VALUES (x'01')"), CancellationToken.None);
        var tooBig = queue.Enqueue(c => c.Exec("INSERT INTO t VALUES (zeroblob(1000000))"), CancellationToken.None);
        var after = queue.Enqueue(c => c.Exec("INSERT INTO t VALUES (x'02')"), CancellationToken.None);
        release.Set();
        Assert.True(await holding);

        foreach (var refused in new[] { before, tooBig, after })
        {
            var error = await Assert.ThrowsAsync<StoreException>(() => refused);
            Assert.Equal(StoreError.StorageFull, error.Error);
        }
        await queue.Enqueue(c => c.Exec("INSERT INTO t VALUES (x'03')"), CancellationToken.None);
        Assert.Equal(1L, _connection.Scalar<long>("SELECT count(*) FROM t"));
    }
}
