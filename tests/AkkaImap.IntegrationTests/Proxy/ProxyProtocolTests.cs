using System.Net;
using System.Net.Sockets;
using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.IntegrationTests.Settings;
using MailKit.Net.Imap;
using MailKit.Security;
using Xunit;

namespace AkkaImap.IntegrationTests.Proxy;

/// <summary>
/// One <c>akkaimap serve</c> behind a private HAProxy: plain port through <c>send-proxy</c> (v1) and
/// <c>send-proxy-v2</c>, the implicit-TLS port through <c>send-proxy-v2</c>. HAProxy talks to the
/// server from 127.0.0.1, the only <c>proxy-protocol.trusted-networks</c> peer; clients connect to
/// HAProxy from other loopback addresses (127.0.0.2, .3, .6, .7), so the server can only know them
/// from the PROXY header. <c>auth.trusted-networks</c> holds 127.0.0.2 and 127.0.0.6/31, not .3.
/// </summary>
public sealed class HaproxyServer : ServerFixture
{
    private PrivateHaproxy? _haproxy;

    public HaproxyServer()
    {
        PlainV1 = new HaproxyRoute("imap_v1", Port, "send-proxy");
        PlainV2 = new HaproxyRoute("imap_v2", Port, "send-proxy-v2");
        TlsV2 = new HaproxyRoute("imaps_v2", TlsPort, "send-proxy-v2");
        // HAProxy's own health checks, with the PROXY header: v2 sends them as LOCAL.
        Checked = new HaproxyRoute("imap_checked", Port, "send-proxy-v2 check check-send-proxy inter 1s");
    }

    public HaproxyRoute PlainV1 { get; }

    public HaproxyRoute PlainV2 { get; }

    public HaproxyRoute TlsV2 { get; }

    public HaproxyRoute Checked { get; }

    public string HaproxyOutput => _haproxy?.Output ?? string.Empty;

