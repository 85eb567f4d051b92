using System.Net;
using System.Net.Sockets;
using System.Text;
using AkkaImap.Server.Transport;

namespace AkkaImap.Host.Telemetry;

/// <summary>
/// The telemetry port: a small HTTP/1.1 server on one socket bound to exactly
/// <c>telemetry.prometheus.bind</c> (no Kestrel; HttpListener was not used because it routes by the
/// Host header, so a probe asking for <c>localhost</c> would get 404 from a listener bound to
/// 127.0.0.1). GET or HEAD of <c>/metrics</c> (Prometheus text), <c>/health/live</c>,
/// <c>/health/ready</c>; one request per connection, bounded in size and time, so a stuck client
/// costs a socket for at most <see cref="RequestTimeout"/>.
/// </summary>
internal sealed class TelemetryEndpoint : IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private const int MaxRequestHead = 8 * 1024;

    private readonly Socket _socket;
    private readonly Func<CancellationToken, Task<string>> _metrics;
    private readonly Readiness _readiness;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private TelemetryEndpoint(Socket socket, Func<CancellationToken, Task<string>> metrics, Readiness readiness)
    {
        _socket = socket;
        _metrics = metrics;
        _readiness = readiness;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Where it listens (the port the system chose when 0 was asked).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Binds at once, so that a port in use stops start-up with its one line.</summary>
    /// <exception cref="ListenerBindException">The address or port cannot be bound.</exception>
    public static TelemetryEndpoint Start(string bind, int port, Func<CancellationToken, Task<string>> metrics, Readiness readiness)
    {
        var any = bind == "*";
        var address = any ? IPAddress.IPv6Any : IPAddress.Parse(bind);
        var endPoint = new IPEndPoint(address, port);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (any)
            {
                socket.DualMode = true;
            }
            socket.Bind(endPoint);
            socket.Listen(64);
        }
        catch (SocketException ex) when (any && ex.SocketErrorCode is SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable)
        {
            // "*" on a machine without IPv6: IPv4 alone.
            socket.Dispose();
            return Start("0.0.0.0", port, metrics, readiness);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw BindFailure.From(endPoint, ex, "akka-imap.telemetry.prometheus.port", "akka-imap.telemetry.prometheus.bind");
        }
        return new TelemetryEndpoint(socket, metrics, readiness);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using (client)
            await using (var stream = new NetworkStream(client, ownsSocket: false))
            {
                var head = await ReadHeadAsync(stream, timeout.Token).ConfigureAwait(false);
                var (status, type, body, headOnly) = head is null
                    ? (400, "text/plain; charset=utf-8", "bad request\n", false)
                    : await AnswerAsync(head, timeout.Token).ConfigureAwait(false);
                await WriteAsync(stream, status, type, body, headOnly, timeout.Token).ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception)
        {
            // A client that went away or was too slow: nothing to answer.
        }
    }

    private async Task<(int Status, string Type, string Body, bool HeadOnly)> AnswerAsync(string requestLine, CancellationToken ct)
    {
        var parts = requestLine.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return (400, "text/plain; charset=utf-8", "bad request\n", false);
        }
        var (method, target) = (parts[0], parts[1]);
        var query = target.IndexOf('?');
        var path = query >= 0 ? target[..query] : target;
        if (method is not ("GET" or "HEAD"))
        {
            return (405, "text/plain; charset=utf-8", "method not allowed\n", false);
        }
        var headOnly = method == "HEAD";
        switch (path)
        {
            case "/metrics":
                try
                {
                    return (200, "text/plain; version=0.0.4; charset=utf-8", await _metrics(ct).ConfigureAwait(false), headOnly);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    return (500, "text/plain; charset=utf-8", $"metrics unavailable: {ex.GetBaseException().Message}\n", headOnly);
                }
            case "/health/live":
                return (200, "text/plain; charset=utf-8", "live\n", headOnly);
            case "/health/ready":
                var problems = await _readiness.ProblemsAsync(ct).ConfigureAwait(false);
                return problems.Count == 0
                    ? (200, "text/plain; charset=utf-8", "ready\n", headOnly)
                    : (503, "text/plain; charset=utf-8", "not ready: " + string.Join("; ", problems) + "\n", headOnly);
            default:
                return (404, "text/plain; charset=utf-8", "not found: try /metrics, /health/live or /health/ready\n", headOnly);
        }
    }

    /// <summary>The request line, once the whole head (up to the blank line) has arrived; null when it is malformed or too long.</summary>
    private static async Task<string?> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[MaxRequestHead];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }
            length += read;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                end = text.IndexOf("\n\n", StringComparison.Ordinal);
            }
            if (end >= 0)
            {
                var line = text.IndexOf('\n');
                return text[..line].TrimEnd('\r');
            }
        }
        return null;
    }

    private static async Task WriteAsync(NetworkStream stream, int status, string type, string body, bool headOnly, CancellationToken ct)
    {
        var content = Encoding.UTF8.GetBytes(body);
        var reason = status switch { 200 => "OK", 400 => "Bad Request", 404 => "Not Found", 405 => "Method Not Allowed", 500 => "Internal Server Error", _ => "Service Unavailable" };
        var head = $"HTTP/1.1 {status} {reason}\r\nContent-Type: {type}\r\nContent-Length: {content.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n"
            + (status == 405 ? "Allow: GET, HEAD\r\n" : "") + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct).ConfigureAwait(false);
        if (!headOnly)
        {
            await stream.WriteAsync(content, ct).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Stopping.
        }
        _stop.Dispose();
    }
}
