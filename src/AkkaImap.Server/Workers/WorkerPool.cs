using Akka.Actor;
using Akka.Routing;

namespace AkkaImap.Server.Workers;

/// <summary>
/// The round-robin pool of <c>threads</c> workers (SPEC: "a router pool sized by threads, on a
/// dedicated dispatcher") for heavy read work handed over by sessions as <see cref="RunWork"/>.
/// </summary>
public static class WorkerPool
{
    public const string DefaultName = "workers";

    /// <summary>Props of the pool; the workers run on <c>akka-imap-dispatcher</c> when it is configured.</summary>
    public static Props Props(ActorSystem system, int threads) =>
        Akka.Actor.Props.Create<Worker>()
            .OnImapDispatcher(system)
            .WithRouter(new RoundRobinPool(Math.Max(1, threads)));

    /// <summary>Starts the pool as a top-level actor.</summary>
    public static IActorRef Create(ActorSystem system, int threads, string name = DefaultName) =>
        system.ActorOf(Props(system, threads), name);

    /// <summary>
    /// Sends typed work; the result (boxed) or <see cref="Status.Failure"/> goes to
    /// <paramref name="replyTo"/>, wrapped in <see cref="WorkCompleted"/> when <paramref name="tag"/> is set.
    /// </summary>
    public static void Run<T>(this IActorRef pool, Func<Task<T>> work, IActorRef replyTo, object? tag = null) where T : notnull =>
        pool.Tell(new RunWork(async () => await work().ConfigureAwait(false), tag), replyTo);
}
