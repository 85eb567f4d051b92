using System.Net;
using System.Net.Sockets;
using System.Text;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Tls;
using Xunit;

namespace AkkaImap.Server.Tests.Sessions;

/// <summary>The Host's entry point end to end: a real listener on loopback, a real socket client.</summary>
public sealed class ImapServerTests : SessionTestKit
{
    [Fact]
    public async Task Serves_a_client_and_says_bye_when_stopped()
    {
        var settings = Settings with { Port = 0, Bind = ["127.0.0.1"] };
        var certificate = CertificateProvider.Load(new TlsSettings(null, null, null), DataFolder);
        var server = await ImapServer.StartAsync(Sys, settings, Store, certificate, Region);
        try
        {
            var endpoint = Assert.Single(server.Endpoints);
            using var tcp = new TcpClient();
            await tcp.ConnectAsync((IPEndPoint)endpoint.Address);
            using var timeout = new CancellationTokenSource(Wait);
            var stream = tcp.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);

            Assert.StartsWith("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 ", await reader.ReadLineAsync(timeout.Token));
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"a LOGIN {Login} {Password}\r\n"), timeout.Token);
            Assert.StartsWith("a OK [CAPABILITY ", await reader.ReadLineAsync(timeout.Token));

            await server.StopAsync();

            Assert.Equal("* BYE Server shutting down", await reader.ReadLineAsync(timeout.Token));
            Assert.Null(await reader.ReadLineAsync(timeout.Token));
        }
        finally
        {
            await server.StopAsync();
        }
    }
}
