using System.Security.Authentication;
using Xunit;

namespace AkkaImap.Server.Tests.Transport;

public sealed class ConnectionTests : TransportTestKit
{
    [Fact]
    public async Task Plain_connection_echoes_lines_in_order()
    {
        await using var listeners = await StartAsync(Loopback());
        await using var client = await TestClient.ConnectAsync(Single(listeners));

        Assert.Equal("* OK hello", await client.ReadLineAsync());
        await client.WriteAsync("one\r\ntwo\r\nth");
        await client.WriteAsync("ree\r\n");

        Assert.Equal("ECHO one", await client.ReadLineAsync());
        Assert.Equal("ECHO two", await client.ReadLineAsync());
        Assert.Equal("ECHO three", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Plain_connection_offers_starttls_and_trusts_loopback()
    {
        await using var listeners = await StartAsync(Loopback());
        await using var client = await TestClient.ConnectAsync(Single(listeners));
        await client.ReadLineAsync();

        await client.WriteAsync("INFO\r\n");

        Assert.Equal("INFO tls=False starttls=True trusted=True endpoint=imap:0", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Sessions_run_on_the_imap_dispatcher()
    {
        await using var listeners = await StartAsync(Loopback());
        await using var client = await TestClient.ConnectAsync(Single(listeners));
        await client.ReadLineAsync();

        await client.WriteAsync("DISPATCHER\r\n");

        Assert.Equal("DISPATCHER akka-imap-dispatcher", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Loopback_is_untrusted_when_trusted_networks_is_empty()
    {
        var settings = Loopback();
        settings = settings with { Auth = settings.Auth with { TrustedNetworks = [] } };
        await using var listeners = await StartAsync(settings);
        await using var client = await TestClient.ConnectAsync(Single(listeners));
        await client.ReadLineAsync();

        await client.WriteAsync("INFO\r\n");

        Assert.Equal("INFO tls=False starttls=True trusted=False endpoint=imap:0", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Session_close_flushes_what_it_sent_then_closes()
    {
        await using var listeners = await StartAsync(Loopback());
        await using var client = await TestClient.ConnectAsync(Single(listeners));
        await client.ReadLineAsync();

        await client.WriteAsync("BIG 3000\r\nQUIT\r\n");
        var lines = await client.ReadToEndAsync();

        Assert.Equal(3002, lines.Count);
        Assert.Equal("line 2999 " + new string('x', 60), lines[2999]);
        Assert.Equal(["END", "BYE"], lines[^2..]);
    }

    [Theory]
    [InlineData(SslProtocols.Tls13)]
    [InlineData(SslProtocols.Tls12)]
    public async Task Implicit_tls_greets_and_echoes_after_the_handshake(SslProtocols protocol)
    {
        await using var listeners = await StartAsync(Loopback(ssl: true));
        await using var client = await TestClient.ConnectAsync(Single(listeners), protocol);

        Assert.Equal(protocol, client.Protocol);
        Assert.Equal("* OK hello", await client.ReadLineAsync());
        await client.WriteAsync("hello\r\nINFO\r\n");
        Assert.Equal("ECHO hello", await client.ReadLineAsync());
        Assert.Equal("INFO tls=True starttls=False trusted=True endpoint=imaps:0", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Implicit_tls_refuses_tls_1_1()
    {
        await using var listeners = await StartAsync(Loopback(ssl: true));

#pragma warning disable SYSLIB0039 // TLS 1.1 on purpose: the server must refuse it (RFC 8996).
        var attempt = TestClient.ConnectAsync(Single(listeners), SslProtocols.Tls11);
#pragma warning restore SYSLIB0039

        await Assert.ThrowsAnyAsync<Exception>(() => attempt);
    }

    [Fact]
    public async Task Implicit_tls_client_that_never_says_hello_is_dropped_after_the_pre_auth_timeout()
    {
        await using var listeners = await StartAsync(Loopback(ssl: true) with { PreAuthTimeout = TimeSpan.FromMilliseconds(300) });
        await using var silent = await TestClient.ConnectAsync(Single(listeners));

        Assert.Empty(await silent.ReadToEndAsync());
        await AwaitConditionAsync(() => Task.FromResult(listeners.Gate.Open == 0), TestClient.Timeout);
    }

    [Fact]
    public async Task Many_writes_over_tls_arrive_complete_and_in_order_before_close()
    {
        await using var listeners = await StartAsync(Loopback(ssl: true));
        await using var client = await TestClient.ConnectAsync(Single(listeners), SslProtocols.Tls13);
        await client.ReadLineAsync();

        await client.WriteAsync("BIG 5000\r\nQUIT\r\n");
        var lines = await client.ReadToEndAsync();

        Assert.Equal(5002, lines.Count);
        Assert.All(Enumerable.Range(0, 5000), i => Assert.StartsWith($"line {i} ", lines[i]));
        Assert.Equal(["END", "BYE"], lines[^2..]);
    }

    [Fact]
    public async Task Starttls_upgrades_and_discards_plaintext_sent_after_the_command()
    {
        await using var listeners = await StartAsync(Loopback());
        await using var client = await TestClient.ConnectAsync(Single(listeners));
        await client.ReadLineAsync();

        // The injection of CVE-2011-0411: a command in the same packet as STARTTLS.
        await client.WriteAsync("STARTTLS\r\nINJECTED\r\n");
        Assert.Equal("OK begin TLS", await client.ReadLineAsync());
        await client.StartTlsAsync();
        await client.WriteAsync("INFO\r\nQUIT\r\n");
        var lines = await client.ReadToEndAsync();

        Assert.Equal(["INFO tls=True starttls=False trusted=True endpoint=imap:0", "BYE"], lines);
    }

    [Fact]
    public async Task Failed_starttls_handshake_closes_the_connection()
    {
        await using var listeners = await StartAsync(Loopback());
        await using var client = await TestClient.ConnectAsync(Single(listeners));
        await client.ReadLineAsync();

        await client.WriteAsync("STARTTLS\r\n");
        Assert.Equal("OK begin TLS", await client.ReadLineAsync());
        await client.WriteAsync("this is not a TLS ClientHello\r\n");

        var rest = await client.ReadToEndAsync();
        Assert.DoesNotContain(rest, line => line.Contains("ECHO", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_session_that_throws_gets_its_client_bye_and_leaves_others_alone()
    {
        await using var listeners = await StartAsync(Loopback());
        await using var victim = await TestClient.ConnectAsync(Single(listeners));
        await using var bystander = await TestClient.ConnectAsync(Single(listeners));
        await victim.ReadLineAsync();
        await bystander.ReadLineAsync();

        await victim.WriteAsync("THROW\r\n");

        Assert.Equal(["* BYE Internal server error"], await victim.ReadToEndAsync());
        await bystander.WriteAsync("still here\r\n");
        Assert.Equal("ECHO still here", await bystander.ReadLineAsync());
    }

    [Fact]
    public async Task A_half_closed_client_still_gets_the_answers_to_what_it_sent()
    {
        await using var listeners = await StartAsync(Loopback());
        var client = await TestClient.ConnectAsync(Single(listeners));
        await client.ReadLineAsync();

        await client.WriteAsync("one\r\ntwo\r\n");
        client.EndInput();

        Assert.Equal(["ECHO one", "ECHO two"], await client.ReadToEndAsync());
        await AwaitConditionAsync(() => Task.FromResult(listeners.Gate.Open == 0), TestClient.Timeout);
    }

    [Fact]
    public async Task A_FIN_that_crosses_the_close_still_ends_the_connection()
    {
        await using var listeners = await StartAsync(Loopback());
        var client = await TestClient.ConnectAsync(Single(listeners));
        await client.ReadLineAsync();

        // The client's FIN arrives while the server still writes the answers before its own close.
        await client.WriteAsync("BIG 3000\r\nQUIT\r\n");
        client.EndInput();

        var lines = await client.ReadToEndAsync();
        Assert.Equal(3002, lines.Count);
        Assert.Equal(["END", "BYE"], lines[^2..]);
        await AwaitConditionAsync(() => Task.FromResult(listeners.Gate.Open == 0), TestClient.Timeout);
    }

    [Fact]
    public async Task Client_closing_stops_its_session_and_frees_its_slot()
    {
        await using var listeners = await StartAsync(Loopback());
        var client = await TestClient.ConnectAsync(Single(listeners));
        await client.ReadLineAsync();
        Assert.Equal(1, listeners.Gate.Open);

        await client.DisposeAsync();

        await AwaitConditionAsync(() => Task.FromResult(listeners.Gate.Open == 0), TestClient.Timeout);
    }
}
