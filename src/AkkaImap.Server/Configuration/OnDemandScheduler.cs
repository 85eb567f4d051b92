using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace AkkaImap.Server.Configuration;

/// <summary>
/// Akka's scheduler (<c>akka.scheduler.implementation</c>) without a tick: each scheduled task is
/// a .NET timer, so the process sleeps until the next task is due and, with nothing scheduled,
/// not at all. Akka's <see cref="HashedWheelTimerScheduler"/> woke every
/// <c>akka.scheduler.tick-duration</c> (10 ms) to look at its wheel, scheduled or not: measured
/// on an idle server, 100 wake-ups a second cost 5% of a core, mostly .NET pool threads spinning
/// after each wake. Timing is also finer here: a task runs when due (the timer's millisecond),
/// not at the next tick.
/// <para>
/// Tasks run on the .NET thread pool, as the timer callbacks they are. A cancelled task's timer
/// is released at once (an idle-timeout cancelled by every command must not linger for 30
/// minutes). Disposing (when the actor system ends) stops every timer and runs each task still
/// pending once, as Akka's own scheduler does; scheduling after that throws
/// <see cref="SchedulerException"/>.
/// </para>
/// </summary>
public sealed class OnDemandScheduler(Config config, ILoggingAdapter log)
    : SchedulerBase(config, log), IDateTimeOffsetNowTimeProvider, IDisposable
{
    // Roots the timers (a Timer nobody references may be collected) and lists what Dispose runs.
    private readonly ConcurrentDictionary<ScheduledTask, byte> _pending = new();
    private volatile bool _disposed;

    protected override DateTimeOffset TimeNow => DateTimeOffset.Now;

    public override TimeSpan MonotonicClock => Clock.Elapsed();

    public override TimeSpan HighResMonotonicClock => Clock.ElapsedHighRes();

    protected override void InternalScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Schedule(delay, Timeout.InfiniteTimeSpan, new ScheduledTell(receiver, message, sender), cancelable);

    protected override void InternalScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Schedule(initialDelay, interval, new ScheduledTell(receiver, message, sender), cancelable);

    protected override void InternalScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable) =>
        Schedule(delay, Timeout.InfiniteTimeSpan, new ActionRunnable(action), cancelable);

    protected override void InternalScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable) =>
        Schedule(delay, Timeout.InfiniteTimeSpan, action, cancelable);

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable) =>
        Schedule(initialDelay, interval, new ActionRunnable(action), cancelable);

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable) =>
        Schedule(initialDelay, interval, action, cancelable);

    public void Dispose()
    {
        _disposed = true;
        foreach (var task in _pending.Keys)
        {
            if (task.Stop() && !task.IsCancelled)
            {
                task.RunOnce();
            }
        }
    }

    private void Schedule(TimeSpan delay, TimeSpan interval, IRunnable action, ICancelable? cancelable)
    {
        if (_disposed)
        {
            throw new SchedulerException("cannot schedule after the scheduler was shut down");
        }

        if (cancelable is { IsCancellationRequested: true })
        {
            return;
        }

        var task = new ScheduledTask(this, action, cancelable, interval);
        _pending[task] = 0;
        task.Start(delay);
    }

    /// <summary>One scheduled task: its timer, and its release when cancelled or done.</summary>
    private sealed class ScheduledTask
    {
        private readonly OnDemandScheduler _owner;
        private readonly IRunnable _action;
        private readonly ICancelable? _cancelable;
        private readonly TimeSpan _interval;
        private readonly Timer _timer;
        private CancellationTokenRegistration _onCancel;
        private int _stopped;

        public ScheduledTask(OnDemandScheduler owner, IRunnable action, ICancelable? cancelable, TimeSpan interval)
        {
            _owner = owner;
            _action = action;
            _cancelable = cancelable;
            _interval = interval;
            // Created stopped: it must not fire before this object is complete.
            _timer = new Timer(static state => ((ScheduledTask)state!).Fire(), this, Timeout.Infinite, Timeout.Infinite);
        }

        public bool IsCancelled => _cancelable?.IsCancellationRequested ?? false;

        public void Start(TimeSpan delay)
        {
            if (_cancelable is not null)
            {
                _onCancel = _cancelable.Token.UnsafeRegister(static state => ((ScheduledTask)state!).Stop(), this);
            }

            try
            {
                _timer.Change(delay, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Cancelled in the meantime: its registration has already released the timer.
            }
        }

        /// <summary>Releases the timer; false when it was already released.</summary>
        public bool Stop()
        {
            if (Interlocked.Exchange(ref _stopped, 1) != 0)
            {
                return false;
            }

            _timer.Dispose();
            _onCancel.Dispose();
            _owner._pending.TryRemove(this, out _);
            return true;
        }

        public void RunOnce()
        {
            try
            {
                _action.Run();
            }
            catch (SchedulerException)
            {
                // From an actor that has ended: nothing to do.
            }
            catch (Exception ex)
            {
                _owner.Log.Error(ex, "Error while executing scheduled task {0}", _action);
            }
        }

        private void Fire()
        {
            if (_interval == Timeout.InfiniteTimeSpan)
            {
                // Claimed by releasing it first, so that a shutdown at the same moment does not
                // run it a second time.
                if (Stop() && !IsCancelled)
                {
                    Run();
                }

                return;
            }

            if (Volatile.Read(ref _stopped) != 0)
            {
                return;
            }

            if (IsCancelled || !Run())
            {
                // As Akka's scheduler does: a task that fails is not run again.
                Stop();
                return;
            }

            // The next run is armed once this one has ended, so that runs of one task never
            // overlap (Akka's scheduler runs them one after another on its thread, too).
            try
            {
                _timer.Change(_interval, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Cancelled while it ran.
            }
        }

        private bool Run()
        {
            try
            {
                _action.Run();
                return true;
            }
            catch (Exception ex)
            {
                _owner.Log.Error(ex, "Error while executing scheduled task {0}", _action);
                return false;
            }
        }
    }

    /// <summary>
    /// Akka's own monotonic clock (internal to Akka, which also reads it directly), so that times
    /// from this scheduler and from Akka compare; a stopwatch of our own if it is ever renamed.
    /// </summary>
    private static class Clock
    {
        private static readonly System.Diagnostics.Stopwatch Fallback = System.Diagnostics.Stopwatch.StartNew();

        public static readonly Func<TimeSpan> Elapsed = Read("Elapsed");

        public static readonly Func<TimeSpan> ElapsedHighRes = Read("ElapsedHighRes");

        private static Func<TimeSpan> Read(string property) =>
            typeof(ActorSystem).Assembly.GetType("Akka.Util.MonotonicClock")
                ?.GetProperty(property, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
                ?.GetMethod?.CreateDelegate<Func<TimeSpan>>()
            ?? (() => Fallback.Elapsed);
    }

    private sealed class ScheduledTell(ICanTell receiver, object message, IActorRef sender) : IRunnable
    {
        public void Run() => receiver.Tell(message, sender);

        public void Execute() => Run();

        public override string ToString() => $"[{receiver}.Tell({message}, {sender})]";
    }
}
