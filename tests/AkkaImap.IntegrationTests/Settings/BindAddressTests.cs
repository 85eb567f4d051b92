using System.Net.Sockets;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Settings;

public sealed class SecondLoopbackServer : ServerFixture
{
    protected override string ExtraSettings => "bind = [\"127.0.0.2\"]";
}

/// <summary>
/// MailEnable "IP addresses to bind to" as <c>bind = ["127.0.0.2"]</c>: both endpoints listen on that
/// address only, so the same ports on 127.0.0.1 refuse the connection.
/// </summary>
public sealed class BindAddressTests(SecondLoopbackServer server) : IClassFixture<SecondLoopbackServer>
{
    [Fact]
    public async Task The_bound_address_serves_and_another_loopback_address_refuses()
    {
        foreach (var (port, tls) in new[] { (server.Port, false), (server.TlsPort, true) })
        {
            await using (var client = await LineClient.ConnectAsync("127.0.0.2", port, implicitTls: tls))
            {
                Assert.StartsWith("* OK ", await client.ReadLineAsync());
            }

            var refused = await Assert.ThrowsAsync<SocketException>(() => LineClient.ConnectAsync("127.0.0.1", port));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }
    }

    [Fact]
    public void The_log_names_the_bound_addresses()
    {
        Assert.Contains($"127.0.0.2:{server.Port} (plain+STARTTLS)", server.Output);
        Assert.Contains($"127.0.0.2:{server.TlsPort} (implicit TLS)", server.Output);
        // The cluster of one listens on loopback for remoting; no IMAP listener does.
        Assert.DoesNotContain($"127.0.0.1:{server.Port}", server.Output);
        Assert.DoesNotContain($"127.0.0.1:{server.TlsPort}", server.Output);
        Assert.DoesNotContain("Binding TCP channel on endpoint [127.0.0.1:", server.Output);
    }
}
