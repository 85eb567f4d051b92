using System.Diagnostics;
using System.Net;
using AkkaImap.IntegrationTests.Cli;
using AkkaImap.IntegrationTests.Clients;
using AkkaImap.IntegrationTests.Infrastructure;
using MailKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Cluster;

/// <summary>
/// Cluster membership through Akka.Management's Cluster Bootstrap and configuration-based
/// Akka.Discovery, through the real executable (<see cref="BootstrapClusterFixture"/>): three
/// <c>akkaimap serve</c> processes with no seed nodes form one cluster, which a user sees as an IDLE
/// on the first node hearing an APPEND made through the third; each node's /health/ready turns
/// ready, and was not while the third node was missing. A node whose management port is taken
/// stops with one line.
/// </summary>
public sealed class BootstrapClusterTests(BootstrapClusterFixture cluster) : IClassFixture<BootstrapClusterFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public void With_two_of_the_three_contact_points_answering_no_cluster_formed_and_the_first_node_was_not_ready()
    {
        var (status, body) = cluster.ReadinessWithTwoNodes;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("not Up", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Three_nodes_without_seed_nodes_form_one_cluster_and_every_node_turns_ready()
    {
        foreach (var node in cluster.Nodes)
        {
            var (status, body) = await BootstrapClusterFixture.ReadinessOnceAnsweredAsync(node);
            Assert.True(status == HttpStatusCode.OK, $"node {node.Index} /health/ready: {(int)status} {body}");

            // Each node sees the three members Up once gossip has converged.
            var clock = Stopwatch.StartNew();
            double up;
            while ((up = (await node.ScrapeAsync()).Sum("akkaimap_cluster_members", ("status", "up"))) != BootstrapClusterFixture.NodeCount && clock.Elapsed < Bound)
            {
                await Task.Delay(100);
            }
            Assert.Equal(BootstrapClusterFixture.NodeCount, up);
        }
    }

    [Fact]
    public async Task An_IDLE_on_the_first_node_hears_an_APPEND_made_through_the_third()
    {
        const string Login = "alice@example.com";
        using var idler = await cluster.Nodes[0].ConnectAsync(Login);
        await idler.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var before = idler.Inbox.Count;
        using var idle = new Idle(idler, idler.Inbox);

        using (var writer = await cluster.Nodes[2].ConnectAsync(Login))
        {
            Assert.NotNull(await writer.Inbox.AppendAsync(MailKitMailDayTests.PlainMessage("bootstrapped", "Heard on node 0?")));
        }

        await idle.UntilAsync(() => idler.Inbox.Count == before + 1, "node 0's IDLE hearing the APPEND made through node 2");
    }

    [Fact]
    public async Task A_node_whose_management_port_is_taken_stops_with_one_line()
    {
        var folder = Directory.CreateTempSubdirectory("akkaimap-management-").FullName;
        try
        {
            // The first node's discovery settings, its management port included: that node holds it.
            var config = Path.Combine(folder, "akkaimap.conf");
            await File.WriteAllTextAsync(config, $$"""
                akka-imap {
                  port = {{ServerFixture.FreePort()}}
                  bind = ["127.0.0.1"]
                  storage.path = data
                  {{cluster.Postgres.Settings}}
                }
                akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = {{ServerFixture.FreePort()}} }
                {{cluster.Membership(0)}}
                """);

            var result = await AkkaImapExecutable.RunAsync("serve", "--config", config);

            Assert.Equal(1, result.ExitCode);
            var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"akka.management.http: cannot bind 127.0.0.1:{cluster.ManagementPorts[0]} (", line, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
