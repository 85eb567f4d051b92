using Akka.Actor;

namespace AkkaImap.Server.Workers;

/// <summary>
/// The pool of <c>threads</c> workers (SPEC: "a router pool sized by threads, on a dedicated
/// dispatcher") for heavy read work handed over by sessions as <see cref="RunWork"/>. A work item
/// goes to a worker that is free, or waits in the pool's one queue until one is: quick work never
/// waits behind a slow SEARCH while another worker could take it.
/// <para>
/// Not an Akka router: round-robin sends every N-th item to a worker however busy it is, and
/// Akka.NET's smallest-mailbox routing counts only queued messages, while a busy worker's queue is
/// empty (the message it runs has been taken out, also while its ReceiveAsync awaits the store),
/// so it picks a busy worker first. Akka.NET has no balancing pool. Here the workers say when they
/// are free (<see cref="WorkerFree"/>), and the pool hands out work only to free ones.
/// </para>
/// </summary>
public static class WorkerPool
{
    public const string DefaultName = "workers";

    /// <summary>Props of the pool; it and its workers run on <c>akka-imap-dispatcher</c> when it is configured.</summary>
    public static Props Props(ActorSystem system, int threads) =>
        Akka.Actor.Props.Create(() => new WorkerPoolActor(Math.Max(1, threads))).OnImapDispatcher(system);

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

/// <summary>
/// Holds the free workers and the work waiting for one. The workers are its children; each takes
/// one item at a time and reports <see cref="WorkerFree"/> when it has answered.
/// </summary>
internal sealed class WorkerPoolActor : ReceiveActor
{
    private readonly Queue<IActorRef> _free = new();
    private readonly Queue<(RunWork Work, IActorRef ReplyTo)> _waiting = new();

    public WorkerPoolActor(int workers)
    {
        for (var i = 1; i <= workers; i++)
        {
            _free.Enqueue(Context.ActorOf(Akka.Actor.Props.Create<Worker>().OnImapDispatcher(Context.System), "worker-" + i));
        }

        Receive<RunWork>(work =>
        {
            if (_free.TryDequeue(out var worker))
            {
                worker.Tell(work, Sender);
            }
            else
            {
                _waiting.Enqueue((work, Sender));
            }
        });
        Receive<WorkerFree>(_ =>
        {
            if (_waiting.TryDequeue(out var next))
            {
                Sender.Tell(next.Work, next.ReplyTo);
            }
            else
            {
                _free.Enqueue(Sender);
            }
        });
    }
}
