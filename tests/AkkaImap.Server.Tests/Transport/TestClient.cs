using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace AkkaImap.Server.Tests.Transport;

/// <summary>A real client socket on loopback with line reads that time out instead of hanging.</summary>
internal sealed class TestClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly TcpClient _tcp;
    private Stream _stream;

    private TestClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public SslProtocols? Protocol => (_stream as SslStream)?.SslProtocol;

    /// <summary>Closes the sending side only (plain connections): the server may still write.</summary>
    public void EndInput() => _tcp.Client.Shutdown(SocketShutdown.Send);

    public static async Task<TestClient> ConnectAsync(EndPoint endpoint, SslProtocols? implicitTls = null)
    {
        var ip = (IPEndPoint)endpoint;
        var tcp = new TcpClient(ip.AddressFamily) { NoDelay = true };
        using var cts = new CancellationTokenSource(Timeout);
        await tcp.ConnectAsync(ip, cts.Token);
        var client = new TestClient(tcp);
        if (implicitTls is { } protocols)
        {
            await client.StartTlsAsync(protocols);
        }

        return client;
    }

    /// <summary>Runs the client handshake over the current stream; the test certificate is self-signed, so any certificate is accepted.</summary>
    public async Task StartTlsAsync(SslProtocols protocols = SslProtocols.Tls12 | SslProtocols.Tls13)
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        using var cts = new CancellationTokenSource(Timeout);
        await ssl.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions { TargetHost = "localhost", EnabledSslProtocols = protocols },
            cts.Token);
        _stream = ssl;
    }

    public async Task WriteAsync(string text)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(text), cts.Token);
        await _stream.FlushAsync(cts.Token);
    }

    /// <summary>The next line without CRLF, or null at end of stream.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            // One byte at a time: nothing past the line is consumed, so STARTTLS can follow.
            var read = await _stream.ReadAsync(one, cts.Token);
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

    /// <summary>Reads lines until the server closes the connection.</summary>
    public async Task<List<string>> ReadToEndAsync()
    {
        var lines = new List<string>();
        try
        {
            while (await ReadLineAsync() is { } line)
            {
                lines.Add(line);
            }
        }
        catch (IOException)
        {
            // A reset after the last line is an end too.
        }

        return lines;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
