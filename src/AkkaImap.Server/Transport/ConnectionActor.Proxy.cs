using Akka.Actor;
using Akka.Event;
using AkkaImap.Protocol.Proxy;

namespace AkkaImap.Server.Transport;

/// <summary>
/// The PROXY-header half of <see cref="ConnectionActor"/>: a peer in
/// <c>proxy-protocol.trusted-networks</c> is a load balancer, and its connection must start with a
/// PROXY header (v1 or v2), read here before anything else — before the TLS handshake on an
/// implicit-TLS port, before the session (and its greeting) exists. The header's client address
/// then replaces the peer's in <see cref="ConnectionInfo"/>, so logs, failed-login delays and
/// <c>auth.trusted-networks</c> see the client. Without a valid header the connection is closed.
/// </summary>
internal sealed partial class ConnectionActor
{
    private byte[]? _proxyBuffer;
    private int _proxyBuffered;

    private bool AwaitingProxyHeader => _proxyBuffer is not null;

    private void AwaitProxyHeader()
    {
        _proxyBuffer = new byte[512];
        Timers.StartSingleTimer(nameof(ProxyHeaderTimedOut), ProxyHeaderTimedOut.Instance, _endpoint.HandshakeTimeout);
    }

    private void OnProxyBytes(byte[] data)
    {
        var buffer = _proxyBuffer!;
        if (_proxyBuffered + data.Length > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, _proxyBuffered + data.Length));
            _proxyBuffer = buffer;
        }

        data.CopyTo(buffer.AsSpan(_proxyBuffered));
        _proxyBuffered += data.Length;
        var result = ProxyHeader.TryParse(buffer.AsSpan(0, _proxyBuffered));
        switch (result.Status)
        {
            case ProxyParseStatus.NeedMoreData:
                return;
            case ProxyParseStatus.Invalid:
                _proxyBuffer = null;
                Timers.Cancel(nameof(ProxyHeaderTimedOut));
                _log.Warning("closing the connection from load balancer {Peer} (proxy-protocol.trusted-networks): {Error}", _info.Client, result.Error);
                BeginClose("no valid PROXY header");
                return;
        }

        _proxyBuffer = null;
        Timers.Cancel(nameof(ProxyHeaderTimedOut));
        if (result.Source is { } client && result.Destination is { } reached)
        {
            _info = _endpoint.Proxied(_info, client, reached);
            _log = ConnectionLog.For(Context.GetLogger(), _info);
        }

        Open(result.Version);
        var rest = result.Consumed < _proxyBuffered ? buffer.AsSpan(result.Consumed, _proxyBuffered - result.Consumed).ToArray() : null;
        if (rest is null)
        {
            return;
        }

        if (_tls is not null)
        {
            _tls.Feed(rest);
        }
        else
        {
            _session?.Tell(new ClientData(rest));
        }
    }

    private void OnProxyHeaderTimedOut()
    {
        if (!AwaitingProxyHeader)
        {
            return;
        }

        _proxyBuffer = null;
        _log.Warning("closing the connection from load balancer {Peer} (proxy-protocol.trusted-networks): no PROXY header within {Seconds} s",
            _info.Client, _endpoint.HandshakeTimeout.TotalSeconds);
        _closeReason = "no PROXY header";
        _socket.Abort();
    }

    private sealed record ProxyHeaderTimedOut : INoSerializationVerificationNeeded
    {
        public static readonly ProxyHeaderTimedOut Instance = new();
    }
}
