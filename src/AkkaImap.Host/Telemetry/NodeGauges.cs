using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using AkkaImap.Server.Telemetry;
using AkkaImap.Storage.Sqlite;

namespace AkkaImap.Host.Telemetry;

/// <summary>
/// Gauges of this node, read at scrape time (meter <see cref="MeterName"/>): the store's size on
/// disk, the owner entities and shards this node hosts (asked of the shard region just before the
/// scrape, <see cref="RefreshAsync"/>), the largest owner queues, and the cluster's members by status
/// and how many are unreachable. Nothing here runs between scrapes: an idle server stays asleep.
/// </summary>
internal sealed class NodeGauges : IDisposable
{
    public const string MeterName = "AkkaImap.Node";

    /// <summary>How many of the largest owner queues are exported (by rank).</summary>
    public const int QueueRanks = 5;

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);
    private static readonly MemberStatus[] Statuses = Enum.GetValues<MemberStatus>();

    private readonly Meter _meter = new(MeterName);
    private readonly string _storePath;
    private volatile ActorSystem? _system;
    private volatile IActorRef? _region;
    private (int Shards, int Entities)? _hosted;

    public NodeGauges(string storePath)
    {
        _storePath = storePath;
        _meter.CreateObservableGauge("akkaimap.store.size", StoreSize, "By", "Size of the store's files on disk (database and its write-ahead log)");
        _meter.CreateObservableGauge("akkaimap.owner.shards", () => Hosted(h => h.Shards), "{shard}", "Owner shards hosted by this node");
        _meter.CreateObservableGauge("akkaimap.owner.entities", () => Hosted(h => h.Entities), "{entity}", "Owner entities (accounts' and post offices' folder owners) alive on this node");
        _meter.CreateObservableGauge("akkaimap.owner.queued_commands", QueuedCommands, "{command}",
            $"Commands waiting for the busiest owners of this node, the largest {QueueRanks} by rank (1: the largest)");
        _meter.CreateObservableGauge("akkaimap.cluster.members", Members, "{member}", "Cluster members by status, as this node sees them");
        _meter.CreateObservableGauge("akkaimap.cluster.unreachable_members", Unreachable, "{member}", "Cluster members this node cannot reach");
    }

    /// <summary>The actor system and the owner region exist: their gauges report from now on.</summary>
    public void Attach(ActorSystem system, IActorRef region)
    {
        _system = system;
        _region = region;
    }

    /// <summary>Asks the region what this node hosts; an unanswered ask leaves the last answer.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        if (_region is not { } region)
        {
            return;
        }
        try
        {
            var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, AskTimeout, ct).ConfigureAwait(false);
            _hosted = (state.Shards.Count, state.Shards.Sum(s => s.EntityIds.Count));
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
        {
            // The region is busy or stopping: keep the last answer.
        }
    }

    private IEnumerable<Measurement<long>> Hosted(Func<(int Shards, int Entities), int> pick) =>
        _hosted is { } hosted ? [new Measurement<long>(pick(hosted))] : [];

    private long StoreSize()
    {
        long total = 0;
        foreach (var suffix in (string[])["", "-wal"])
        {
            var file = new FileInfo(Path.Combine(_storePath, SqliteStore.FileName + suffix));
            if (file.Exists) total += file.Length;
        }
        return total;
    }

    private static IEnumerable<Measurement<long>> QueuedCommands()
    {
        var largest = OwnerQueues.Largest(QueueRanks);
        for (int i = 0; i < QueueRanks; i++)
        {
            yield return new Measurement<long>(i < largest.Count ? largest[i] : 0, new KeyValuePair<string, object?>("rank", RankNames[i]));
        }
    }

    private static readonly string[] RankNames = [.. Enumerable.Range(1, QueueRanks).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private IEnumerable<Measurement<long>> Members()
    {
        if (_system is not { } system)
        {
            yield break;
        }
        var members = Cluster.Get(system).State.Members;
        foreach (var status in Statuses)
        {
            yield return new Measurement<long>(members.Count(m => m.Status == status), new KeyValuePair<string, object?>("status", status.ToString().ToLowerInvariant()));
        }
    }

    private IEnumerable<Measurement<long>> Unreachable() =>
        _system is { } system ? [new Measurement<long>(Cluster.Get(system).State.Unreachable.Count)] : [];

    public void Dispose() => _meter.Dispose();
}
