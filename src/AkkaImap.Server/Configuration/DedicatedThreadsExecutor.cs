using System.Collections.Concurrent;
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
/// </summary>
internal sealed class DedicatedThreadsExecutor : ExecutorService
{
    private readonly BlockingCollection<IRunnable> _runs = new();

    public DedicatedThreadsExecutor(string id, int threads)
        : base(id)
    {
        for (var i = 1; i <= threads; i++)
        {
            // Background: the process may exit without waiting for these threads.
            new Thread(Work) { IsBackground = true, Name = id + "_" + i.ToString(CultureInfo.InvariantCulture) }.Start();
        }
    }

    public override void Execute(IRunnable run)
    {
        try
        {
            _runs.Add(run);
        }
        catch (InvalidOperationException)
        {
            throw new RejectedExecutionException($"{Id} is shut down");
        }
    }

    public override void Shutdown() => _runs.CompleteAdding();

    private void Work()
    {
        foreach (var run in _runs.GetConsumingEnumerable())
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
}
