using AkkaImap.IntegrationTests.Cli;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Cluster;

/// <summary>
/// A cluster shares its store: seed nodes with the embedded SQLite store are refused by
/// <c>serve</c> and <c>config check</c> with the one line that names the fix, and exit 1.
/// </summary>
public sealed class ClusterConfigTests(CliFolder folder) : IClassFixture<CliFolder>
{
    [Theory]
    [InlineData("serve")]
    [InlineData("config check")]
    public async Task Seed_nodes_with_the_SQLite_store_are_refused_with_one_line(string command)
    {
        var config = folder.Write("sqlite-cluster.conf", $$"""
            akka-imap {
              port = {{ServerFixture.FreePort()}}
              bind = ["127.0.0.1"]
              storage.path = sqlite-cluster-data
            }
            akka.cluster.seed-nodes = ["akka.tcp://akkaimap@127.0.0.1:{{ServerFixture.FreePort()}}"]
            """);

        var result = await AkkaImapExecutable.RunAsync([.. command.Split(' '), "--config", config]);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("akka.cluster.seed-nodes", line, StringComparison.Ordinal);
        Assert.Contains("storage.provider = postgresql", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "sqlite-cluster-data")), "serve touched the data folder before refusing");
    }
}
