using System.Net;
using System.Net.Sockets;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Transport;
using Xunit;

namespace AkkaImap.Server.Tests.Transport;

public sealed class ListenerTests : TransportTestKit
{
    [Fact]
    public async Task Client_over_the_cap_gets_bye_and_a_freed_slot_is_reused()
    {
        await using var listeners = await StartAsync(Loopback(maxConnections: 2));
        var address = Single(listeners);
        var first = await TestClient.ConnectAsync(address);
        await using var second = await TestClient.ConnectAsync(address);
        Assert.Equal("* OK hello", await first.ReadLineAsync());
        Assert.Equal("* OK hello", await second.ReadLineAsync());

        await using (var refused = await TestClient.ConnectAsync(address))
        {
            Assert.Equal(["* BYE Too many connections, try again later"], await refused.ReadToEndAsync());
        }

        await first.DisposeAsync();
        await AwaitConditionAsync(() => Task.FromResult(listeners.Gate.Open == 1), TestClient.Timeout);

        await using var third = await TestClient.ConnectAsync(address);
        Assert.Equal("* OK hello", await third.ReadLineAsync());
    }

    [Fact]
    public async Task Implicit_tls_endpoint_refuses_over_the_cap_in_plaintext()
    {
        await using var listeners = await StartAsync(Loopback(ssl: true, maxConnections: 0));
        await using var refused = await TestClient.ConnectAsync(Single(listeners));

        Assert.Equal(["* BYE Too many connections, try again later"], await refused.ReadToEndAsync());
    }

    [Fact]
    public async Task Binding_a_port_in_use_fails_with_one_line()
    {
        var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        try
        {
            var port = ((IPEndPoint)other.LocalEndpoint).Port;

            var error = await Assert.ThrowsAsync<ListenerBindException>(() => StartAsync(Loopback(port: port)));

            Assert.Equal($"port {port} on 127.0.0.1 is in use — stop the other server or choose another akka-imap.port", error.Message);
        }
        finally
        {
            other.Stop();
        }
    }

    [Fact]
    public async Task Binding_an_address_not_on_this_machine_fails_with_one_line()
    {
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never local. Binding sends no traffic.
        var error = await Assert.ThrowsAsync<ListenerBindException>(() => StartAsync(Loopback(bind: "192.0.2.1")));

        Assert.Equal("bind: 192.0.2.1 is not an address of this machine — fix akka-imap.bind", error.Message);
    }

    [Fact]
    public async Task A_failed_endpoint_releases_those_already_bound()
    {
        var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        try
        {
            var busy = ((IPEndPoint)other.LocalEndpoint).Port;
            var free = FreePort();
            var settings = Loopback(port: free) with { AlternatePort = new AlternatePortSettings(true, busy, true) };

            var error = await Assert.ThrowsAsync<ListenerBindException>(() => StartAsync(settings));

            Assert.Equal($"port {busy} on 127.0.0.1 is in use — stop the other server or choose another akka-imap.alternate-port.port", error.Message);
            await using var again = await StartAsync(Loopback(port: free));
            Assert.Equal(free, ((IPEndPoint)Single(again)).Port);
        }
        finally
        {
            other.Stop();
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    [Fact]
    public async Task Bound_address_is_the_only_one_listening()
    {
        await using var listeners = await StartAsync(Loopback(bind: "127.0.0.2"));
        var port = ((IPEndPoint)Single(listeners)).Port;

        var refused = await Assert.ThrowsAsync<SocketException>(() => TestClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        await using var client = await TestClient.ConnectAsync(new IPEndPoint(IPAddress.Parse("127.0.0.2"), port));
        Assert.Equal("* OK hello", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Stop_accepting_refuses_newcomers_but_keeps_open_connections()
    {
        var listeners = await StartAsync(Loopback());
        var address = Single(listeners);
        await using var client = await TestClient.ConnectAsync(address);
        await client.ReadLineAsync();

        await listeners.StopAcceptingAsync();

        await using (var late = await TestClient.ConnectAsync(address))
        {
            Assert.Equal(["* BYE Server shutting down"], await late.ReadToEndAsync());
        }

        await client.WriteAsync("still\r\n");
        Assert.Equal("ECHO still", await client.ReadLineAsync());
        await listeners.StopAsync();
        Assert.Empty(await client.ReadToEndAsync());
        await Assert.ThrowsAsync<SocketException>(() => TestClient.ConnectAsync(address));
    }

    [Fact]
    public void Wildcard_binds_ipv4_and_ipv6_for_each_port()
    {
        var settings = ImapSettings.Default with { Bind = ["*"], AlternatePort = new AlternatePortSettings(true, 993, true) };

        var plan = ListenerPlan.From(settings, Identity, dispatcher: null);

        Assert.Equal(
            ["0.0.0.0:143 imap:143 plain", "[::]:143 imap:143 plain", "0.0.0.0:993 imaps:993 tls", "[::]:993 imaps:993 tls"],
            plan.Select(p => $"{p.Address} {p.Endpoint.Name} {(p.Endpoint.ImplicitTls ? "tls" : "plain")}"));
        Assert.Equal([false, true, false, true], plan.Select(p => p.Optional));
    }

    [Fact]
    public void Listed_addresses_are_bound_exactly()
    {
        var settings = ImapSettings.Default with { Bind = ["127.0.0.1", "::1"], Ssl = true };

        var plan = ListenerPlan.From(settings, Identity, dispatcher: null);

        Assert.Equal(["127.0.0.1:143", "[::1]:143"], plan.Select(p => p.Address.ToString()));
        Assert.All(plan, p => Assert.True(p.Endpoint.ImplicitTls));
    }
}
