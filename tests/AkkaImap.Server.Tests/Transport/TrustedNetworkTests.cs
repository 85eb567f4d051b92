using System.Net;
using AkkaImap.Server.Transport;
using Xunit;

namespace AkkaImap.Server.Tests.Transport;

public sealed class TrustedNetworkTests
{
    private static EndpointSettings Endpoint(params string[] networks) =>
        new("imap:143", false, TransportTestKit.Identity, networks.Select(IPNetwork.Parse).ToList(), TimeSpan.FromMinutes(1), null);

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("192.0.2.7", false)]
    [InlineData("2001:db8::1", false)]
    public void Peer_is_trusted_only_inside_the_listed_networks(string peer, bool trusted)
    {
        var endpoint = Endpoint("127.0.0.0/8", "::1/128");

        var info = endpoint.InfoFor(new IPEndPoint(IPAddress.Parse(peer), 50000), new IPEndPoint(IPAddress.Loopback, 143));

        Assert.Equal(trusted, info.IsTrustedNetwork);
        Assert.True(info.CanStartTls);
        Assert.False(info.IsTls);
    }
}

/// <summary>
/// <c>proxy-protocol.trusted-networks</c>: who must open with a PROXY header, and what the header
/// changes in the connection (Dovecot's <c>haproxy_trusted_networks</c>).
/// </summary>
public sealed class ProxyTrustedNetworkTests
{
    private static EndpointSettings Endpoint(string[] auth, string[] proxies) =>
        new("imap:143", false, TransportTestKit.Identity, auth.Select(IPNetwork.Parse).ToList(), TimeSpan.FromMinutes(1), null)
        {
            ProxyTrustedNetworks = proxies.Select(IPNetwork.Parse).ToList(),
        };

    [Theory]
    [InlineData("10.0.0.5", true)]
    [InlineData("::ffff:10.0.0.5", true)]
    [InlineData("10.0.0.6", false)]
    [InlineData("127.0.0.1", false)]
    public void Only_listed_peers_must_send_a_header(string peer, bool required)
    {
        var endpoint = Endpoint(["127.0.0.0/8"], ["10.0.0.5/32"]);

        Assert.Equal(required, endpoint.RequiresProxyHeader(new IPEndPoint(IPAddress.Parse(peer), 40000)));
    }

    [Fact]
    public void No_peer_sends_a_header_by_default()
    {
        var endpoint = Endpoint(["127.0.0.0/8"], []);

        Assert.False(endpoint.RequiresProxyHeader(new IPEndPoint(IPAddress.Loopback, 40000)));
    }

    [Fact]
    public void The_client_from_the_header_decides_auth_trusted_networks_and_keeps_the_session_id()
    {
        // The balancer is in auth.trusted-networks; the client it names is not.
        var endpoint = Endpoint(["10.0.0.0/8"], ["10.0.0.5/32"]);
        var balancer = new IPEndPoint(IPAddress.Parse("10.0.0.5"), 40000);
        var direct = endpoint.InfoFor(balancer, new IPEndPoint(IPAddress.Parse("10.0.0.20"), 143));
        Assert.True(direct.IsTrustedNetwork);

        var proxied = endpoint.Proxied(direct, new IPEndPoint(IPAddress.Parse("203.0.113.7"), 50000), new IPEndPoint(IPAddress.Parse("192.0.2.1"), 143));

        Assert.False(proxied.IsTrustedNetwork);
        Assert.Equal("203.0.113.7:50000", proxied.Client);
        Assert.Equal("203.0.113.7", proxied.ClientAddress);
        Assert.Equal(balancer, proxied.Proxy);
        Assert.Equal(direct.SessionId, proxied.SessionId);
        Assert.True(proxied.CanStartTls);
    }
}
