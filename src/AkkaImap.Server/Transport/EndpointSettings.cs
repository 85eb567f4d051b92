using System.Net;
using AkkaImap.Server.Tls;

namespace AkkaImap.Server.Transport;

/// <summary>What every connection accepted on one endpoint shares.</summary>
internal sealed record EndpointSettings(
    string Name,
    bool ImplicitTls,
    TlsIdentity Certificate,
    IReadOnlyList<IPNetwork> TrustedNetworks,
    TimeSpan HandshakeTimeout,
    string? Dispatcher)
{
    /// <summary>Said to a client refused at accept time because the connection cap is reached (IMAP: RFC 9051 §7.1.5 BYE; LMTP: 421).</summary>
    public string TooManyConnectionsReply { get; init; } = "* BYE Too many connections, try again later\r\n";

    /// <summary>Said to a client refused at accept time because the server is stopping.</summary>
    public string ShuttingDownReply { get; init; } = "* BYE Server shutting down\r\n";

    /// <summary>The setting that names this endpoint's port, for error lines.</summary>
    public string PortKey { get; init; } = "akka-imap.port";

    /// <summary>Bytes handed to the socket and not yet sent, per connection: the rest waits in the <see cref="WriteWindow"/>.</summary>
    public int MaxUnackedBytes { get; init; } = 128 * 1024;

    /// <summary>Unsent bytes (queued here, or handed to the socket and not yet sent) above which the session pauses (<see cref="OutputBackedUp"/>); <c>limits.max-unsent-output</c>.</summary>
    public long OutputHighWater { get; init; } = 1024 * 1024;

    /// <summary>
    /// Unsent bytes at or below which a paused session goes on (<see cref="OutputDrained"/>) and a
    /// long answer makes its next piece (<see cref="NotifyWhenDrained"/>); a quarter of <c>limits.max-unsent-output</c>.
    /// </summary>
    public long OutputLowWater { get; init; } = 256 * 1024;

    /// <summary>The node-wide count of unsent bytes, shared by every endpoint; <c>limits.max-unsent-output-total</c>.</summary>
    public UnsentOutputTotal UnsentTotal { get; init; } = new(long.MaxValue);

    /// <summary>Connections the kernel queues before the listener accepts them; <c>limits.listen-backlog</c>.</summary>
    public int ListenBacklog { get; init; } = 1024;

    /// <summary>How long a Close may take to flush before the connection is aborted; <c>limits.close-timeout</c>.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a stopped connection waits for its session to stop after ConnectionClosed.</summary>
    public TimeSpan SessionStopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <c>proxy-protocol.trusted-networks</c>: peers that are load balancers. A connection from one
    /// must start with a PROXY header (<see cref="RequiresProxyHeader"/>); empty on LMTP endpoints.
    /// </summary>
    public IReadOnlyList<IPNetwork> ProxyTrustedNetworks { get; init; } = [];

    public bool IsTrusted(EndPoint remote) => InNetworks(remote, TrustedNetworks);

    /// <summary>The peer is a load balancer that must open with a PROXY header.</summary>
    public bool RequiresProxyHeader(EndPoint remote) => ProxyTrustedNetworks.Count > 0 && InNetworks(remote, ProxyTrustedNetworks);

    private static bool InNetworks(EndPoint remote, IReadOnlyList<IPNetwork> networks)
    {
        if (remote is not IPEndPoint ip)
        {
            return false;
        }

        // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; networks are written as IPv4.
        var address = ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address;
        foreach (var network in networks)
        {
            if (network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    public ConnectionInfo InfoFor(EndPoint remote, EndPoint local) =>
        new(remote, local, IsTls: false, CanStartTls: !ImplicitTls, IsTrustedNetwork: IsTrusted(remote), EndpointName: Name);

    /// <summary>
    /// The connection as the PROXY header tells it: the client's address (and the address it reached)
    /// replace the balancer's everywhere, <c>auth.trusted-networks</c> included; same session id.
    /// </summary>
    public ConnectionInfo Proxied(ConnectionInfo direct, IPEndPoint client, IPEndPoint reached) =>
        InfoFor(client, reached) with { SessionId = direct.SessionId, Proxy = direct.Remote };
}
