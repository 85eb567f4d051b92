using System.Globalization;

namespace AkkaImap.Server.Configuration;

/// <summary>
/// The dispatcher that runs session, mailbox and worker actors (<c>Props.WithDispatcher(ImapDispatcher.Id)</c>),
/// and Akka.Cluster.Sharding's own actors (<c>akka.cluster.sharding.use-dispatcher</c>): a command
/// crosses the shard region and its shard on the way from a session to its owner, and on these
/// threads the thread that sent it carries it on (<see cref="DedicatedThreadsExecutor"/>) instead
/// of waking a thread of Akka's internal dispatcher for each hop.
/// Its <c>threads</c> dedicated threads (<see cref="DedicatedThreadsExecutor"/>) carry actor work
/// only: socket completions and async I/O stay on the .NET thread pool.
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
