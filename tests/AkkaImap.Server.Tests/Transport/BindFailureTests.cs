using System.Net;
using System.Net.Sockets;
using AkkaImap.Server.Transport;
using Xunit;

namespace AkkaImap.Server.Tests.Transport;

public sealed class BindFailureTests
{
    [Fact]
    public void Privileged_port_without_the_right_names_the_capability()
    {
        var error = BindFailure.From(new IPEndPoint(IPAddress.Any, 143), new SocketException((int)SocketError.AccessDenied));

        Assert.Equal("port 143 on 0.0.0.0 needs root or CAP_NET_BIND_SERVICE, or choose a port ≥ 1024 for akka-imap.port", error.Message);
    }

    [Fact]
    public void Port_in_use_names_the_setting_of_that_port()
    {
        var error = BindFailure.From(
            new IPEndPoint(IPAddress.IPv6Any, 993),
            new SocketException((int)SocketError.AddressAlreadyInUse),
            "akka-imap.alternate-port.port");

        Assert.Equal("port 993 on :: is in use — stop the other server or choose another akka-imap.alternate-port.port", error.Message);
    }
}
