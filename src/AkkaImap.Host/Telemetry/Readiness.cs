using Akka.Actor;
using Akka.Cluster;
using AkkaImap.Storage;

namespace AkkaImap.Host.Telemetry;

/// <summary>
/// What <c>/health/ready</c> checks: the IMAP listeners are bound, the store answers a read within
/// <see cref="StoreTimeout"/>, and this node is Up in its cluster (a cluster of one included). Each
/// failing check is one phrase of the 503 answer.
/// </summary>
internal sealed class Readiness(IStore store)
{
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(2);

    private volatile bool _listening;
    private volatile ActorSystem? _system;

    /// <summary>The actor system is up (cluster state can be read).</summary>
    public void Attach(ActorSystem system) => _system = system;

    /// <summary>Listeners bound (true) or unbound for the shutdown (false).</summary>
    public void Listening(bool bound) => _listening = bound;

    public async Task<IReadOnlyList<string>> ProblemsAsync(CancellationToken ct)
    {
        var problems = new List<string>();
        if (!_listening)
        {
            problems.Add("IMAP listeners are not bound");
        }
        if (_system is not { } system)
        {
            problems.Add("the actor system is not started");
        }
        else if (Cluster.Get(system).SelfMember.Status is var status && status != MemberStatus.Up)
        {
            problems.Add($"this cluster node is {status}, not Up");
        }
        try
        {
            // Any read through the reader pool: folder 0 never exists.
            await store.GetFolderAsync(0, ct).WaitAsync(StoreTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            problems.Add(ex is TimeoutException ? $"the store did not answer within {StoreTimeout.TotalSeconds:0} s" : $"the store failed: {ex.GetBaseException().Message}");
        }
        return problems;
    }
}
