using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AkkaImap.IntegrationTests.Infrastructure;
using MailKit.Net.Imap;
using MailKit.Security;

namespace AkkaImap.IntegrationTests.Proxy;

/// <summary>
/// One frontend of the private HAProxy: where clients connect, and its backend's lines (the
/// servers, what they are sent, how they are checked).
/// </summary>
public sealed record HaproxyRoute(string Name, IReadOnlyList<string> Backend)
{
    /// <summary>One server, sent <paramref name="sendProxy"/> (and any other server options).</summary>
    public HaproxyRoute(string name, int serverPort, string sendProxy)
        : this(name, [$"server node1 127.0.0.1:{serverPort} {sendProxy}"])
    {
    }

    public int FrontendPort { get; } = ServerFixture.FreePort();

    /// <summary>
    /// A MailKit client connected to this frontend from <paramref name="from"/> (a loopback address
    /// other than the balancer's, so the server can only know it from the PROXY header), not logged
    /// in; also returns the client's own address:port, as the server's log names it.
    /// </summary>
    public async Task<(ImapClient Client, string Me)> ConnectAsync(string from, bool tls = false)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
            await socket.ConnectAsync(IPAddress.Loopback, FrontendPort);
            var me = socket.LocalEndPoint!.ToString()!;
            var client = new ImapClient { Timeout = 30_000, ServerCertificateValidationCallback = (_, _, _, _) => true };
            try
            {
                await client.ConnectAsync(socket, "127.0.0.1", FrontendPort, tls ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.None);
            }
            catch
            {
                client.Dispose();
                throw;
            }

            return (client, me);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>
/// Debian's HAProxy (installed by .ci/run), run privately: its own config in a scratch folder,
/// frontends on free loopback ports, <c>haproxy -f cfg -db</c> (foreground) as a child process
/// that <see cref="DisposeAsync"/> stops. TCP mode: TLS passes through to the server untouched,
/// after the PROXY header, as a load balancer in front of port 993 does.
/// </summary>
public sealed class PrivateHaproxy : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly StringBuilder _output = new();
    private readonly Process _process;

    private PrivateHaproxy(string folder, Process process)
    {
        Folder = folder;
        _process = process;
    }

    public string Folder { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The config for <paramref name="routes"/>: one frontend and one backend each.</summary>
    public static string Config(IEnumerable<HaproxyRoute> routes)
    {
        var config = new StringBuilder("""
            global
              maxconn 200

            defaults
              mode tcp
              timeout connect 5s
              timeout client 5m
              timeout server 5m

            """);
        foreach (var route in routes)
        {
            config.Append($"""

                frontend {route.Name}
                  bind 127.0.0.1:{route.FrontendPort}
                  default_backend {route.Name}_servers

                backend {route.Name}_servers

                """);
            foreach (var line in route.Backend)
            {
                config.Append("  ").Append(line).Append('\n');
            }
        }

        return config.ToString();
    }

    /// <summary>Starts HAProxy and returns once every frontend accepts connections.</summary>
    public static async Task<PrivateHaproxy> StartAsync(IReadOnlyList<HaproxyRoute> routes)
    {
        var folder = Directory.CreateTempSubdirectory("akkaimap-haproxy-").FullName;
        var file = Path.Combine(folder, "haproxy.cfg");
        await File.WriteAllTextAsync(file, Config(routes));
        var info = new ProcessStartInfo("haproxy")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var arg in new[] { "-f", file, "-db" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("haproxy did not start");
        var haproxy = new PrivateHaproxy(folder, process);
        process.OutputDataReceived += (_, e) => haproxy.Append(e.Data);
        process.ErrorDataReceived += (_, e) => haproxy.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var cts = new CancellationTokenSource(StartTimeout);
            foreach (var route in routes)
            {
                await WaitListeningAsync(route.FrontendPort, process, haproxy, cts.Token);
            }
        }
        catch
        {
            await haproxy.DisposeAsync();
            throw;
        }

        return haproxy;
    }

    /// <summary><c>haproxy -c -f FILE</c>: the config check, as an operator runs it before a reload.</summary>
    public static Task<ExternalTool.Result> CheckAsync(string file) => ExternalTool.RunAsync("haproxy", ["-c", "-f", file]);

    private static async Task WaitListeningAsync(int port, Process process, PrivateHaproxy haproxy, CancellationToken ct)
    {
        // HAProxy prints nothing when its sockets are bound: a refused connect means "not yet".
        // The probe connects from 127.0.0.9 so that no test mistakes it for its own client.
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"haproxy exited ({process.ExitCode}): {haproxy.Output}");
            }

            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.9"), 0));
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port, ct);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, ct);
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean with the rest of /tmp.
        }
    }
}