    protected override string ExtraSettings => """
        proxy-protocol.trusted-networks = ["127.0.0.1"]
        auth.trusted-networks = ["127.0.0.2", "127.0.0.6/31"]
        """;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _haproxy = await PrivateHaproxy.StartAsync([PlainV1, PlainV2, TlsV2, Checked]);
    }

    public override async Task DisposeAsync()
    {
        if (_haproxy is not null)
        {
            await _haproxy.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}

public sealed class ProxyProtocolTests(HaproxyServer server) : IClassFixture<HaproxyServer>
{
    private const string Login = "alice@example.com";

    private Task<string> LineOf(string client, string text, string what) =>
        server.WaitForLineAsync(l => l.Contains(client, StringComparison.Ordinal) && l.Contains(text, StringComparison.Ordinal), what);

    [Fact]
    public async Task MailKit_through_send_proxy_v1_logs_in_and_the_log_names_the_client_not_haproxy()
    {
        var (client, me) = await server.PlainV1.ConnectAsync("127.0.0.2");
        using (client)
        {
            await client.AuthenticateAsync(Login, server.Users[Login]);
            Assert.True(client.IsAuthenticated);
            await client.DisconnectAsync(quit: true);
        }

        var opened = await LineOf(me, "connection opened on", "the connection opened line of the client");
        Assert.Contains("PROXY v1 header, via 127.0.0.1:", opened);
        Assert.EndsWith(", plain)", await LineOf(me, $"login of {Login} succeeded (", "the login line naming the client"));
        await LineOf(me, "connection closed", "the connection closed line naming the client");
    }

    [Fact]
    public async Task MailKit_over_implicit_tls_through_send_proxy_v2_logs_in_the_header_comes_before_the_handshake()
    {
        var (client, me) = await server.TlsV2.ConnectAsync("127.0.0.3", tls: true);
        using (client)
        {
            Assert.True(client.IsSecure);
            await client.AuthenticateAsync(Login, server.Users[Login]);
            Assert.True(client.IsAuthenticated);
            await client.DisconnectAsync(quit: true);
        }

        var opened = await LineOf(me, "connection opened on", "the connection opened line of the TLS client");
        Assert.Contains("implicit TLS, PROXY v2 header, via 127.0.0.1:", opened);
        Assert.EndsWith(", TLS)", await LineOf(me, $"login of {Login} succeeded (", "the TLS login line naming the client"));
    }

    [Fact]
    public async Task Auth_trusted_networks_is_decided_on_the_client_address()
    {
        // Both come through the same HAProxy (peer 127.0.0.1, which auth.trusted-networks does not list).
        var (trusted, _) = await server.PlainV2.ConnectAsync("127.0.0.2");
        using (trusted)
        {
            Assert.False(trusted.Capabilities.HasFlag(ImapCapabilities.LoginDisabled));
            Assert.Contains("PLAIN", trusted.AuthenticationMechanisms);
        }

        var (outside, me) = await server.PlainV2.ConnectAsync("127.0.0.3");
        using (outside)
        {
            Assert.True(outside.Capabilities.HasFlag(ImapCapabilities.LoginDisabled));
            Assert.DoesNotContain("PLAIN", outside.AuthenticationMechanisms);
        }

        Assert.Contains("PROXY v2 header", await LineOf(me, "connection opened on", "the outside client's line"));
    }

    [Fact]
    public async Task Failed_login_delays_count_per_client_address_not_per_balancer()
    {
        // An unknown login: its failures are counted per address and never lock an account.
        const string Guess = "nobody@example.com";
        var (first, firstMe) = await server.PlainV1.ConnectAsync("127.0.0.6");
        using (first)
        {
            await Assert.ThrowsAsync<AuthenticationException>(() => first.AuthenticateAsync(new SaslMechanismPlain(Guess, "wrong-1")));
            await Assert.ThrowsAsync<AuthenticationException>(() => first.AuthenticateAsync(new SaslMechanismPlain(Guess, "wrong-2")));
        }

        await LineOf(firstMe, "failed login 2 in a row from 127.0.0.6,", "the second failure from 127.0.0.6");
        Assert.DoesNotContain("failed login 3 in a row", server.Output);

        // Another client through the same balancer starts from one: it is not charged for 127.0.0.6.
        var (second, secondMe) = await server.PlainV2.ConnectAsync("127.0.0.7");
        using (second)
        {
            await Assert.ThrowsAsync<AuthenticationException>(() => second.AuthenticateAsync(new SaslMechanismPlain(Guess, "wrong-3")));
        }

        await LineOf(secondMe, "failed login 1 in a row from 127.0.0.7,", "the first failure from 127.0.0.7");
        await LineOf(secondMe, $"login of {Guess} failed (PLAIN, plain): unknown user", "the failure line naming 127.0.0.7");
    }

    [Fact]
    public async Task HAProxy_health_checks_send_v2_LOCAL_and_keep_the_balancers_own_address()
    {
        var line = await server.WaitForLineAsync(
            l => l.Contains("PROXY v2 header, no client address in it)", StringComparison.Ordinal), "a health check's connection line");

        // Taken, not closed; the session is the balancer's own (127.0.0.1), not a client's.
        Assert.Contains("connection opened on 127.0.0.1:", line);
        Assert.Contains(" 127.0.0.1:", line[..line.IndexOf(": connection opened", StringComparison.Ordinal)]);
    }

    [Fact]
    public async Task An_untrusted_peer_sending_a_PROXY_line_gets_BAD()
    {
        await using var client = await LineClient.ConnectAsync("127.0.0.1", server.Port, from: IPAddress.Parse("127.0.0.5"));
        var greeting = await client.ReadLineAsync();
        Assert.StartsWith("* OK", greeting);

        await client.WriteLineAsync("PROXY TCP4 203.0.113.7 127.0.0.1 50000 143");
        var answer = await client.ReadLineAsync();
        Assert.StartsWith("PROXY BAD ", answer);

        // The forged address is nowhere: the session is the peer's own.
        var me = client.LocalEndPoint.ToString();
        await LineOf(me, "connection opened on", "the untrusted peer's connection line");
        Assert.DoesNotContain("203.0.113.7", server.Output);
    }

    [Fact]
    public async Task A_trusted_peer_without_a_header_is_closed_and_logged()
    {
        await using var client = await LineClient.ConnectAsync("127.0.0.1", server.Port);
        await client.WriteLineAsync("a1 CAPABILITY");

        // No greeting, no answer: the connection ends.
        Assert.Null(await client.ReadLineAsync());
        var me = client.LocalEndPoint.ToString();
        var line = await LineOf(me, "closing the connection from load balancer", "the missing-header line");
        Assert.Contains("proxy-protocol.trusted-networks", line);
        Assert.Contains("no PROXY header", line);
    }

    [Fact]
    public async Task A_v2_header_naming_an_IPv6_client_and_the_first_command_in_one_write_are_both_taken()
    {
        await using var client = await LineClient.ConnectAsync("127.0.0.1", server.Port);
        byte[] header =
        [
            0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x21, 0x00, 0x24,
            .. IPAddress.Parse("2001:db8::7").GetAddressBytes(), .. IPAddress.IPv6Loopback.GetAddressBytes(),
            0xC3, 0x50, 0x00, 0x8F,
        ];
        await client.WriteAsync([.. header, .. "a1 CAPABILITY\r\n"u8.ToArray()]);

        Assert.StartsWith("* OK", await client.ReadLineAsync());
        Assert.StartsWith("* CAPABILITY", await client.ReadLineAsync());
        Assert.StartsWith("a1 OK", await client.ReadLineAsync());
        // 2001:db8::7 is outside auth.trusted-networks: plaintext login is off for this client.
        Assert.StartsWith("a2 NO", (await client.RunAsync("a2", $"LOGIN {Login} {server.Users[Login]}")).Last());

        var opened = await LineOf("[2001:db8::7]:50000", "connection opened on [::1]:143", "the IPv6 client's line");
        Assert.Contains("PROXY v2 header", opened);
        await LineOf("[2001:db8::7]:50000", "plaintext refused", "the refused login naming the IPv6 client");
    }

    [Fact]
    public async Task A_broken_header_from_a_trusted_peer_is_closed_and_logged()
    {
        await using var client = await LineClient.ConnectAsync("127.0.0.1", server.Port);
        await client.WriteLineAsync("PROXY TCP4 203.0.113.7 127.0.0.1 50000");

        Assert.Null(await client.ReadLineAsync());
        var line = await LineOf(client.LocalEndPoint.ToString(), "closing the connection from load balancer", "the broken-header line");
        Assert.Contains("PROXY v1 line needs exactly", line);
    }
}
