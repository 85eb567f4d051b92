using System.Net;
using System.Net.Sockets;

namespace AkkaImap.Server.Transport;

/// <summary>Binding a listening socket failed; the message is one line saying what to change.</summary>
public sealed class ListenerBindException(string message, SocketError error, Exception? inner = null) : Exception(message, inner)
{
    public SocketError Error { get; } = error;
}

/// <summary>Turns a failed bind into the one line the operator reads.</summary>
public static class BindFailure
{
    /// <summary>Turns the socket error of a failed bind into the line the operator reads.</summary>
    public static ListenerBindException From(EndPoint address, Exception? cause, string portKey = "akka-imap.port", string bindKey = "akka-imap.bind")
    {
        var error = (cause as SocketException)?.SocketErrorCode ?? SocketError.SocketError;
        var (host, port) = address is IPEndPoint ip ? (ip.Address.ToString(), ip.Port) : (address.ToString() ?? "?", 0);
        var message = error switch
        {
            SocketError.AddressAlreadyInUse =>
                $"port {port} on {host} is in use — stop the other server or choose another {portKey}",
            SocketError.AccessDenied =>
                $"port {port} on {host} needs root or CAP_NET_BIND_SERVICE, or choose a port ≥ 1024 for {portKey}",
            SocketError.AddressNotAvailable =>
                $"bind: {host} is not an address of this machine — fix {bindKey}",
            SocketError.AddressFamilyNotSupported or SocketError.ProtocolNotSupported =>
                $"bind: {host} needs {(address.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4")}, which this machine does not offer — fix {bindKey}",
            _ => $"cannot listen on {host} port {port}: {cause?.Message ?? "unknown error"}",
        };
        return new ListenerBindException(message, error, cause);
    }
}
