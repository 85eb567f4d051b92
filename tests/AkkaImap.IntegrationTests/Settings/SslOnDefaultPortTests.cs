using AkkaImap.IntegrationTests.Infrastructure;
using MailKit.Net.Imap;
using MailKit.Security;
using Xunit;

namespace AkkaImap.IntegrationTests.Settings;

/// <summary>The two TLS switches the other way round: <c>ssl = on</c> for <c>port</c>, <c>alternate-port.ssl = off</c>.</summary>
public sealed class SslOnDefaultPortServer : ServerFixture
{
    protected override string ExtraSettings => "ssl = on\nalternate-port.ssl = off";
}

/// <summary>
/// MailEnable "IMAP Enable SSL (default port)" on and "IMAP Enable SSL (alternate port)" off:
/// implicit TLS on <c>port</c> (<see cref="ServerFixture.Port"/>), and the alternate port
/// (<see cref="ServerFixture.TlsPort"/>, despite its name here) is plain and offers STARTTLS.
/// </summary>
public sealed class SslOnDefaultPortTests(SslOnDefaultPortServer server) : IClassFixture<SslOnDefaultPortServer>
{
    private const string Login = "alice@example.com";

    private string LoginLine => $"a LOGIN {Login} {server.Users[Login]}";

    [Fact]
    public async Task Openssl_implicit_tls_on_the_default_port_greets_and_logs_in()
    {
        var result = await OpenSslClient.ImplicitAsync(server.Port, LoginLine, "z LOGOUT");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = TlsEndpointTests.Lines(result.Stdout);
        Assert.StartsWith("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 ", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("a OK ", StringComparison.Ordinal));
        Assert.Contains("* BYE Logging out", lines);
    }

    [Fact]
    public async Task Openssl_starttls_on_the_plain_alternate_port_logs_in()
    {
        var result = await OpenSslClient.StartTlsAsync(server.TlsPort, LoginLine, "z LOGOUT");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = TlsEndpointTests.Lines(result.Stdout);
        Assert.Contains(lines, l => l.StartsWith("a OK ", StringComparison.Ordinal));
        Assert.Contains("* BYE Logging out", lines);
    }

    [Fact]
    public async Task The_default_port_speaks_no_plaintext()
    {
        await using var client = await LineClient.ConnectAsync("127.0.0.1", server.Port);
        await client.WriteLineAsync("a CAPABILITY");

        // The server waits for a TLS ClientHello; an IMAP line is not one, so it hangs up unanswered.
        Assert.DoesNotContain((await client.ReadUntilClosedAsync(LineClient.Bound)), l => l.Contains("CAPABILITY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_plain_alternate_port_offers_starttls()
    {
        await using var client = await LineClient.ConnectAsync("127.0.0.1", server.TlsPort);

        var greeting = await client.ReadLineAsync();
        Assert.NotNull(greeting);
        Assert.StartsWith("* OK [CAPABILITY ", greeting);
        Assert.Contains(" STARTTLS", greeting);
        var capability = await client.RunAsync("c", "CAPABILITY");
        Assert.Contains(" STARTTLS", capability[0]);
        Assert.StartsWith("c OK", capability[^1]);
    }

    [Theory]
    [InlineData("default port", SecureSocketOptions.SslOnConnect)]
    [InlineData("alternate port", SecureSocketOptions.StartTls)]
    public Task MailKit_logs_in_over_tls(string endpoint, SecureSocketOptions security) =>
        MailKitTls.AssertLogsInAsync(server, endpoint == "default port" ? server.Port : server.TlsPort, security);
}
