using Akka.Actor;
using AkkaImap.Server.Configuration;
using Xunit;

namespace AkkaImap.Server.Tests.Threads;

/// <summary>
/// The executor behind <see cref="ImapDispatcher.Hocon"/>: every one of its threads can work at
/// once, even more threads than the machine has cores (Akka's ForkJoinDispatcher ran at most
/// as many as the cores: with 3 threads on 2 cores, three blocked actors never all ran).
/// </summary>
public sealed class DedicatedThreadsExecutorTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task More_threads_than_cores_all_run_at_once()
    {
        var threads = Environment.ProcessorCount + 2;
        using var system = ActorSystem.Create("executor-test", ImapDispatcher.Hocon(threads) + "\nakka.loglevel = WARNING");
        try
        {
            using var allStarted = new Barrier(threads);
            var actors = Enumerable.Range(0, threads)
                .Select(_ => system.ActorOf(Props.Create(() => new Blocker(allStarted)).WithDispatcher(ImapDispatcher.Id)))
                .ToList();

            var replies = await Task.WhenAll(actors.Select(a => a.Ask<(bool AllStarted, string? Thread)>("go", Bound)));

            Assert.All(replies, r => Assert.True(r.AllStarted, "not every thread ran at the same time"));
            Assert.Equal(threads, replies.Select(r => r.Thread).Distinct().Count());
            Assert.All(replies, r => Assert.StartsWith(ImapDispatcher.ThreadNamePrefix, r.Thread));
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Blocks its thread until every blocker has started, then says whether they all did.</summary>
    private sealed class Blocker : ReceiveActor
    {
        public Blocker(Barrier allStarted) =>
            Receive<string>(_ => Sender.Tell((allStarted.SignalAndWait(Bound), Thread.CurrentThread.Name)));
    }
}
