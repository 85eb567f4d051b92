using System.Globalization;
using System.Net;
using System.Net.Http;
using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.IntegrationTests.Postgres;
using Xunit;

namespace AkkaImap.IntegrationTests.Cluster;

/// <summary>
/// A private PostgreSQL and three <c>akkaimap serve</c> processes on loopback with no seed nodes:
/// each binds Akka.Management's HTTP endpoint on its own free port, and Cluster Bootstrap finds the
/// others through configuration-based discovery (<c>akka.discovery.method = config</c>, the three
/// management endpoints listed) and forms one cluster once all three contact points answered
/// (<c>required-contact-point-nr = 3</c>; the bootstrap's timings shortened through its keys). Two
/// nodes start first; once the first has heard from both and still waits for a third, what its
/// /health/ready answers is kept in <see cref="ReadinessWithTwoNodes"/>; then the third starts.
/// </summary>
public sealed class BootstrapClusterFixture : IAsyncLifetime
{
    public const int NodeCount = 3;

    public static readonly IReadOnlyDictionary<string, string> Users = new Dictionary<string, string>
    {
        ["alice@example.com"] = "alice-Secret-1",
        ["bob@example.com"] = "bob-Secret-2",
    };

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);

    /// <summary>
    /// What Cluster Bootstrap's join decider logs (at debug, hence logging.level = debug on these
    /// nodes) when it has heard from two contact points and keeps probing for the third.
    /// </summary>
    public const string TwoConfirmed = "confirmed [2], which is less than the required [3]";

    private PostgresForServer? _postgres;

    public IReadOnlyList<ClusterNode> Nodes { get; private set; } = [];

    public PostgresForServer Postgres => _postgres!;

    public IReadOnlyList<int> ManagementPorts { get; } = Enumerable.Range(0, NodeCount).Select(_ => ServerFixture.FreePort()).ToArray();

    /// <summary>The first node's /health/ready once two contact points answered and the third was not started: status and body.</summary>
    public (HttpStatusCode Status, string Body) ReadinessWithTwoNodes { get; private set; }

    /// <summary>The HOCON that replaces the seed nodes on node <paramref name="index"/>.</summary>
    public string Membership(int index) => $$"""
        # Akka's own lines (Cluster Bootstrap's decisions among them) are written at debug.
        akka-imap.logging.level = debug
        akka.discovery.method = config
        akka.discovery.config.services.akkaimap.endpoints = [{{string.Join(", ", ManagementPorts.Select(p => $"\"127.0.0.1:{p}\""))}}]
        akka.management.http { hostname = "127.0.0.1", port = {{ManagementPorts[index]}} }
        akka.management.cluster.bootstrap {
          contact-point-discovery { required-contact-point-nr = {{NodeCount}}, stable-margin = 1s, interval = 500ms }
          contact-point.probe-interval = 1s
        }
        """;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresForServer.StartAsync();
        var remoting = Enumerable.Range(0, NodeCount).Select(_ => ServerFixture.FreePort()).ToArray();
        Nodes = Enumerable.Range(0, NodeCount).Select(i => new ClusterNode(i, _postgres, remoting, Users, membership: Membership(i))).ToArray();
        // The first node's admin commands make the schema, the post office and the mailboxes before
        // any node serves; then the nodes start together, as a StatefulSet's pods do.
        foreach (var node in Nodes)
        {
            await node.PrepareAsync();
        }

        // The first two cannot be Up before the third has started too: their start is bounded by
        // their own start-up and the third's.
        var starting = Nodes.Take(2).Select(n => n.StartAsync(2 * StartBound)).ToList();
        try
        {
            await Nodes[0].WaitForLineAsync(l => l.Contains(TwoConfirmed, StringComparison.Ordinal), "that two contact points answered, fewer than three");
            ReadinessWithTwoNodes = await ReadinessOnceAnsweredAsync(Nodes[0]);
            starting.Add(Nodes[2].StartAsync(StartBound));
            await Task.WhenAll(starting);
        }
        catch (Exception ex)
        {
            // What each node printed, since the fixture's failure is all the tests report.
            throw new InvalidOperationException(
                $"the bootstrapped cluster did not start: {ex.Message}\n" + string.Join("\n", Nodes.Select(n => $"--- node {n.Index}:\n{n.Output}")), ex);
        }
    }

    /// <summary>/health/ready of <paramref name="node"/>, as soon as its telemetry endpoint answers at all.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> ReadinessOnceAnsweredAsync(ClusterNode node)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(node.TelemetryUrl("/health/ready"));
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
            }
            catch (HttpRequestException) when (clock.Elapsed < Bound)
            {
                // Not listening yet: the process is still starting.
                await Task.Delay(100);
            }
        }
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(Nodes.Select(n => n.DisposeAsync()));
        if (Environment.GetEnvironmentVariable("AKKAIMAP_CLUSTER_LOGS") is { Length: > 0 } logs)
        {
            foreach (var node in Nodes) File.WriteAllText(Path.Combine(logs, $"bootstrap-node{node.Index.ToString(CultureInfo.InvariantCulture)}.log"), node.Output);
        }
        if (_postgres is not null) await _postgres.DisposeAsync();
    }
}
