using System.Net;
using System.Text;
using Akka.Actor;
using Akka.IO;
using AkkaImap.Server.Transport;
using Xunit;

namespace AkkaImap.Server.Tests.Transport;

/// <summary>
/// The connection actor against Akka.IO's side of the conversation played by a probe, for an
/// ordering a real socket gives only now and then: the client's FIN arrives while Akka.IO is still
/// flushing the last write before our Close. Akka.IO (keepOpenOnPeerClosed) then reports
/// <c>PeerClosed</c> and waits for a new close command instead of finishing the old one.
/// </summary>
public sealed class CloseRaceTests : TransportTestKit
{
    [Fact]
    public void A_FIN_that_crosses_the_close_still_ends_the_connection()
    {
        var tcp = CreateTestProbe();
        var endpoint = new EndpointSettings("imap:test", ImplicitTls: false, Identity, [], TimeSpan.FromSeconds(5), Dispatcher: null)
        {
            CloseTimeout = TimeSpan.FromMinutes(5),
        };
        var connected = new Tcp.Connected(new IPEndPoint(IPAddress.Loopback, 50_000), new IPEndPoint(IPAddress.Loopback, 143));
        var connection = Sys.ActorOf(ConnectionActor.Props(tcp.Ref, connected, endpoint, LineEchoSession.Factory));
        Watch(connection);

        tcp.ExpectMsg<Tcp.Register>();
        var greeting = tcp.ExpectMsg<Tcp.Write>();
        Assert.Equal("* OK hello\r\n", greeting.Data.ToString(Encoding.ASCII));
        tcp.Reply(greeting.Ack);

        tcp.Send(connection, new Tcp.Received(ByteString.FromString("QUIT\r\n")));
        var bye = tcp.ExpectMsg<Tcp.Write>();
        Assert.Equal("BYE\r\n", bye.Data.ToString(Encoding.ASCII));
        // Everything is handed over, so the Close goes out while Akka.IO still writes the BYE.
        tcp.ExpectMsg<Tcp.Close>();

        // The client read the BYE and closed; its FIN reaches Akka.IO before the write's completion.
        tcp.Send(connection, Tcp.PeerClosed.Instance);
        tcp.ExpectMsg<Tcp.Close>();

        tcp.Send(connection, bye.Ack);
        tcp.Send(connection, Tcp.Closed.Instance);
        ExpectTerminated(connection);
    }
}
