using System.Globalization;
using System.Net.Http;
using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.IntegrationTests.Postgres;
using AkkaImap.IntegrationTests.Telemetry;
using Xunit;

namespace AkkaImap.IntegrationTests.Cluster;

/// <summary>
/// One node of <see cref="ClusterFixture"/> (or <see cref="BootstrapClusterFixture"/>): a real
/// <c>akkaimap serve</c> on loopback with its own data folder, IMAP, remoting and telemetry ports,
/// storing in the cluster's PostgreSQL and joining the others through <c>akka.cluster.seed-nodes</c>
/// (or the <paramref name="membership"/> HOCON given in their place), with failure detection and the
/// Split Brain Resolver shortened so a killed node is downed within seconds. <paramref name="settings"/>
/// are more <c>akka-imap</c> keys (the fixture's <see cref="ClusterFixture.NodeSettings"/>).
/// </summary>
public sealed class ClusterNode(int index, PostgresForServer postgres, IReadOnlyList<int> remotingPorts, IReadOnlyDictionary<string, string> users, string settings = "", string? membership = null) : ServerFixture
{
    public int Index { get; } = index;

    public int RemotingPort => remotingPorts[Index];

    public int MetricsPort { get; } = FreePort();

    public override IReadOnlyDictionary<string, string> Users => users;

    /// <summary>The first node makes the post office and the mailboxes; the others find them in the shared store.</summary>
    protected override bool Provisions => Index == 0;

    protected override string ExtraSettings => $$"""
        {{postgres.Settings}}
        # A command sent to an owner on a node that just died is answered NO within this.
        limits.owner-reply-timeout = 20s
        telemetry.prometheus.port = {{MetricsPort}}
        {{settings}}
        """;

    protected override string ExtraAkkaSettings => $$"""
        # Between nodes every message is really serialized. Serializing local messages as well breaks
        # Akka's own cluster events (members lose their up-number, so nodes disagree on the oldest
        # and the shard coordinator singleton moves back and forth).
        akka.actor.serialize-messages = off
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = {{RemotingPort}} }
        {{membership ?? $"akka.cluster.seed-nodes = [{string.Join(", ", remotingPorts.Select(p => $"\"akka.tcp://akkaimap@127.0.0.1:{p}\""))}]"}}
        akka.cluster {
          seed-node-timeout = 2s
          failure-detector.acceptable-heartbeat-pause = 4s
          split-brain-resolver.stable-after = 3s
        }
        """;

    /// <summary>This node's /metrics.</summary>
    public async Task<PrometheusScrape> ScrapeAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return new PrometheusScrape(await http.GetStringAsync(TelemetryUrl("/metrics")));
    }

    /// <summary>A path on this node's telemetry endpoint (/metrics, /health/ready).</summary>
    public string TelemetryUrl(string path) => $"http://127.0.0.1:{MetricsPort.ToString(CultureInfo.InvariantCulture)}{path}";
}

/// <summary>
/// A private PostgreSQL and three <c>akkaimap serve</c> processes on loopback forming one cluster
/// over it, once per test class. The first node forms the cluster; the other two join it.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public const int NodeCount = 3;

    /// <summary>The accounts the load runs on: six, so that every node owns some of them.</summary>
    public static readonly IReadOnlyList<string> Loaded = Enumerable.Range(1, 6).Select(i => $"user{i}@example.com").ToArray();

    /// <summary>An account the administrator removes while it is signed in on two nodes.</summary>
    public const string Removed = "leaver@example.com";

    public static readonly IReadOnlyDictionary<string, string> Users = Loaded.Append(Removed)
        .ToDictionary(login => login, login => login[..login.IndexOf('@')] + "-Secret-7");

    private PostgresForServer? _postgres;

    public IReadOnlyList<ClusterNode> Nodes { get; private set; } = [];

    public PostgresForServer Postgres => _postgres!;

    /// <summary>More <c>akka-imap</c> keys for every node.</summary>
    protected virtual string NodeSettings => string.Empty;

    public virtual async Task InitializeAsync()
    {
        _postgres = await PostgresForServer.StartAsync();
        var remoting = Enumerable.Range(0, NodeCount).Select(_ => ServerFixture.FreePort()).ToArray();
        Nodes = Enumerable.Range(0, NodeCount).Select(i => new ClusterNode(i, _postgres, remoting, Users, NodeSettings)).ToArray();
        // The first seed forms the cluster (alone, after seed-node-timeout); the others join it.
        await Nodes[0].InitializeAsync();
        await Task.WhenAll(Nodes.Skip(1).Select(n => n.InitializeAsync()));
    }

    public virtual async Task DisposeAsync()
    {
        await Task.WhenAll(Nodes.Select(n => n.DisposeAsync()));
        if (Environment.GetEnvironmentVariable("AKKAIMAP_CLUSTER_LOGS") is { Length: > 0 } logs)
        {
            foreach (var node in Nodes) File.WriteAllText(Path.Combine(logs, $"node{node.Index}.log"), node.Output);
        }
        if (_postgres is not null) await _postgres.DisposeAsync();
    }
}
