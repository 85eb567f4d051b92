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
        await using var serve = ServeProcess.Start(config, "Telemetry on");
        await serve.Seen.WaitAsync(TimeSpan.FromSeconds(60));
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
        var printed = await serve.TerminateAsync();
        Assert.Contains("AkkaImap stopped: asked to stop during start-up", printed, StringComparison.Ordinal);
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
        await using var serve = ServeProcess.Start(config, "starting (pid");

        // Before the store is open and the host built: the runtime's default ended it with 143.
        await serve.Seen.WaitAsync(TimeSpan.FromSeconds(60));
        var printed = await serve.TerminateAsync();
        Assert.Contains("SIGTERM received: stopping", printed, StringComparison.Ordinal);
        Assert.Contains("AkkaImap stopped", printed, StringComparison.Ordinal);
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

    /// <summary><c>akkaimap serve</c> with its output kept, <see cref="Seen"/> once a line holds the marker; killed if still running when disposed.</summary>
    private sealed class ServeProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _output = new();
        private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private ServeProcess(string config, string marker)
        {
            _process = Process.Start(AkkaImapExecutable.StartInfo("serve", "--config", config))!;
            _process.StandardInput.Close();
            _process.OutputDataReceived += (_, e) =>
            {
                lock (_output) _output.AppendLine(e.Data);
                if (e.Data?.Contains(marker, StringComparison.Ordinal) == true) _seen.TrySetResult();
            };
            _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public static ServeProcess Start(string config, string marker) => new(config, marker);

        public Task Seen => _seen.Task;

        /// <summary>SIGTERM, then the exit, which must be 0 without a stack trace; what it printed.</summary>
        public async Task<string> TerminateAsync()
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term!.WaitForExitAsync();
            }
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await _process.WaitForExitAsync(exited.Token);
            string printed;
            lock (_output) printed = _output.ToString();
            Assert.True(_process.ExitCode == 0, $"exit {_process.ExitCode}:\n{printed}");
            Assert.DoesNotContain("Unhandled exception", printed, StringComparison.Ordinal);
            return printed;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }
}
