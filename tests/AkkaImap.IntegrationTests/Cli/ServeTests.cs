using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace AkkaImap.IntegrationTests.Cli;

public sealed class ServeTests(CliFolder folder) : IClassFixture<CliFolder>
{
    [Fact]
    public async Task Serve_says_where_it_listens_and_exits_cleanly_on_SIGTERM()
    {
        var port = FreePort();
        // At debug level Akka.NET's own informational lines are written too (at info they are not).
        var config = folder.Write("serve.conf", $"akka-imap {{ port = {port}, bind = [\"127.0.0.1\"], storage.path = serve-data, logging.level = debug }}\n");
        // Run from a folder of its own, to see that it writes nothing there.
        var cwd = Directory.CreateDirectory(Path.Combine(folder.Path, "cwd")).FullName;
        var start = AkkaImapExecutable.StartInfo("serve", "--config", config);
        start.WorkingDirectory = cwd;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            string? line;
            var before = new List<string>();
            while ((line = await process.StandardOutput.ReadLineAsync(timeout.Token)) is not null
                && !line.Contains("AkkaImap listening on", StringComparison.Ordinal))
            {
                before.Add(line);
            }

            Assert.NotNull(line);
            Assert.Contains($"127.0.0.1:{port} (plain+STARTTLS)", line);
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(timeout.Token);
            }

            var rest = process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stderr}{await rest}");
            Assert.Empty(await stderr);

            // Akka's lines read like the others: time and level once, then the source and message. They
            // are forwarded asynchronously, so the listener's line may come after ours.
            var all = before.Concat((await rest).Split('\n')).ToList();
            Assert.Contains(all, l => l.Contains(" dbug: Akka[0] akka.tcp://akkaimap@127.0.0.1:", StringComparison.Ordinal)
                && l.TrimEnd().EndsWith("/system/sharding/owner: owner: Region stopped", StringComparison.Ordinal));
            Assert.DoesNotContain(all, l => l.Contains("[INFO][", StringComparison.Ordinal));
            // Nothing in the folder it was started from: shard allocations are in distributed data,
            // not in Akka.Persistence's default snapshot store (a ./snapshots folder).
            Assert.Empty(Directory.EnumerateFileSystemEntries(cwd));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task A_port_in_use_stops_start_up_with_one_line()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var config = folder.Write("busy.conf", $"akka-imap {{ port = {port}, bind = [\"127.0.0.1\"], storage.path = busy-data }}\n");

        var result = await AkkaImapExecutable.RunAsync("serve", "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([$"port {port} on 127.0.0.1 is in use — stop the other server or choose another akka-imap.port"], result.StderrLines);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
