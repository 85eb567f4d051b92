using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace AkkaImap.IntegrationTests.Settings;

/// <summary>
/// A bare IMAP client on a real socket: writes command lines, reads response lines, and can start
/// TLS at any point. Every read has a generous bound, so a missing response fails instead of hanging.
/// </summary>
public sealed class LineClient : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly TcpClient _tcp;
    private Stream _stream;

    private LineClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>The TLS version in use, or null on a plaintext connection.</summary>
    public SslProtocols? Protocol => (_stream as SslStream)?.SslProtocol;

    /// <summary>This end of the connection (to tell which log lines are this client's).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_tcp.Client.LocalEndPoint!;

    /// <param name="from">A loopback source address to connect from (127.0.0.2 ...), so that tests can tell clients apart.</param>
    public static async Task<LineClient> ConnectAsync(string host, int port, bool implicitTls = false, IPAddress? from = null)
    {
        var tcp = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        try
        {
            if (from is not null)
            {
                tcp.Client.Bind(new IPEndPoint(from, 0));
            }

            using var cts = new CancellationTokenSource(Bound);
            await tcp.ConnectAsync(IPAddress.Parse(host), port, cts.Token);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }

        var client = new LineClient(tcp);
        if (implicitTls)
        {
            await client.StartTlsAsync();
        }

        return client;
    }

    /// <summary>The client side of a handshake; the server's certificate is self-signed, so any is accepted.</summary>
    public async Task StartTlsAsync()
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        using var cts = new CancellationTokenSource(Bound);
        await ssl.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions { TargetHost = "localhost", EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13 },
            cts.Token);
        _stream = ssl;
    }

    /// <summary>Writes bytes as they are, no line ending (a client sending part of a command).</summary>
    public async Task WriteAsync(string text)
    {
        using var cts = new CancellationTokenSource(Bound);
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(text), cts.Token);
        await _stream.FlushAsync(cts.Token);
    }

    /// <summary>Writes raw bytes (a binary PROXY v2 header) in one write.</summary>
    public async Task WriteAsync(byte[] bytes)
    {
        using var cts = new CancellationTokenSource(Bound);
        await _stream.WriteAsync(bytes, cts.Token);
        await _stream.FlushAsync(cts.Token);
    }

    public async Task WriteLineAsync(string line)
    {
        using var cts = new CancellationTokenSource(Bound);
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), cts.Token);
        await _stream.FlushAsync(cts.Token);
    }

    /// <summary>The next line without CRLF, or null once the server has closed the connection.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan? bound = null)
    {
        using var cts = new CancellationTokenSource(bound ?? Bound);
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            // One byte at a time: nothing after the line is consumed, so TLS can start right after it.
            int read;
            try
            {
                read = await _stream.ReadAsync(one, cts.Token);
            }
            catch (IOException) when (line.Count == 0)
            {
                // A reset after the server's close is a close too.
                return null;
            }

            if (read == 0)
            {
                return line.Count == 0 ? null : Encoding.ASCII.GetString(line.ToArray());
            }

            if (one[0] == '\n')
            {
                return Encoding.ASCII.GetString(line.ToArray()).TrimEnd('\r');
            }

            line.Add(one[0]);
        }
    }

    /// <summary>Sends <c>tag command</c> and returns every line up to and including the tagged one.</summary>
    public async Task<List<string>> RunAsync(string tag, string command)
    {
        await WriteLineAsync(tag + " " + command);
        return await ReadUntilTaggedAsync(tag);
    }

    public async Task<List<string>> ReadUntilTaggedAsync(string tag)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new IOException($"closed before the tagged response to {tag}: {string.Join(" | ", lines)}");
            lines.Add(line);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return lines;
            }
        }
    }

    /// <summary>Reads until the server closes the connection (within <paramref name="bound"/>) and returns what it said.</summary>
    public async Task<List<string>> ReadUntilClosedAsync(TimeSpan bound)
    {
        var lines = new List<string>();
        using var cts = new CancellationTokenSource(bound);
        while (await ReadLineAsync(bound) is { } line)
        {
            lines.Add(line);
            if (cts.IsCancellationRequested)
            {
                throw new TimeoutException("the server kept the connection open: " + string.Join(" | ", lines));
            }
        }

        return lines;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
