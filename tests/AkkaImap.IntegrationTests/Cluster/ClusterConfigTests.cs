using AkkaImap.IntegrationTests.Cli;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Cluster;

/// <summary>
/// A cluster shares its store, and a node joins it one way: seed nodes or Cluster Bootstrap (with
/// the embedded SQLite store either is refused), never both; a discovery method that is not shipped,
/// or config discovery that lists no endpoint, is refused too. <c>serve</c> and <c>config check</c>
/// say so in the one line that names the fix, and exit 1; <c>config check</c> says which way a valid
/// configuration joins.
/// </summary>
public sealed class ClusterConfigTests(CliFolder folder) : IClassFixture<CliFolder>
{
    private const string Postgres = """akka-imap.storage { provider = postgresql, postgresql.connection-string = "Host=127.0.0.1;Database=akkaimap;Username=akkaimap" }""";

    private static string Discovery => $$"""
        akka.discovery.method = config
        akka.discovery.config.services.akkaimap.endpoints = ["127.0.0.1:{{ServerFixture.FreePort()}}", "127.0.0.1:{{ServerFixture.FreePort()}}"]
        """;

    private static string SeedNodes => $"akka.cluster.seed-nodes = [\"akka.tcp://akkaimap@127.0.0.1:{ServerFixture.FreePort()}\"]";

    [Theory]
    [InlineData("serve", "sqlite-cluster")]
    [InlineData("config check", "sqlite-cluster")]
    [InlineData("serve", "sqlite-bootstrap")]
    [InlineData("config check", "sqlite-bootstrap")]
    [InlineData("serve", "both")]
    [InlineData("config check", "both")]
    public async Task A_way_of_joining_that_cannot_work_is_refused_with_one_line(string command, string joining)
    {
        const string SharedStore = "a cluster needs a store every node shares; set akka-imap.storage.provider = postgresql (with storage.postgresql.connection-string) or remove";
        var (akka, problem, fix) = joining switch
        {
            "sqlite-cluster" => (SeedNodes, $"akka.cluster.seed-nodes: {SharedStore}", "the seed nodes"),
            "sqlite-bootstrap" => (Discovery, $"akka.discovery.method: {SharedStore}", "the discovery method"),
            "both" => ($"{Postgres}\n{SeedNodes}\n{Discovery}", "akka.cluster.seed-nodes and akka.discovery.method are both set", "remove one of them"),
            _ => throw new ArgumentOutOfRangeException(nameof(joining), joining, null),
        };

        var line = await RefusedAsync(command, joining, akka);

        Assert.StartsWith(problem, line, StringComparison.Ordinal);
        Assert.EndsWith(fix, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("akka.discovery.method = aws-api-ec2-tag-based", "akka.discovery.method = aws-api-ec2-tag-based is not available; use config")]
    [InlineData("akka.discovery.method = kubernetes-api", "akka.discovery.method = kubernetes-api is not available: Akka.Discovery.KubernetesApi 1.5.73 needs KubernetesClient 17, and the 19.0.2 served here fails at its first lookup; use config (in Kubernetes, the StatefulSet's stable pod names: deploy/k8s)")]
    [InlineData("akka.discovery.method = config", "akka.discovery.config.services.akkaimap.endpoints: list every node's Akka.Management endpoint as \"HOST:PORT\" (akka.management.http.hostname and port) for akka.discovery.method = config")]
    [InlineData("akka.discovery.method = config\nakka.management.cluster.bootstrap.contact-point-discovery.service-name = imap", "akka.discovery.config.services.imap.endpoints: list every node's Akka.Management endpoint as \"HOST:PORT\" (akka.management.http.hostname and port) for akka.discovery.method = config")]
    public async Task A_discovery_that_cannot_find_the_nodes_is_refused_with_one_line(string discovery, string expected)
    {
        var line = await RefusedAsync("config check", "bad-discovery", $"{Postgres}\n{discovery}");

        Assert.Equal(expected, line);
    }

    [Fact]
    public async Task Config_check_says_how_a_node_joins()
    {
        var bootstrap = await AkkaImapExecutable.RunAsync("config", "check", "--config", folder.Write("bootstrap.conf", $"{Postgres}\n{Discovery}\n"));
        var seeds = await AkkaImapExecutable.RunAsync("config", "check", "--config", folder.Write("seeds.conf", $"{Postgres}\n{SeedNodes}\n"));
        var alone = await AkkaImapExecutable.RunAsync("config", "check", "--config", folder.ConfigFile);

        Assert.True(bootstrap.ExitCode == 0, bootstrap.ToString());
        Assert.Contains("# cluster membership: Cluster Bootstrap, contact points from akka.discovery.method = config (service akkaimap), at least 2 before a new cluster forms", bootstrap.StdoutLines);
        Assert.Contains("# cluster membership: seed nodes (1 listed in akka.cluster.seed-nodes)", seeds.StdoutLines);
        Assert.Contains("# cluster membership: one node (no seed nodes, no discovery)", alone.StdoutLines);
    }

    /// <summary>Runs <paramref name="command"/> on a configuration with <paramref name="akka"/> and returns its one stderr line, after checking exit code 1 and an untouched data folder.</summary>
    private async Task<string> RefusedAsync(string command, string name, string akka)
    {
        var config = folder.Write($"{name}.conf", $$"""
            akka-imap {
              port = {{ServerFixture.FreePort()}}
              bind = ["127.0.0.1"]
              storage.path = {{name}}-data
            }
            {{akka}}
            """);

        var result = await AkkaImapExecutable.RunAsync([.. command.Split(' '), "--config", config]);

        Assert.Equal(1, result.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, $"{name}-data")), "serve touched the data folder before refusing");
        return Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
