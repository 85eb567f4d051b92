using System.Globalization;

namespace AkkaImap.Server.Configuration;

/// <summary>
/// The dispatcher that runs session, mailbox and worker actors (<c>Props.WithDispatcher(ImapDispatcher.Id)</c>),
/// and Akka.Cluster.Sharding's own actors (<c>akka.cluster.sharding.use-dispatcher</c>): a command
/// crosses the shard region and its shard on the way from a session to its owner, and on these
/// threads the thread that sent it carries it on (<see cref="DedicatedThreadsExecutor"/>) instead
/// of waking a thread of Akka's internal dispatcher for each hop.
/// Its dedicated threads (<see cref="DedicatedThreadsExecutor"/>, <see cref="ThreadCount(int)"/>) carry
/// actor work only: socket completions and async I/O stay on the .NET thread pool.
/// </summary>
public static class ImapDispatcher
{
    public const string Id = "akka-imap-dispatcher";

    /// <summary>
    /// Its threads are <c>imap-1</c> … <c>imap-N</c>: short, because Linux keeps 15 characters of a
    /// thread name (<c>/proc/PID/task/*/comm</c>, <c>top -H</c>), where an operator counts them.
    /// </summary>
    public const string ThreadNamePrefix = "imap-";

    /// <summary>
    /// The dispatcher's threads for <c>threads</c> = <paramref name="threads"/>: that many, but at
    /// most two per core (at least two). Nothing run on them blocks (the store, socket completions
    /// and rendering run on threads of their own), so more only take turns on the cores: at 200
    /// clients on 2 cores, 32 threads spent 14 times their running time waiting to run, the store's
    /// writer among them, and 4 answered 7-8% more commands per CPU-second (bench/README.md).
    /// </summary>
    public static int ThreadCount(int threads) => Math.Min(threads, Math.Max(2, 2 * Environment.ProcessorCount));

    /// <summary>The thread count a started actor system's dispatcher was given (an operator's file may set it).</summary>
    public static int ThreadCount(Akka.Configuration.Config config) => config.GetInt(Id + ".dedicated-thread-pool.thread-count", 0);

    /// <summary>
    /// The HOCON block that defines <see cref="Id"/> with <paramref name="threads"/> threads, and
    /// runs the sharding actors on it, picks the <see cref="OnDemandScheduler"/> (Akka's default scheduler ticks every 10 ms, which
    /// kept an idle server busy), and defines <see cref="LeanMailbox"/> for the actors every
    /// connection has; a configuration that sets any of these keys itself wins over this.
    /// </summary>
    public static string Hocon(int threads) =>
        $$"""
        akka.scheduler.implementation = "{{typeof(OnDemandScheduler).AssemblyQualifiedName}}"
        akka.cluster.sharding.use-dispatcher = {{Id}}
        {{Id}} {
          type = Dispatcher
          executor = "{{typeof(DedicatedThreadsExecutorConfigurator).AssemblyQualifiedName}}"
          throughput = 30
          dedicated-thread-pool {
            thread-count = {{threads.ToString(CultureInfo.InvariantCulture)}}
          }
        }
        {{LeanMailbox.Id}} {
          mailbox-type = "{{typeof(LeanMailbox).AssemblyQualifiedName}}"
        }
        """;
}
