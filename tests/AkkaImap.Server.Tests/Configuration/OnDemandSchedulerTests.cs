using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using AkkaImap.Server.Configuration;
using Xunit;

namespace AkkaImap.Server.Tests.Configuration;

/// <summary>
/// The scheduler without a tick that <see cref="ImapDispatcher.Hocon"/> selects: tasks run once
/// when due, cancelled ones never, repeated ones until cancelled; on shutdown, pending ones once.
/// Each negative check waits for a later task rather than for a span of time.
/// </summary>
public sealed class OnDemandSchedulerTests() : Akka.TestKit.Xunit2.TestKit(ImapDispatcher.Hocon(2) + "\nakka.loglevel = WARNING")
{
    [Fact]
    public void The_imap_actor_system_runs_on_it()
    {
        Assert.IsType<OnDemandScheduler>(Sys.Scheduler);
    }

    [Fact]
    public void A_scheduled_tell_arrives_once_when_due()
    {
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(20), TestActor, "ping", ActorRefs.NoSender);
        ExpectMsg("ping");

        // Scheduled only now: two timers due while the process stalls (a loaded CI machine) may
        // fire in either order, and then "later" came first.
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(200), TestActor, "later", ActorRefs.NoSender);
        ExpectMsg("later");
    }

    [Fact]
    public void A_cancelled_tell_never_arrives()
    {
        var cancelled = Sys.Scheduler.ScheduleTellOnceCancelable(TimeSpan.FromMilliseconds(50), TestActor, "cancelled", ActorRefs.NoSender);
        cancelled.Cancel();
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(200), TestActor, "later", ActorRefs.NoSender);

        ExpectMsg("later");
    }

    [Fact]
    public void A_repeated_task_runs_until_cancelled()
    {
        var runs = 0;
        var repeating = new Cancelable(Sys.Scheduler);
        Sys.Scheduler.Advanced.ScheduleRepeatedly(TimeSpan.Zero, TimeSpan.FromMilliseconds(5), () =>
        {
            if (Interlocked.Increment(ref runs) == 3)
            {
                TestActor.Tell("three runs");
            }
        }, repeating);
        ExpectMsg("three runs");

        repeating.Cancel();
        var atCancel = Volatile.Read(ref runs);
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(200), TestActor, "later", ActorRefs.NoSender);
        ExpectMsg("later");

        // At most the run that was under way when it was cancelled; 5 ms apart, 40 more otherwise.
        Assert.InRange(Volatile.Read(ref runs), atCancel, atCancel + 1);
    }

    [Fact]
    public void Shutting_down_runs_each_pending_task_once_and_refuses_new_ones()
    {
        using var owned = new OnDemandScheduler(ConfigurationFactory.Default(), NoLogger.Instance);
        IScheduler scheduler = owned;
        var runs = 0;
        scheduler.Advanced.ScheduleOnce(TimeSpan.FromHours(1), () => Interlocked.Increment(ref runs));
        var cancelled = new Cancelable(scheduler);
        scheduler.Advanced.ScheduleOnce(TimeSpan.FromHours(1), () => Interlocked.Add(ref runs, 100), cancelled);
        cancelled.Cancel();

        owned.Dispose();

        Assert.Equal(1, runs);
        Assert.Throws<SchedulerException>(() => scheduler.Advanced.ScheduleOnce(TimeSpan.Zero, () => { }));
    }
}
