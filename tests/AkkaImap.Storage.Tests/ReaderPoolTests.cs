using AkkaImap.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Tests;

/// <summary>
/// The reader threads of the SQLite store: work runs there and not on the caller's thread, a
/// caller without a context of its own continues there, each thread keeps its connection, and cancellation and disposal
/// settle queued work without running it.
/// </summary>
public sealed class ReaderPoolTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private int _opened;

    private SqliteConnection Open()
    {
        Interlocked.Increment(ref _opened);
        var c = new SqliteConnection("Data Source=:memory:");
        c.Open();
        return c;
    }

    [Fact]
    public async Task Work_runs_on_a_reader_thread_and_the_caller_continues_there_unless_it_has_a_context_of_its_own()
    {
        using var pool = new ReaderPool(2, Open);
        var caller = Environment.CurrentManagedThreadId;
        using var gate = new ManualResetEventSlim();
        var read = pool.Run(_ =>
        {
            gate.Wait(Bound);
            return (Environment.CurrentManagedThreadId, Thread.CurrentThread.Name);
        }, default);
        // Both awaits are registered before the work ends (it waits for the gate).
        var withoutContext = ContinuedOn(read);
        var withContext = read;
        gate.Set();

        var (readerId, readerName) = await withContext;
        Assert.NotEqual(caller, readerId);
        Assert.StartsWith(ReaderPool.ThreadNamePrefix, readerName);
        Assert.True(readerName!.Length <= 15, "Linux shows 15 characters of a thread name");
        // xUnit's context (as an actor's scheduler) gets its continuation back: not on the reader.
        Assert.NotEqual(readerId, Environment.CurrentManagedThreadId);
        // ConfigureAwait(false) code goes on on the reader, with no pool thread woken for it.
        Assert.Equal(readerId, await withoutContext.WaitAsync(Bound));

        static async Task<int> ContinuedOn(Task<(int, string?)> task)
        {
            await task.ConfigureAwait(false);
            return Environment.CurrentManagedThreadId;
        }
    }

    [Fact]
    public async Task Reads_one_after_another_go_to_the_reader_that_was_busy_last()
    {
        // Its page cache holds what the last read read: a client's next read of the same folder
        // finds its pages there, where the reader idle longest would read them from the file.
        using var pool = new ReaderPool(3, Open);
        var threads = new HashSet<int>();
        for (var i = 0; i < 6; i++)
        {
            // From a thread of the test's own, so that the next read is not queued by a reader.
            var ranOn = await Task.Run(() => pool.Run(_ => Environment.CurrentManagedThreadId, default).Result);
            threads.Add(ranOn);
            // Every reader idle again, the last one on top, before the next read is queued.
            var deadline = DateTime.UtcNow + Bound;
            while (pool.IdleReaders < 3 && DateTime.UtcNow < deadline)
            {
                await Task.Yield();
            }
        }

        Assert.Single(threads);
    }

    [Fact]
    public async Task A_reader_opens_its_connection_once_and_keeps_it()
    {
        using var pool = new ReaderPool(1, Open);

        var first = await pool.Run(r => r.Connection, default);
        var second = await pool.Run(r => r.Connection, default);
        var cpuOnly = await pool.Run(_ => 42, default);

        Assert.Same(first, second);
        Assert.Equal(1, _opened);
        Assert.Equal(42, cpuOnly);
    }

    [Fact]
    public async Task Work_cancelled_while_queued_never_runs()
    {
        using var pool = new ReaderPool(1, Open);
        using var release = new ManualResetEventSlim();
        var busy = pool.Run(_ => release.Wait(Bound), default);
        using var cts = new CancellationTokenSource();
        var ran = false;

        var queued = pool.Run(_ => ran = true, cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        release.Set();
        Assert.True(await busy);
        Assert.True(await pool.Run(_ => true, default)); // the pool goes on
        Assert.False(ran);
    }

    [Fact]
    public async Task Disposing_fails_queued_work_and_lets_running_work_finish()
    {
        var pool = new ReaderPool(1, Open);
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var running = pool.Run(_ =>
        {
            started.Set();
            return release.Wait(Bound);
        }, default);
        Assert.True(started.Wait(Bound));
        var queued = pool.Run(_ => "never", default);

        var disposing = Task.Run(pool.Dispose);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => queued);
        release.Set();
        await disposing.WaitAsync(Bound);
        Assert.True(await running);
        // Refused at once, like a write to a disposed store.
        Assert.IsType<ObjectDisposedException>(Record.Exception(RunAfterDispose));

        void RunAfterDispose() => pool.Run(_ => 1, default);
    }

    [Fact]
    public async Task Failing_work_faults_its_task_and_the_reader_goes_on()
    {
        using var pool = new ReaderPool(1, Open);

        await Assert.ThrowsAsync<InvalidOperationException>(() => pool.Run<int>(_ => throw new InvalidOperationException("boom"), default));

        Assert.Equal(7, await pool.Run(_ => 7, default));
    }
}
