using System.Globalization;
using Akka.Configuration;
using Akka.Dispatch;

namespace AkkaImap.Server.Configuration;

/// <summary>
/// Makes the executor of <see cref="ImapDispatcher.Id"/>: <c>dedicated-thread-pool.thread-count</c>
/// threads (the <c>threads</c> setting). Akka names it by type in the dispatcher's <c>executor</c> key.
/// </summary>
public sealed class DedicatedThreadsExecutorConfigurator(Config config, IDispatcherPrerequisites prerequisites)
    : ExecutorServiceConfigurator(config, prerequisites)
{
    public override ExecutorService Produce(string id) =>
        new DedicatedThreadsExecutor(id, Math.Max(1, Config.GetInt("dedicated-thread-pool.thread-count", 1)), ImapDispatcher.ThreadNamePrefix);
}

/// <summary>
/// Exactly N named threads (<c>imap-1</c> … <c>imap-N</c>) taking mailbox runs from one shared
/// queue: any free thread takes the next run, and all N can run at once whatever the core count.
/// Akka's own ForkJoinDispatcher (DedicatedThreadPool) was measured to run no more of its threads
/// at once than the machine has cores, which would cap <c>threads</c> at the core count.
/// <para>
/// Idle threads sleep on a monitor without spinning and without a timeout (a BlockingCollection's
/// semaphore spun and yielded: 8% of the server's CPU under the mixed benchmark went to idle
/// threads calling sched_yield), so an idle server is not woken by its dispatcher. A queued run
/// wakes one sleeping thread when no other thread is already on its way to take it, except the
/// one run an actor on these threads queues for another: its own thread takes that one next. A
/// thread that finishes a run takes the next one without sleeping, and wakes one sleeper when it
/// leaves more behind. Nothing run here blocks (the store does its
/// work on its own threads), so this needs no stall check: before, a 1 ms timer woke one more
/// thread when the awake ones made no progress, and that timer kept an idle process busy.
/// </para>
/// </summary>
internal sealed class DedicatedThreadsExecutor : ExecutorService
{
    private readonly Queue<IRunnable> _runs = new();
    private readonly object _gate = new();
    private int _sleeping; // threads waiting, not pulsed
    private int _waking;   // threads pulsed, not yet back from the wait
    private bool _shutdown;

    // The executor whose thread this is, while it runs runs.
    [ThreadStatic]
    private static DedicatedThreadsExecutor? t_runningOn;

    public DedicatedThreadsExecutor(string id, int threads, string threadNamePrefix)
        : base(id)
    {
        for (var i = 1; i <= threads; i++)
        {
            // Background: the process may exit without waiting for these threads.
            new Thread(Work) { IsBackground = true, Name = threadNamePrefix + i.ToString(CultureInfo.InvariantCulture) }.Start();
        }
    }

    public override void Execute(IRunnable run)
    {
        lock (_gate)
        {
            if (_shutdown)
            {
                throw new RejectedExecutionException($"{Id} is shut down");
            }

            _runs.Enqueue(run);
            // A run queued by one of these threads (an actor telling another) when nothing else
            // waits is taken by that thread once its own run ends: runs are short and nothing here
            // blocks. Waking a sleeper for it mostly woke a thread to find the queue empty again,
            // two context switches per message between actors (issue 17). A second run queued
            // meanwhile wakes one, and Next wakes one for whatever a thread leaves behind.
            if (t_runningOn != this || _runs.Count > 1)
            {
                WakeOneIfWanted();
            }
        }
    }

    private void WakeOneIfWanted()
    {
        if (_sleeping > 0 && _runs.Count > _waking)
        {
            _sleeping--;
            _waking++;
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Runs already queued still run; then the threads end.</summary>
    public override void Shutdown()
    {
        lock (_gate)
        {
            _shutdown = true;
            _waking += _sleeping;
            _sleeping = 0;
            Monitor.PulseAll(_gate);
        }
    }

    private void Work()
    {
        t_runningOn = this;
        while (Next() is { } run)
        {
            try
            {
                run.Run();
            }
            catch (Exception)
            {
                // A mailbox run handles its actor's failures itself; whatever escapes must not
                // cost the pool a thread.
            }
        }
    }

    private IRunnable? Next()
    {
        lock (_gate)
        {
            while (_runs.Count == 0)
            {
                if (_shutdown)
                {
                    return null;
                }

                // The waker moves this thread from sleeping to waking, so that two runs queued
                // at once wake two threads and one run wakes one.
                _sleeping++;
                Monitor.Wait(_gate);
                _waking--;
            }

            var run = _runs.Dequeue();
            WakeOneIfWanted();
            return run;
        }
    }
}
