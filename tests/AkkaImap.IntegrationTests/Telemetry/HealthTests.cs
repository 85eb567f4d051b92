using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using AkkaImap.IntegrationTests.Cli;
using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.IntegrationTests.Postgres;
using Xunit;

namespace AkkaImap.IntegrationTests.Telemetry;

/// <summary>
/// /health/ready before the listeners are bound, through the real executable: a node told to join a
/// cluster through a seed that never answers stays Joining, never binds its IMAP ports, and says so
/// (503) while /health/live answers 200; SIGTERM then stops it cleanly (exit 0, no stack trace)
/// although it never finished starting. And a telemetry port in use stops start-up with one line.
/// </summary>
public sealed class HealthTests(CliFolder folder) : IClassFixture<CliFolder>
{
    [Fact]
    public async Task Ready_is_503_naming_what_is_missing_until_the_listeners_are_bound_and_SIGTERM_meanwhile_exits_0()
    {
        var metricsPort = ServerFixture.FreePort();
        var imapPort = ServerFixture.FreePort();
        var silentSeed = ServerFixture.FreePort();
        // Seed nodes need the shared store (ClusterMode refuses them with SQLite).
        await using var postgres = await PostgresForServer.StartAsync();
        var config = folder.Write("joining.conf", $$"""
            akka-imap {
              port = {{imapPort}}
              bind = ["127.0.0.1"]
              storage.path = joining-data
              {{postgres.Settings}}
              telemetry.prometheus.port = {{metricsPort}}
            }
            akka.cluster.seed-nodes = ["akka.tcp://akkaimap@127.0.0.1:{{silentSeed}}"]
            """);
        using var process = Process.Start(AkkaImapExecutable.StartInfo("serve", "--config", config))!;
        process.StandardInput.Close();
        var telemetryUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            lock (output) output.AppendLine(e.Data);
            if (e.Data?.Contains("Telemetry on", StringComparison.Ordinal) == true) telemetryUp.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await telemetryUp.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}/"), Timeout = TimeSpan.FromSeconds(30) };

            using var live = await http.GetAsync("health/live");
            using var ready = await http.GetAsync("health/ready");
            var body = await ready.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.StartsWith("not ready: IMAP listeners are not bound", body, StringComparison.Ordinal);
            Assert.Contains("not Up", body, StringComparison.Ordinal);
            // The IMAP port really is not bound.
            await Assert.ThrowsAsync<SocketException>(async () =>
            {
                using var imap = new TcpClient();
                await imap.ConnectAsync(IPAddress.Loopback, imapPort);
            });

            // Still joining: SIGTERM cancels the start-up, which ends as a stop does.
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(exited.Token);
            string printed;
            lock (output) printed = output.ToString();
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}:\n{printed}");
            Assert.DoesNotContain("Unhandled exception", printed, StringComparison.Ordinal);
            Assert.Contains("AkkaImap stopped: asked to stop during start-up", printed, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    [Fact]
    public async Task A_SIGTERM_as_soon_as_serve_says_it_is_starting_stops_it_with_exit_0()
    {
        var config = folder.Write("early.conf", $$"""
            akka-imap {
              port = {{ServerFixture.FreePort()}}
              bind = ["127.0.0.1"]
              storage.path = early-data
              telemetry.prometheus.port = {{ServerFixture.FreePort()}}
            }
            """);
        using var process = Process.Start(AkkaImapExecutable.StartInfo("serve", "--config", config))!;
        process.StandardInput.Close();
        var starting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            lock (output) output.AppendLine(e.Data);
            if (e.Data?.Contains("starting (pid", StringComparison.Ordinal) == true) starting.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Before the store is open and the host built: the runtime's default ended it with 143.
            await starting.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(exited.Token);
            string printed;
            lock (output) printed = output.ToString();
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}:\n{printed}");
            Assert.Contains("SIGTERM received: stopping", printed, StringComparison.Ordinal);
            Assert.Contains("AkkaImap stopped", printed, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", printed, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    [Fact]
    public async Task A_telemetry_port_in_use_stops_start_up_with_one_line()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var busy = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var config = folder.Write("busy.conf", $$"""
            akka-imap {
              port = {{ServerFixture.FreePort().ToString(CultureInfo.InvariantCulture)}}
              bind = ["127.0.0.1"]
              storage.path = busy-data
              telemetry.prometheus.port = {{busy.ToString(CultureInfo.InvariantCulture)}}
            }
            """);

        var result = await AkkaImapExecutable.RunAsync("serve", "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([$"port {busy} on 127.0.0.1 is in use — stop the other server or choose another akka-imap.telemetry.prometheus.port"], result.StderrLines);
    }
}
