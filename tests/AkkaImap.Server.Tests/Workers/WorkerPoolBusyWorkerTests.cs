using Akka.Actor;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Workers;
using Xunit;

namespace AkkaImap.Server.Tests.Workers;

/// <summary>
/// Quick work (a FETCH chunk) never waits behind slow work (a SEARCH over a large folder) while a
/// worker is free: a pool of 2 with one worker occupied serves every quick item with the other.
/// Round-robin sent every other item behind the slow one; Akka.NET's smallest-mailbox routing
/// counts only queued messages, and a busy worker's queue is empty, so it did the same.
/// </summary>
public sealed class WorkerPoolBusyWorkerTests() : Akka.TestKit.Xunit2.TestKit(ImapDispatcher.Hocon(2) + "\nakka.loglevel = WARNING")
{
    private const int QuickItems = 4;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public void Quick_work_completes_while_slow_work_awaits_the_store()
    {
        var pool = WorkerPool.Create(Sys, threads: 2);
        // Suspended inside the worker's ReceiveAsync, as a SEARCH is while the store reads.
        var slow = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.Tell(new RunWork(() => slow.Task, "slow"), TestActor);

        EachQuickItemCompletes(pool);

        slow.SetResult("searched");
        ExpectMsg<WorkCompleted>(c => Assert.Equal(("slow", "searched"), (c.Tag, c.Result)), Bound);
    }

    [Fact]
    public void Quick_work_completes_while_slow_work_keeps_a_thread_busy()
    {
        var pool = WorkerPool.Create(Sys, threads: 2);
        using var release = new ManualResetEventSlim();
        // Holds its thread, as a long CPU-bound run does (MIME decoding of many messages).
        pool.Tell(new RunWork(() => Task.FromResult<object>(release.Wait(Bound)), "slow"), TestActor);

        EachQuickItemCompletes(pool);

        release.Set();
        ExpectMsg<WorkCompleted>(c => Assert.Equal(("slow", true), (c.Tag, c.Result)), Bound);
    }

    /// <summary>One at a time, so that each finds the same situation: one worker busy, one free.</summary>
    private void EachQuickItemCompletes(IActorRef pool)
    {
        for (var i = 0; i < QuickItems; i++)
        {
            var n = i;
            pool.Tell(new RunWork(() => Task.FromResult<object>(n * n), n), TestActor);
            ExpectMsg<WorkCompleted>(c => Assert.Equal((n, n * n), ((int)c.Tag, (int)c.Result)), Bound);
        }
    }
}
