using System.Globalization;
using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Sqlite;

/// <summary>
/// A fixed set of reader threads (<see cref="StoreOptions.Readers"/>), each with its own SQLite
/// connection, taking work from one queue. Reads, PBKDF2 and MIME analysis run here, never on the
/// caller's thread: the callers are actors (sessions, account owners) whose threads must not
/// block. SQLite is synchronous, so the blocking is confined to these threads.
/// <para>
/// A caller's task completes on the reader thread. An actor awaiting it continues on its own
/// dispatcher as always (its await queues the rest to the actor); code that awaits with
/// <c>ConfigureAwait(false)</c> (rendering a FETCH on a worker, analysing then writing an APPEND)
/// goes on right here, where it would otherwise have waited for a .NET pool thread to wake: one
/// context switch less per read (issue 17). Such code does no blocking wait (nothing in the server
/// does), so a reader is busy with it no longer than a pool thread would be. Idle threads sleep on
/// a monitor without a timeout: an idle store wakes nothing.
/// </para>
/// </summary>
internal sealed class ReaderPool : IDisposable
{
    /// <summary>Thread names stay within Linux's 15 visible characters (<c>/proc/PID/task/*/comm</c>).</summary>
    public const string ThreadNamePrefix = "sqlite-read-";

    private readonly Queue<Operation> _queue = new();
    private readonly object _gate = new();
    // The readers waiting for work, the one that went idle last on top: it is the one woken.
    private readonly Stack<Idle> _idle = new();
    private readonly Func<SqliteConnection> _open;
    private readonly Thread[] _threads;
    private bool _closed;

    // The pool whose reader thread this is.
    [ThreadStatic]
    private static ReaderPool? t_runningOn;

    public ReaderPool(int readers, Func<SqliteConnection> open, string namePrefix = ThreadNamePrefix)
    {
        _open = open;
        _threads = new Thread[Math.Max(1, readers)];
        for (var i = 0; i < _threads.Length; i++)
        {
            // Background: a process that forgets to dispose the store may still exit.
            _threads[i] = new Thread(Work)
            {
                IsBackground = true,
                Name = namePrefix + (i + 1).ToString(CultureInfo.InvariantCulture),
            };
            _threads[i].Start();
        }
    }

    /// <summary>
    /// Queues <paramref name="work"/> for the next free reader; it gets that reader's connection
    /// (opened on first use and kept, so its prepared statements are reused). A token cancelled
    /// while the work waits in the queue cancels the task and the work never runs; work that
    /// has started runs to its end (one SQLite statement batch, short by construction).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The pool is disposed.</exception>
    public Task<T> Run<T>(Func<Reader, T> work, CancellationToken ct)
    {
        if (ct.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(ct);
        }

        // Registered before the reader can see the operation, which then owns the registration.
        var op = new Operation<T>(work, ct);
        lock (_gate)
        {
            if (!_closed)
            {
                _queue.Enqueue(op);
                // Queued by code continuing on one of these threads (a FETCH's second read after
                // its first) with nothing else waiting: that thread takes it as soon as the code
                // awaits it, so no other reader is woken for it. Anything more wakes one.
                if ((t_runningOn != this || _queue.Count > 1) && _idle.TryPop(out var idle))
                {
                    idle.Wake();
                }

                return op.Task;
            }
        }

        op.Fail(new ObjectDisposedException(nameof(SqliteStore)));
        throw new ObjectDisposedException(nameof(SqliteStore));
    }

    /// <summary>How many readers wait for work (for tests).</summary>
    internal int IdleReaders
    {
        get
        {
            lock (_gate) return _idle.Count;
        }
    }

    /// <summary>
    /// Work already running ends; queued work fails with <see cref="ObjectDisposedException"/>;
    /// then each thread closes its connection and ends.
    /// </summary>
    public void Dispose()
    {
        Operation[] abandoned;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            abandoned = [.. _queue];
            _queue.Clear();
            while (_idle.TryPop(out var idle))
            {
                idle.Wake();
            }
        }

        var disposed = new ObjectDisposedException(nameof(SqliteStore));
        foreach (var op in abandoned)
        {
            op.Fail(disposed);
        }

        foreach (var thread in _threads)
        {
            if (thread != Thread.CurrentThread)
            {
                thread.Join();
            }
        }
    }

    private void Work()
    {
        t_runningOn = this;
        var reader = new Reader(_open);
        var idle = new Idle();
        try
        {
            while (Next(idle) is { } op)
            {
                op.Run(reader);
            }
        }
        finally
        {
            reader.Close();
        }
    }

    /// <summary>
    /// The next operation, or null once the pool is closed. With nothing queued the reader waits
    /// on its own <paramref name="idle"/>, pushed on the stack of idle readers: work arriving
    /// wakes the reader that went idle last, whose page cache holds the pages read most recently
    /// (a client's next read of the same folder), where a queue of waiters would wake the one
    /// idle longest. Under load every reader is busy and takes work as it comes.
    /// </summary>
    private Operation? Next(Idle idle)
    {
        while (true)
        {
            lock (_gate)
            {
                if (_queue.Count > 0)
                {
                    return _queue.Dequeue();
                }

                if (_closed)
                {
                    return null;
                }

                idle.Prepare();
                _idle.Push(idle);
            }

            // Woken, the queue may be empty again (a busy reader took the work first): look again.
            idle.Wait();
        }
    }

    /// <summary>A reader waiting for work; its own monitor, so that one reader, chosen, is woken.</summary>
    private sealed class Idle
    {
        private bool _woken;

        public void Prepare() => _woken = false;

        public void Wait()
        {
            lock (this)
            {
                while (!_woken)
                {
                    Monitor.Wait(this);
                }
            }
        }

        public void Wake()
        {
            lock (this)
            {
                _woken = true;
                Monitor.Pulse(this);
            }
        }
    }

    /// <summary>What a reader thread offers its work: its own connection, opened on first use.</summary>
    internal sealed class Reader(Func<SqliteConnection> open)
    {
        private SqliteConnection? _connection;

        public SqliteConnection Connection => _connection ??= open();

        public void Close()
        {
            _connection?.Dispose();
            _connection = null;
        }
    }

    private abstract class Operation
    {
        public abstract void Run(Reader reader);

        public abstract void Fail(Exception error);
    }

    private sealed class Operation<T> : Operation
    {
        private readonly TaskCompletionSource<T> _done = new();
        private readonly Func<Reader, T> _work;
        private readonly CancellationTokenRegistration _cancellation;

        public Operation(Func<Reader, T> work, CancellationToken ct)
        {
            _work = work;
            if (ct.CanBeCanceled)
            {
                _cancellation = ct.UnsafeRegister(static (state, token) => ((TaskCompletionSource<T>)state!).TrySetCanceled(token), _done);
            }
        }

        public Task<T> Task => _done.Task;

        public override void Run(Reader reader)
        {
            // Cancelled while queued: its caller has moved on.
            if (_done.Task.IsCompleted)
            {
                return;
            }

            try
            {
                _done.TrySetResult(_work(reader));
            }
            catch (Exception e)
            {
                _done.TrySetException(e);
            }
            finally
            {
                _cancellation.Dispose();
            }
        }

        public override void Fail(Exception error)
        {
            _done.TrySetException(error);
            _cancellation.Dispose();
        }
    }
}
