using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AkkaImap.IntegrationTests.Cli;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Lifecycle;

/// <summary>
/// Issue 13, clean start: a start-up error is the one line on stderr that names the fix and exit
/// code 1, and nothing else looks like an error: no <c>fail:</c> or <c>crit:</c> line, no stack
/// trace, no "Exiting with [ExitCode:0]" in the log on stdout.
/// </summary>
public sealed class StartupErrorTests(CliFolder folder) : IClassFixture<CliFolder>
{
    [Fact]
    public async Task A_port_in_use_is_one_line_and_exit_1_with_a_clean_log()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var result = await ServeAsync("inuse", port, string.Empty);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([$"port {port} on 127.0.0.1 is in use — stop the other server or choose another akka-imap.port"], result.StderrLines);
        AssertCleanLog(result);
    }

    [Fact]
    public async Task A_port_in_use_in_the_json_log_leaves_only_JSON_lines_on_stdout()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var result = await ServeAsync("inusejson", port, "logging.format = json");

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.StderrLines);
        Assert.NotEmpty(result.StdoutLines);
        Assert.All(result.StdoutLines, l => Assert.NotEqual("Error", JsonDocument.Parse(l).RootElement.GetProperty("LogLevel").GetString()));
        AssertCleanLog(result);
    }

    [Fact]
    public async Task A_data_folder_that_cannot_be_made_is_one_line_and_exit_1()
    {
        var file = folder.Write("not-a-folder", "x");

        var result = await ServeAsync("datafile", ServerFixture.FreePort(), $"storage.path = \"{file}/data\"");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"cannot create the data folder {file}/data", Assert.Single(result.StderrLines));
        AssertCleanLog(result);
    }

    [Fact]
    public async Task A_store_that_is_not_a_database_is_one_line_and_exit_1()
    {
        var data = Path.Combine(folder.Path, "garbage-data");
        Directory.CreateDirectory(data);
        await File.WriteAllBytesAsync(Path.Combine(data, "akkaimap.db"), [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 37 % 251))]);

        var result = await ServeAsync("garbage", ServerFixture.FreePort(), "storage.path = garbage-data");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"cannot open the store in {data}", Assert.Single(result.StderrLines));
        AssertCleanLog(result);
    }

    /// <summary>The log on stdout says nothing that reads as a second error or a success.</summary>
    private static void AssertCleanLog(CliResult result)
    {
        foreach (var line in result.StdoutLines)
        {
            Assert.DoesNotContain("fail:", line);
            Assert.DoesNotContain("crit:", line);
            Assert.DoesNotContain("ExitCode", line);
            Assert.DoesNotContain("Exception", line);
            Assert.False(line.StartsWith("at ", StringComparison.Ordinal) || line.Contains(" at System.", StringComparison.Ordinal) || line.Contains(" at Akka.", StringComparison.Ordinal),
                $"a stack trace on stdout: {line}");
        }

        Assert.DoesNotContain("   at ", result.Stderr);
    }

    private async Task<CliResult> ServeAsync(string name, int port, string settings)
    {
        var config = folder.Write(name + ".conf", $$"""
            akka-imap {
              port = {{port.ToString(CultureInfo.InvariantCulture)}}
              bind = ["127.0.0.1"]
              storage.path = {{name}}-data
              {{settings}}
            }
            """);
        return await AkkaImapExecutable.RunAsync("serve", "--config", config);
    }
}
