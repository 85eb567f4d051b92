using Akka.Actor;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Workers;
using Xunit;

namespace AkkaImap.Server.Tests.Workers;

public sealed class WorkerPoolTests : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public void Work_results_go_back_to_the_sender()
    {
        var pool = WorkerPool.Create(Sys, threads: 2);

        pool.Tell(new RunWork(async () =>
        {
            await Task.Yield();
            return "done";
        }), TestActor);

        ExpectMsg("done");
    }

    [Fact]
    public void Failing_work_answers_status_failure_and_the_worker_goes_on()
    {
        var pool = WorkerPool.Create(Sys, threads: 1);

        pool.Tell(new RunWork(() => throw new InvalidOperationException("boom")), TestActor);
        var failure = ExpectMsg<Status.Failure>();
        Assert.Equal("boom", failure.Cause.Message);

        pool.Tell(new RunWork(() => Task.FromResult<object>(42)), TestActor);
        ExpectMsg(42);
    }

    [Fact]
    public async Task Work_with_a_completion_completes_it_and_the_worker_takes_the_next()
    {
        var pool = WorkerPool.Create(Sys, threads: 1);
        var failed = new TaskCompletionSource<object>();
        var done = new TaskCompletionSource<object>();

        pool.Tell(new RunWork(async () =>
        {
            await Task.Yield();
            throw new InvalidOperationException("boom");
        }, Completion: failed));
        pool.Tell(new RunWork(() => Task.FromResult<object>("second"), Completion: done));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("boom", error.Message);
        Assert.Equal("second", await done.Task.WaitAsync(TimeSpan.FromSeconds(10)));

        // Nothing was also told to the sender: the next reply it gets is this fence's, which the
        // one worker takes only after it has answered both items above.
        pool.Tell(new RunWork(() => Task.FromResult<object>("fence")), TestActor);
        ExpectMsg("fence");
    }

    [Fact]
    public void Tagged_typed_work_comes_back_as_work_completed()
    {
        var pool = WorkerPool.Create(Sys, threads: 3);

        for (int i = 0; i < 6; i++)
        {
            int n = i;
            pool.Run(() => Task.FromResult(n * n), TestActor, tag: n);
        }

        var results = Enumerable.Range(0, 6).Select(_ => ExpectMsg<WorkCompleted>()).ToDictionary(c => (int)c.Tag, c => (int)c.Result);
        Assert.Equal(Enumerable.Range(0, 6).ToDictionary(n => n, n => n * n), results);
    }

    [Fact]
    public async Task Workers_run_on_the_imap_dispatcher_when_it_is_configured()
    {
        using var system = ActorSystem.Create("with-dispatcher", ImapDispatcher.Hocon(2));
        var pool = WorkerPool.Create(system, threads: 2);
        var probe = new Akka.TestKit.TestProbe(system, new Akka.TestKit.Xunit2.XunitAssertions());

        pool.Tell(new RunWork(() => Task.FromResult<object>(Thread.CurrentThread.Name ?? "")), probe.Ref);

        var threadName = probe.ExpectMsg<string>();
        Assert.StartsWith(ImapDispatcher.ThreadNamePrefix, threadName);
        await system.Terminate();
    }
}
