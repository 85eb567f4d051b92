using AkkaImap.IntegrationTests.Cli;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Telemetry;

/// <summary>deploy/prometheus checked by Prometheus' own tool: the rules load, and each alert fires on the series it is for.</summary>
public sealed class DeployFilesTests
{
    private static readonly string Deploy = Path.Combine(AkkaImapExecutable.RepositoryRoot, "deploy", "prometheus");

    [Fact]
    public async Task The_alert_rules_pass_promtool_check_rules()
    {
        var result = await ExternalTool.RunAsync("promtool", ["check", "rules", Path.Combine(Deploy, "akkaimap-alerts.yml")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS: 4 rules found", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_alert_fires_on_the_series_it_is_for_and_not_on_a_healthy_server()
    {
        var scratch = Directory.CreateTempSubdirectory("akkaimap-rules-").FullName;
        try
        {
            File.Copy(Path.Combine(Deploy, "akkaimap-alerts.yml"), Path.Combine(scratch, "akkaimap-alerts.yml"));
            var cases = Path.Combine(scratch, "akkaimap-alerts.test.yml");
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Telemetry", "akkaimap-alerts.test.yml"), cases);

            var result = await ExternalTool.RunAsync("promtool", ["test", "rules", cases]);

            Assert.True(result.ExitCode == 0, result.ToString());
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Fact]
    public async Task The_scrape_config_passes_promtool_check_config()
    {
        var result = await ExternalTool.RunAsync("promtool", ["check", "config", Path.Combine(Deploy, "prometheus.yml")]);

        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
