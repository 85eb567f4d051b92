using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using AkkaImap.Server.Tls;
using Xunit;

namespace AkkaImap.Server.Tests.Transport;

/// <summary>
/// OpenSSL frees an idle TLS connection's record buffers once the server's SslStream has
/// <c>SSL_MODE_RELEASE_BUFFERS</c> (issue 17: 33 of the 42 KB per idle TLS connection), and the
/// connection carries data both ways as before. Real loopback sockets and handshakes.
/// </summary>
public sealed class OpenSslBuffersTests
{
    [Theory]
    [InlineData(SslProtocols.Tls13)]
    [InlineData(SslProtocols.Tls12)]
    public async Task Release_mode_is_set_after_the_handshake_and_large_transfers_still_arrive_whole(SslProtocols protocol)
    {
        Assert.True(OperatingSystem.IsLinux(), "the server's TLS runs on OpenSSL here");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var clientSocket = new TcpClient();
        var connect = clientSocket.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var serverSocket = await listener.AcceptTcpClientAsync();
        await connect;
        await using var server = new SslStream(serverSocket.GetStream());
        await using var client = new SslStream(clientSocket.GetStream(), false, (_, _, _, _) => true);
        var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

        await Task.WhenAll(
            server.AuthenticateAsServerAsync(TransportTestKit.Identity.ServerOptions, timeout),
            client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", EnabledSslProtocols = protocol }, timeout));
        Assert.True(OpenSslBuffers.TryRelease(server));

        // 1 MB each way, in pieces larger and smaller than a TLS record.
        var up = Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 7)).ToArray();
        var down = Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 13)).ToArray();
        var received = new byte[up.Length];
        var returned = new byte[down.Length];
        await Task.WhenAll(
            WriteInPiecesAsync(client, up, timeout),
            server.ReadExactlyAsync(received, timeout).AsTask(),
            WriteInPiecesAsync(server, down, timeout),
            client.ReadExactlyAsync(returned, timeout).AsTask());
        Assert.Equal(up, received);
        Assert.Equal(down, returned);
    }

    private static async Task WriteInPiecesAsync(SslStream stream, byte[] data, CancellationToken ct)
    {
        int[] sizes = [1, 100, 5000, 16384, 40000];
        for (int offset = 0, i = 0; offset < data.Length; i++)
        {
            var size = Math.Min(sizes[i % sizes.Length], data.Length - offset);
            await stream.WriteAsync(data.AsMemory(offset, size), ct);
            offset += size;
        }
    }
}
