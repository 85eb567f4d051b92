using System.Net;
using System.Net.Sockets;

namespace AkkaImap.Tests.Shared;

/// <summary>
/// Loopback ports for servers a test starts a moment later. The kernel's port-0 choice comes from
/// the ephemeral range, which every outgoing connection (a client, a component) also draws from,
/// so such a port could be taken as a source port before the server binds it. These come from
/// below that range (20000–32767 on Linux), are checked free when handed out, and are never handed
/// out twice by one test process.
/// </summary>
public static class FreePorts
{
    private const int First = 20000;
    private const int Count = 12700;
    private static readonly HashSet<int> Given = [];

    public static int Next()
    {
        lock (Given)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = First + Random.Shared.Next(Count);
                if (Given.Contains(port) || !IsFree(port)) continue;
                Given.Add(port);
                return port;
            }
        }
        throw new InvalidOperationException("no free loopback port below the ephemeral range");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
