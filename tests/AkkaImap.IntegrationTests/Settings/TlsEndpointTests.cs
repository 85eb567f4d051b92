using System.Security.Authentication;
using AkkaImap.IntegrationTests.Infrastructure;
using MailKit.Net.Imap;
using MailKit.Security;
using Xunit;

namespace AkkaImap.IntegrationTests.Settings;

/// <summary>
/// MailEnable "IMAP port" with "IMAP Enable SSL (default port)" off, and "Also listen on alternate
/// port" with "IMAP Enable SSL (alternate port)" on: <c>port</c> is plain and offers STARTTLS
/// (RFC 9051 §6.2.1), <c>alternate-port.port</c> is TLS from the first byte (RFC 8314 §3.3).
/// </summary>
public sealed class TlsEndpointTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Login = "alice@example.com";

    private string LoginLine => $"a LOGIN {Login} {server.Users[Login]}";

    [Fact]
    public async Task Openssl_starttls_on_the_plain_port_logs_in()
    {
        var result = await OpenSslClient.StartTlsAsync(server.Port, "c CAPABILITY", LoginLine, "z LOGOUT");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = Lines(result.Stdout);
        // After TLS there is nothing left to start, and plaintext login is allowed.
        var capability = Assert.Single(lines, l => l.StartsWith("* CAPABILITY ", StringComparison.Ordinal));
        Assert.DoesNotContain("STARTTLS", capability);
        Assert.DoesNotContain("LOGINDISABLED", capability);
        Assert.Contains(lines, l => l.StartsWith("a OK ", StringComparison.Ordinal));
        Assert.Contains("* BYE Logging out", lines);
    }

    [Fact]
    public async Task Openssl_implicit_tls_on_the_alternate_port_greets_and_logs_in()
    {
        var result = await OpenSslClient.ImplicitAsync(server.TlsPort, LoginLine, "z LOGOUT");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = Lines(result.Stdout);
        Assert.StartsWith("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 ", lines[0]);
        Assert.DoesNotContain("STARTTLS", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("a OK ", StringComparison.Ordinal));
        Assert.Contains("* BYE Logging out", lines);
    }

    [Fact]
    public async Task The_plain_port_advertises_starttls_and_drops_it_once_tls_is_on()
    {
        await using var client = await LineClient.ConnectAsync("127.0.0.1", server.Port);
        var greeting = await client.ReadLineAsync();
        Assert.NotNull(greeting);
        Assert.Contains(" STARTTLS", greeting);

        Assert.StartsWith("s OK ", (await client.RunAsync("s", "STARTTLS")).Last());
        await client.StartTlsAsync();

        var capability = await client.RunAsync("c", "CAPABILITY");
        Assert.DoesNotContain("STARTTLS", capability[0]);
        Assert.StartsWith("a OK ", (await client.RunAsync("a", $"LOGIN {Login} {server.Users[Login]}")).Last());
    }

    [Theory]
    [InlineData("default port", SecureSocketOptions.StartTls)]
    [InlineData("alternate port", SecureSocketOptions.SslOnConnect)]
    public Task MailKit_logs_in_over_tls(string endpoint, SecureSocketOptions security) =>
        MailKitTls.AssertLogsInAsync(server, endpoint == "default port" ? server.Port : server.TlsPort, security);

    [Theory]
    [InlineData("-tls1_2", "TLSv1.2")]
    [InlineData("-tls1_3", "TLSv1.3")]
    public async Task Tls_1_2_and_1_3_are_accepted(string option, string version)
    {
        var result = await OpenSslClient.HandshakeAsync(server.TlsPort, option, "-brief");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Protocol version: " + version, result.Stderr);
    }

    [Fact]
    public async Task Tls_1_1_is_refused_by_the_server()
    {
        // SECLEVEL=0 lets OpenSSL 3 offer TLS 1.1 at all; the alert then comes from the server.
        var result = await OpenSslClient.HandshakeAsync(server.TlsPort, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("alert protocol version", result.Stderr);
    }

    internal static string[] Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
