using System.Globalization;
using AkkaImap.IntegrationTests.Durability;
using AkkaImap.IntegrationTests.Proxy;
using Xunit;
using Xunit.Abstractions;

namespace AkkaImap.IntegrationTests.Cluster;

/// <summary>
/// The three nodes of <see cref="ClusterFixture"/> behind a private HAProxy, as
/// <c>deploy/haproxy/haproxy.cfg</c> puts them: one frontend, <c>send-proxy-v2</c> to every node,
/// a node in rotation only while its <c>/health/ready</c> answers (checked every 500 ms, out after
/// two failures), a connection to a dead node redispatched to another. HAProxy talks to the nodes
/// from 127.0.0.2, their only <c>proxy-protocol.trusted-networks</c> peer, so the tests' own
/// direct connections from 127.0.0.1 (to scan the folders) need no header.
/// </summary>
public sealed class HaproxyClusterFixture : ClusterFixture
{
    public const string BalancerAddress = "127.0.0.2";

    private PrivateHaproxy? _haproxy;

    public HaproxyRoute Balancer { get; private set; } = null!;

    public string HaproxyOutput => _haproxy?.Output ?? string.Empty;

    protected override string NodeSettings => $"""proxy-protocol.trusted-networks = ["{BalancerAddress}"]""";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Balancer = new HaproxyRoute("imap_cluster",
        [
            "balance roundrobin",
            $"source {BalancerAddress}",
            "option httpchk GET /health/ready",
            "option redispatch",
            "retries 3",
            "default-server send-proxy-v2 check inter 500ms fall 2 rise 2",
            .. Nodes.Select(n => string.Create(CultureInfo.InvariantCulture, $"server node{n.Index} 127.0.0.1:{n.Port} port {n.MetricsPort}")),
        ]);
        _haproxy = await PrivateHaproxy.StartAsync([Balancer]);
    }

    public override async Task DisposeAsync()
    {
        if (_haproxy is not null) await _haproxy.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>
/// Failover through the balancer (issue 12): MailKit clients know only HAProxy's address; a node is
/// killed with <c>kill -9</c> under their APPEND/STORE/MOVE/EXPUNGE load; every client reconnects
/// through HAProxy and carries on, every acknowledged change is there exactly once, and the nodes'
/// logs name each client's own address (127.0.0.1x), never the balancer's.
/// </summary>
public sealed class ClusterBehindHaproxyTests(HaproxyClusterFixture cluster, ITestOutputHelper output) : IClassFixture<HaproxyClusterFixture>
{
    [Fact]
    public async Task Clients_of_the_balancer_reconnect_through_it_after_a_kill_9_and_lose_nothing()
    {
        var ledger = new CrashLedger();
        const string Round = "haproxy";
        foreach (var login in ClusterFixture.Loaded)
        {
            ledger.Check("before", await ClusterChecks.ScanAsync(cluster.Nodes[0], login, Round), []);
        }
        var victim = await ClusterChecks.BusiestNodeAsync(cluster.Nodes, output);
        var survivors = cluster.Nodes.Where(n => n != victim).ToArray();

        // Each client from its own loopback address, to the balancer only (the node is there for its password).
        var workers = ClusterFixture.Loaded.Select((login, i) => new ClusterWorker(i, login, cluster.Nodes[0])
        {
            Through = () => cluster.Balancer.ConnectAsync($"127.0.0.{10 + i}"),
        }).ToArray();
        output.WriteLine($"killing node {victim.Index}");
        await ClusterChecks.LoadThroughAsync(workers, Round, victim.KillAsync, "every client carrying on through the balancer after the kill", output);

        // The victim's clients lost their connections and came back through the balancer.
        Assert.Contains(workers, w => w.Reconnects >= 1 && w.Addresses.Count >= 2);
        await ClusterChecks.CheckAsync(ledger, workers, Round, survivors[0], output);

        // Where each client is now, a survivor's log names it by its own address, from the PROXY header.
        foreach (var worker in workers)
        {
            var me = worker.Addresses[^1];
            await ClusterChecks.Until(() => Task.FromResult(survivors.Any(n => OpenedThroughBalancer(n.Output, me))),
                $"a survivor's log naming {worker.Login}'s client {me}");
        }
    }

    /// <summary>The log's "connection opened" line for <paramref name="me"/>, taken from a PROXY v2 header HAProxy sent.</summary>
    private static bool OpenedThroughBalancer(string log, string me) =>
        log.Split('\n').Any(line => line.Contains(me, StringComparison.Ordinal)
            && line.Contains("connection opened on", StringComparison.Ordinal)
            && line.Contains($"PROXY v2 header, via {HaproxyClusterFixture.BalancerAddress}:", StringComparison.Ordinal));
}
