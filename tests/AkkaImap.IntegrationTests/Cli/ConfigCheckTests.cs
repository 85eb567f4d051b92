using Xunit;

namespace AkkaImap.IntegrationTests.Cli;

public sealed class ConfigCheckTests(CliFolder folder) : IClassFixture<CliFolder>
{
    [Fact]
    public async Task Config_check_prints_every_effective_setting_with_its_MailEnable_name()
    {
        var result = await AkkaImapExecutable.RunAsync("config", "check", "--config", folder.ConfigFile);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(result.Stderr);
        var lines = result.StdoutLines;
        Assert.Contains("akka-imap.threads = 32  # MailEnable: Max concurrent connections (threads)", lines);
        Assert.Contains("akka-imap.max-connections = unlimited  # MailEnable: Client connections: unlimited or a maximum", lines);
        Assert.Contains("akka-imap.idle-timeout = 30m  # MailEnable: Timeout for idle connections", lines);
        Assert.Contains("akka-imap.bind = [\"*\"]  # MailEnable: IP addresses to bind to", lines);
        Assert.Contains("akka-imap.limits.max-literal = 50M", lines);
        Assert.Contains("akka-imap.auth.trusted-networks = [\"127.0.0.0/8\", \"::1/128\"]", lines);
        Assert.Contains($"akka-imap.storage.path = \"{folder.DataPath}\"", lines);
        Assert.Contains("akka-imap.limits.max-unsent-output = 1M", lines);
        Assert.Contains("akka-imap.cache.account-idle = 2m", lines);
        Assert.Contains("akka-imap.cache.unselected-messages = 100000", lines);
        Assert.Contains("akka-imap.storage.change-retention = 1d", lines);
        Assert.Contains("akka-imap.limits.owner-reply-timeout = 1m", lines);
        Assert.Contains("akka-imap.limits.worker-timeout = 5m", lines);
        Assert.Contains("akka-imap.limits.listen-backlog = 1024", lines);
        Assert.Contains("akka-imap.storage.write-batch = 256", lines);
        Assert.Contains($"akka-imap.storage.readers = {Math.Max(2, Environment.ProcessorCount)}", lines); // 0: one per core
        Assert.Contains("akka-imap.shutdown.drain-timeout = 3s", lines);
        Assert.Contains("akka-imap.limits.max-folders = 1000", lines);
        Assert.Contains("akka-imap.limits.command-timeout = 10m", lines);
        Assert.Contains("akka-imap.limits.close-timeout = 10s", lines);
        Assert.Contains("akka-imap.telemetry.prometheus.port = off", lines);
        Assert.Contains("akka-imap.telemetry.prometheus.bind = \"127.0.0.1\"", lines);
        Assert.Contains("akka-imap.telemetry.otlp.endpoint = \"\"", lines);
        Assert.Contains("akka-imap.telemetry.otlp.protocol = grpc", lines);
        Assert.Contains("akka-imap.telemetry.otlp.sample-ratio = 1", lines);
        Assert.Contains("akka-imap.storage.postgresql.writers = 4", lines);
        Assert.Contains("akka-imap.storage.sqlite.folder-index-messages = 1000", lines);
        Assert.Contains("akka-imap.storage.sqlite.index-delay = 1s", lines);
        Assert.Contains("akka-imap.storage.sqlite.reader-cache = 8M", lines);
        Assert.Contains("akka-imap.storage.postgresql.index-delay = 1s", lines);
        Assert.Contains("akka-imap.limits.max-unsent-output-total = 256M", lines);
        Assert.Contains("akka-imap.proxy-protocol.trusted-networks = []", lines);
        Assert.Contains("akka-imap.search.full-text-index = on", lines);
        Assert.Contains("akka-imap.auth.cache.size = 10000", lines);
        Assert.Contains("akka-imap.compress-level = 6", lines);
        Assert.Equal(76, lines.Count(l => l.StartsWith("akka-imap.", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Config_check_shows_the_operators_values()
    {
        var file = folder.Write("custom.conf", "akka-imap { port = 1143, max-connections = 500, idle-timeout = off }\n");

        var result = await AkkaImapExecutable.RunAsync("config", "check", "--config", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("akka-imap.port = 1143  # MailEnable: IMAP port", result.StdoutLines);
        Assert.Contains("akka-imap.max-connections = 500  # MailEnable: Client connections: unlimited or a maximum", result.StdoutLines);
        Assert.Contains("akka-imap.idle-timeout = off  # MailEnable: Timeout for idle connections", result.StdoutLines);
    }

    [Fact]
    public async Task Config_check_fails_with_the_one_line_that_names_the_fix()
    {
        var file = folder.Write("bad.conf", "akka-imap.port = abc\n");

        var result = await AkkaImapExecutable.RunAsync("config", "check", "--config", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Equal("akka-imap.port: expected a number from 1 to 65535, got \"abc\"\n", result.Stderr);
    }

    [Theory]
    [InlineData("akka-imap.telemetry.prometheus.bind = localhost", "akka-imap.telemetry.prometheus.bind: expected one IP address such as \"127.0.0.1\" or \"::1\", or \"*\" for all of them, got \"localhost\"")]
    [InlineData("akka-imap.telemetry.otlp.endpoint = \"collector:4317\"", "akka-imap.telemetry.otlp.endpoint: expected an http:// or https:// URL such as \"http://127.0.0.1:4317\", or leave it unset, got \"collector:4317\"")]
    [InlineData("akka-imap.lmtp.data-timeout = 10", "akka-imap.lmtp.data-timeout: expected a duration such as 30s, 5m or 1h, got \"10\"")]
    [InlineData("akka-imap.limits.worker-timeout = 300", "akka-imap.limits.worker-timeout: expected a duration such as 30s, 5m or 1h, got \"300\"")]
    [InlineData("akka-imap.proxy-protocol.trusted-networks = [\"10.0.0.0/33\"]", "akka-imap.proxy-protocol.trusted-networks: expected networks such as [\"10.0.0.0/8\", \"2001:db8::/32\"] with the address bits past the prefix zero, got \"10.0.0.0/33\"")]
    [InlineData("akka-imap.storage.readers = -1", "akka-imap.storage.readers: expected a number from 0 to 256, got \"-1\"")]
    [InlineData("akka-imap.storage.sqlite.folder-index-messages = -1", "akka-imap.storage.sqlite.folder-index-messages: expected a whole number of at least 0, got \"-1\"")]
    [InlineData("akka-imap.storage.sqlite.reader-cache = 16k", "akka-imap.storage.sqlite.reader-cache: expected a size from 64k to 1G, got \"16k\"")]
    [InlineData("akka-imap.limits { max-unsent-output = 2M, max-unsent-output-total = 1M }", "akka-imap.limits.max-unsent-output-total: must be at least akka-imap.limits.max-unsent-output (2M), got \"1M\"")]
    public async Task Config_check_refuses_what_is_not_available_or_bad(string hocon, string expected)
    {
        var file = folder.Write("refused.conf", hocon + "\n");

        var result = await AkkaImapExecutable.RunAsync("config", "check", "--config", file);

        CliAssert.Refused(result, expected);
    }

    [Fact]
    public async Task A_missing_config_file_is_one_line()
    {
        var missing = Path.Combine(folder.Path, "missing.conf");

        var result = await AkkaImapExecutable.RunAsync("postoffice", "list", "--config", missing);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"--config {missing}: file not found\n", result.Stderr);
    }

    [Fact]
    public async Task The_example_deployment_config_is_valid()
    {
        var example = Path.Combine(AkkaImapExecutable.RepositoryRoot, "deploy", "akkaimap.conf");

        var result = await AkkaImapExecutable.RunAsync("config", "check", "--config", example);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("akka-imap.storage.path = \"/var/lib/akkaimap\"", result.StdoutLines);
        Assert.Contains("akka-imap.alternate-port.enabled = on  # MailEnable: Also listen on alternate port", result.StdoutLines);
    }

    [Fact]
    public async Task Help_names_a_reference_conf_that_is_beside_the_executable()
    {
        var result = await AkkaImapExecutable.RunAsync("--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.StdoutLines, l => l.StartsWith("--config", StringComparison.Ordinal));
        var path = line[(line.LastIndexOf(": ", StringComparison.Ordinal) + 2)..];
        Assert.Equal(Path.Combine(Path.GetDirectoryName(AkkaImapExecutable.DllPath)!, "reference.conf"), path);
        Assert.Equal(File.ReadAllText(Path.Combine(AkkaImapExecutable.RepositoryRoot, "hocon", "reference.conf")), File.ReadAllText(path));
    }

    [Fact]
    public async Task A_malformed_command_line_is_one_line_with_exit_code_2()
    {
        var result = await AkkaImapExecutable.RunAsync("postoffice", "set", "example.com", "--public-folders", "maybe");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("--public-folders: expected on or off, got \"maybe\" (see: akkaimap postoffice set --help)\n", result.Stderr);
    }
}
