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
        new DedicatedThreadsExecutor(id, Math.Max(1, Config.GetInt("dedicated-thread-pool.thread-count", 1)));
}

/// <summary>
/// Exactly N named threads (<c>{id}_1</c> … <c>{id}_N</c>) taking mailbox runs from one shared queue:
/// any idle thread takes the next run. Akka's own ForkJoinDispatcher (DedicatedThreadPool) was
/// measured to run no more of its threads at once than the machine has cores (3 threads, 2 cores:
/// three actors blocking together never all ran), which would cap <c>threads</c> at the core count
/// and let two slow commands stall every session.
/// <para>
/// Idle threads sleep on a monitor without spinning (a BlockingCollection's semaphore spun and
/// yielded: 8% of the server's CPU under the mixed benchmark went to idle threads calling
/// sched_yield). A new run wakes a sleeping thread only while fewer threads than cores are awake;
/// otherwise an awake thread takes it when its current run ends, saving a sleep and a wake per
/// actor message. So that runs never wait behind threads that block (a long SEARCH reads the
/// store synchronously), a run left queued for <see cref="StallCheck"/> wakes one more thread.
/// </para>
/// </summary>
internal sealed class DedicatedThreadsExecutor : ExecutorService
{
    private static readonly TimeSpan StallCheck = TimeSpan.FromMilliseconds(1);

    private readonly Queue<IRunnable> _runs = new();
    private readonly object _gate = new();
    private readonly int _threads;
    private readonly int _awakeTarget = Math.Max(1, Environment.ProcessorCount);
    private readonly Timer _stallTimer;
    private int _sleeping;        // threads waiting and not yet pulsed
    private long _taken;          // runs dequeued so far: progress, for the stall check
    private long _takenWhenArmed;
    private bool _stallTimerArmed;
    private bool _shutdown;

    public DedicatedThreadsExecutor(string id, int threads)
        : base(id)
    {
        _threads = threads;
        _stallTimer = new Timer(_ => OnStallCheck());
        for (var i = 1; i <= threads; i++)
        {
            // Background: the process may exit without waiting for these threads.
            new Thread(Work) { IsBackground = true, Name = id + "_" + i.ToString(CultureInfo.InvariantCulture) }.Start();
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
            WakeIfNeeded();
        }
    }

    /// <summary>Runs already queued still run; then the threads end.</summary>
    public override void Shutdown()
    {
        lock (_gate)
        {
            _shutdown = true;
            _sleeping = 0;
            Monitor.PulseAll(_gate);
        }
        _stallTimer.Dispose();
    }

    private void Work()
    {
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

                // The waker counts the wake (so that two runs queued at once wake two threads).
                _sleeping++;
                Monitor.Wait(_gate);
            }

            var run = _runs.Dequeue();
            _taken++;
            if (_runs.Count > 0)
            {
                WakeIfNeeded();
            }

            return run;
        }
    }

    /// <summary>Called holding the gate with at least one run queued.</summary>
    private void WakeIfNeeded()
    {
        if (_sleeping == 0)
        {
            return;
        }

        var awake = _threads - _sleeping;
        if (awake < _awakeTarget || _runs.Count > awake)
        {
            _sleeping--;
            Monitor.Pulse(_gate);
        }
        else
        {
            ArmStallTimer();
        }
    }

    private void ArmStallTimer()
    {
        if (_stallTimerArmed || _shutdown)
        {
            return;
        }

        _stallTimerArmed = true;
        _takenWhenArmed = _taken;
        _stallTimer.Change(StallCheck, Timeout.InfiniteTimeSpan);
    }

    private void OnStallCheck()
    {
        lock (_gate)
        {
            _stallTimerArmed = false;
            if (_runs.Count == 0 || _sleeping == 0 || _shutdown)
            {
                return;
            }

            if (_taken == _takenWhenArmed)
            {
                // The awake threads took nothing for a while: they are blocked. One more joins them.
                _sleeping--;
                Monitor.Pulse(_gate);
            }
            ArmStallTimer();
        }
    }
}
