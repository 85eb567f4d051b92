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
