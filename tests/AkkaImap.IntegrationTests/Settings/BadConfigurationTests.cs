using System.Globalization;
using System.Runtime.Versioning;
using System.Net;
using System.Net.Sockets;
using AkkaImap.IntegrationTests.Cli;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Settings;

/// <summary>
/// SPEC.md, Settings: bad configuration stops <c>akkaimap serve</c> with exit code 1 and one line
/// on stderr that names the fix. (A port in use on <c>port</c>, and a bad value through
/// <c>config check</c>, are in Cli/ServeTests and Cli/ConfigCheckTests.)
/// </summary>
public sealed class BadConfigurationTests(CliFolder folder) : IClassFixture<CliFolder>
{
    [Fact]
    public async Task Ssl_on_with_a_missing_certificate_file()
    {
        var missing = Path.Combine(folder.Path, "missing", "server.pem");

        var result = await ServeAsync("nocert", $"ssl = on, tls {{ certificate = \"{missing}\", key = \"{missing}.key\" }}");

        CliAssert.Refused(result, $"akka-imap.tls.certificate: file not found: {missing}");
    }

    [Fact]
    public async Task A_key_that_does_not_match_the_certificate()
    {
        var certificate = Path.Combine(folder.Path, "mismatch.pem");
        var certificateKey = Path.Combine(folder.Path, "mismatch-own.key");
        var otherKey = Path.Combine(folder.Path, "mismatch-other.key");
        await OpenSsl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1", "-keyout", certificateKey, "-out", certificate);
        await OpenSsl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", otherKey);

        var result = await ServeAsync("mismatch", $"ssl = on, tls {{ certificate = \"{certificate}\", key = \"{otherKey}\" }}");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            [$"akka-imap.tls.key: the key in {otherKey} does not match the certificate in {certificate} (or needs tls.password) — use the key the certificate was issued for"],
            result.StderrLines);
    }

    [Fact]
    public async Task The_alternate_port_in_use()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var busy = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var result = await ServeAsync("altbusy", $"alternate-port {{ enabled = on, port = {Number(busy)} }}");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([$"port {busy} on 127.0.0.1 is in use — stop the other server or choose another akka-imap.alternate-port.port"], result.StderrLines);
    }

    [Fact]
    public async Task An_address_that_is_not_on_this_machine()
    {
        // TEST-NET-2 (RFC 5737): never assigned to a real interface.
        var result = await ServeAsync("elsewhere", "bind = [\"198.51.100.1\"]");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["bind: 198.51.100.1 is not an address of this machine — fix akka-imap.bind"], result.StderrLines);
    }

    [Theory]
    [InlineData("port", "abc", "akka-imap.port: expected a number from 1 to 65535, got \"abc\"")]
    [InlineData("port", "70000", "akka-imap.port: ")]
    [InlineData("max-connections", "lots", "akka-imap.max-connections: ")]
    [InlineData("idle-timeout", "soon", "akka-imap.idle-timeout: ")]
    [InlineData("threads", "0", "akka-imap.threads: ")]
    [InlineData("bind", "[\"not-an-address\"]", "akka-imap.bind: ")]
    [InlineData("ssl", "maybe", "akka-imap.ssl: ")]
    [InlineData("limits.owner-reply-timeout", "60", "akka-imap.limits.owner-reply-timeout: expected a duration such as 30s, 5m or 1h, got \"60\"")]
    [InlineData("shutdown.drain-timeout", "-1s", "akka-imap.shutdown.drain-timeout: ")]
    [InlineData("limits.close-timeout", "10", "akka-imap.limits.close-timeout: expected a duration such as 30s, 5m or 1h, got \"10\"")]
    [InlineData("logging.format", "xml", "akka-imap.logging.format: expected text or json, got \"xml\"")]
    [InlineData("logging.level", "verbose", "akka-imap.logging.level: expected debug, info, warning or error, got \"verbose\"")]
    [InlineData("telemetry.prometheus.bind", "\"metrics.example\"", "akka-imap.telemetry.prometheus.bind: ")]
    [InlineData("lmtp.command-timeout", "0s", "akka-imap.lmtp.command-timeout: expected at least 1s, got \"0s\"")]
    public async Task A_bad_value(string key, string value, string lineStart)
    {
        // The value replaces the one the test sets for that key (HOCON: the last one wins).
        var result = await ServeAsync("badvalue", $"{key} = {value}");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.StartsWith(lineStart, Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task A_privileged_port_without_the_privilege()
    {
        // The suite runs as root, which may bind any port: run the server as nobody (setpriv drops
        // every privilege) so the kernel refuses the bind as it would for an ordinary service user.
        var lowest = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_unprivileged_port_start").Trim(), CultureInfo.InvariantCulture);
        Assert.True(lowest > 1, "this machine lets anyone bind any port (net.ipv4.ip_unprivileged_port_start = 0)");
        var port = Number(lowest - 1);
        var scratch = Directory.CreateTempSubdirectory("akkaimap-priv-").FullName;
        try
        {
            if (OperatingSystem.IsLinux())
            {
                File.SetUnixFileMode(scratch, (UnixFileMode)0x1FF); // 0777: nobody writes the data folder
            }

            var config = Path.Combine(scratch, "priv.conf");
            await File.WriteAllTextAsync(config, $"akka-imap {{ port = {port}, bind = [\"127.0.0.1\"], storage.path = data }}\n");

            var result = Environment.UserName == "root" && OperatingSystem.IsLinux()
                ? await RunAsNobodyAsync(scratch, config)
                : await AkkaImapExecutable.RunAsync("serve", "--config", config);

            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Equal([$"port {port} on 127.0.0.1 needs root or CAP_NET_BIND_SERVICE, or choose a port ≥ 1024 for akka-imap.port"], result.StderrLines);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>
    /// Runs serve as nobody from a copy of the build output inside <paramref name="home"/>: the
    /// checkout may sit below a folder nobody cannot enter (a home folder is often 0700), and the
    /// test is about the port, not about where the repository was cloned.
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    private static async Task<CliResult> RunAsNobodyAsync(string home, string config)
    {
        var app = Path.Combine(home, "app");
        CopyReadableByAll(Path.GetDirectoryName(AkkaImapExecutable.DllPath)!, app);
        var result = await ExternalTool.RunAsync(
            "setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=" + home, "DOTNET_CLI_HOME=" + home, "DOTNET_NOLOGO=1",
             "dotnet", Path.Combine(app, Path.GetFileName(AkkaImapExecutable.DllPath)), "serve", "--config", config],
            timeout: TimeSpan.FromSeconds(60));
        return new CliResult(result.ExitCode, result.Stdout.ReplaceLineEndings("\n"), result.Stderr.ReplaceLineEndings("\n"));
    }

    [UnsupportedOSPlatform("windows")]
    private static void CopyReadableByAll(string source, string target)
    {
        const UnixFileMode Folder = (UnixFileMode)0x1ED; // 0755
        const UnixFileMode File644 = (UnixFileMode)0x1A4; // 0644
        Directory.CreateDirectory(target, Folder);
        foreach (var folder in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, folder)), Folder);
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            File.Copy(file, copy);
            File.SetUnixFileMode(copy, File644);
        }
    }

    /// <summary>Runs <c>serve</c> on a free loopback port with <paramref name="settings"/> added inside <c>akka-imap { }</c>.</summary>
    private async Task<CliResult> ServeAsync(string name, string settings)
    {
        var config = folder.Write(name + ".conf", $$"""
            akka-imap {
              port = {{Number(ServerFixture.FreePort())}}
              bind = ["127.0.0.1"]
              storage.path = {{name}}-data
              {{settings}}
            }
            """);
        return await AkkaImapExecutable.RunAsync("serve", "--config", config);
    }

    private static async Task OpenSsl(params string[] args)
    {
        var result = await ExternalTool.RunAsync("openssl", args);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
