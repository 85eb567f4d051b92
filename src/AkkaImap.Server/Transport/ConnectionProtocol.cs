using System.Net;
using Akka.Actor;

namespace AkkaImap.Server.Transport;

/// <summary>
/// What a session knows about its connection. <see cref="IsTrustedNetwork"/> says the peer is in
/// <c>auth.trusted-networks</c>, where plaintext login without TLS is allowed (RFC 9051 §11.1,
/// LOGINDISABLED). <see cref="CanStartTls"/> is true on plain endpoints until TLS is on.
/// </summary>
public sealed record ConnectionInfo(
    EndPoint Remote,
    EndPoint Local,
    bool IsTls,
    bool CanStartTls,
    bool IsTrustedNetwork,
    string EndpointName)
{
    /// <summary>
    /// Names this connection in every line the server logs about it (with <see cref="Client"/>), so
    /// an administrator can follow one client from "connection opened" to "connection closed".
    /// </summary>
    public string SessionId { get; init; } = SessionIds.New();

    /// <summary>
    /// The load balancer this connection came through (<c>proxy-protocol.trusted-networks</c>), when
    /// its PROXY header named the client; then <see cref="Remote"/> is the client's address.
    /// </summary>
    public EndPoint? Proxy { get; init; }

    /// <summary>The client's address without the port, as failed logins are counted against it.</summary>
    public string ClientAddress => Remote switch
    {
        IPEndPoint ip => (ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address).ToString(),
        _ => Remote.ToString() ?? "unknown",
    };

    /// <summary>The client's address and port as logged (an IPv4 client on a dual-stack socket shows as IPv4).</summary>
    public string Client => Remote switch
    {
        IPEndPoint { Address.IsIPv4MappedToIPv6: true } ip => $"{ip.Address.MapToIPv4()}:{ip.Port}",
        _ => Remote.ToString() ?? "unknown",
    };
}

/// <summary>Session ids: 12 characters from 72 random bits, unique across restarts without coordination.</summary>
public static class SessionIds
{
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[9];
        Random.Shared.NextBytes(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }
}

/// <summary>
/// The log context every line of a connection carries (<c>Session</c>, <c>Client</c>): the host's log
/// writes them at the start of the line, and as fields in JSON.
/// </summary>
public static class ConnectionLog
{
    public static Akka.Event.ILoggingAdapter For(Akka.Event.ILoggingAdapter log, ConnectionInfo connection) =>
        Akka.Event.LoggingExtensions.WithContext(Akka.Event.LoggingExtensions.WithContext(log, "Session", connection.SessionId), "Client", connection.Client);
}

/// <summary>
/// Makes the Props of the session actor for a new connection. The connection actor creates the
/// session as its child (for implicit TLS only after the handshake) and runs it on
/// <c>akka-imap-dispatcher</c> when that dispatcher is configured and the Props name none.
/// </summary>
public delegate Props SessionPropsFactory(ConnectionInfo connection, IActorRef connectionActor);

/// <summary>Messages the connection actor sends to its session.</summary>
public interface ISessionInbound : INoSerializationVerificationNeeded;

/// <summary>Messages a session sends to its connection actor.</summary>
public interface IConnectionCommand : INoSerializationVerificationNeeded;

/// <summary>
/// Plaintext bytes from the client (already decrypted on TLS connections), in order. The memory
/// belongs to the session from now on. This is client activity: it resets the session's
/// ReceiveTimeout (idle-timeout, pre-auth-timeout).
/// </summary>
public sealed record ClientData(ReadOnlyMemory<byte> Data) : ISessionInbound;

/// <summary>
/// The STARTTLS handshake succeeded (RFC 9051 §6.2.1): from now on the connection is TLS
/// (<see cref="ConnectionInfo.IsTls"/> true, <see cref="ConnectionInfo.CanStartTls"/> false).
/// Until this arrives the session ignores any <see cref="ClientData"/>: it is plaintext the client
/// sent before it could see the OK (CVE-2011-0411).
/// </summary>
public sealed record TlsEstablished : ISessionInbound, INotInfluenceReceiveTimeout
{
    public static readonly TlsEstablished Instance = new();
}

/// <summary>
/// The connection is gone (peer closed, network error, TLS failure, or our own Close done).
/// The session should stop; the connection actor stops it shortly after in any case.
/// </summary>
public sealed record ConnectionClosed(string Reason) : ISessionInbound, INotInfluenceReceiveTimeout;

/// <summary>
/// The client closed its sending side (a half-close: <c>printf '...' | nc</c>, a script that has
/// written all its commands). No more input comes; the session answers what it has received and
/// then closes the connection, which still carries its answers.
/// </summary>
public sealed record ClientInputEnded : ISessionInbound
{
    public static readonly ClientInputEnded Instance = new();
}

/// <summary>
/// Writes bytes to the client, in the order sent. The memory is handed over: the session must not
/// change it afterwards. Many may be sent in a row; the connection bounds what is in flight.
/// </summary>
public sealed record Send(ReadOnlyMemory<byte> Data) : IConnectionCommand
{
    public static Send Ascii(string text) => new(System.Text.Encoding.ASCII.GetBytes(text));
}

/// <summary>
/// <see cref="Send"/> for bytes in several pieces (FETCH responses with message bodies referenced
/// where the store left them): written in order as one write, none of them copied on the plain path.
/// </summary>
public sealed record SendParts(IReadOnlyList<ReadOnlyMemory<byte>> Parts) : IConnectionCommand;

/// <summary>
/// The OK to STARTTLS (RFC 9051 §6.2.1) and the switch in one message: the connection writes
/// <paramref name="Reply"/> in plaintext and starts the server handshake in the same step, so
/// the client's ClientHello, which it sends once it has read the OK, can never reach the
/// plaintext path first (two messages could be interleaved with that Tcp.Received on a loaded
/// machine, and the handshake then waited for bytes already dropped). Every byte received before
/// this point that the session has not consumed is discarded (the session drops its own parser
/// buffer too). Answered with <see cref="TlsEstablished"/>, or the connection closes when the
/// handshake fails.
/// </summary>
public sealed record StartTls(ReadOnlyMemory<byte> Reply) : IConnectionCommand;

/// <summary>
/// Back-pressure on output: more than <see cref="EndpointSettings.OutputHighWater"/> bytes wait for a
/// client that does not read them. The session takes no new command (and soon stops reading) until
/// <see cref="OutputDrained"/>, so pipelined commands cannot make the server buffer their answers
/// without bound (SPEC "Bad input": no input may exhaust memory).
/// </summary>
public sealed record OutputBackedUp : ISessionInbound, INotInfluenceReceiveTimeout
{
    public static readonly OutputBackedUp Instance = new();
}

/// <summary>The waiting output fell to <see cref="EndpointSettings.OutputLowWater"/> bytes: commands are taken again.</summary>
public sealed record OutputDrained : ISessionInbound, INotInfluenceReceiveTimeout
{
    public static readonly OutputDrained Instance = new();
}

/// <summary>
/// Asks to be told (<see cref="OutputSent"/>) once the unsent output is down to
/// <see cref="EndpointSettings.OutputLowWater"/>, at once if it already is. A long answer (FETCH of
/// many bodies) makes its next piece only then, so a client that stops reading holds back the
/// making of the answer, not only its sending.
/// </summary>
public sealed record NotifyWhenDrained(int Step) : IConnectionCommand;

/// <summary>The answer to <see cref="NotifyWhenDrained"/> of the same step.</summary>
public sealed record OutputSent(int Step) : ISessionInbound, INotInfluenceReceiveTimeout;

/// <summary>
/// The output of all sessions of this node that waits for clients is over
/// <c>limits.max-unsent-output-total</c>, and this session's own is backed up: what waited for it
/// was dropped, and the session closes with <c>* BYE</c>.
/// </summary>
public sealed record OutputOverTotal : ISessionInbound, INotInfluenceReceiveTimeout
{
    public static readonly OutputOverTotal Instance = new();
}

/// <summary>Flushes what is queued, then closes the connection (the session then gets <see cref="ConnectionClosed"/>).</summary>
public sealed record Close : IConnectionCommand
{
    public static readonly Close Instance = new();
}

/// <summary>Back-pressure: stop reading from the socket (one read already in flight may still arrive).</summary>
public sealed record SuspendReading : IConnectionCommand
{
    public static readonly SuspendReading Instance = new();
}

/// <summary>Back-pressure: read from the socket again after <see cref="SuspendReading"/>.</summary>
public sealed record ResumeReading : IConnectionCommand
{
    public static readonly ResumeReading Instance = new();
}

/// <summary>The session signed in as <paramref name="Login"/>: the connection names it in its "connection closed" line.</summary>
public sealed record SignedIn(string Login) : IConnectionCommand;

/// <summary>
/// Sent right after the OK to COMPRESS DEFLATE (RFC 4978 §3): from here on the connection deflates
/// everything it writes (inside TLS when TLS is on) and inflates what it receives. It answers
/// <see cref="CompressionStarted"/> and holds what arrives meanwhile until the session has handed
/// back, as <see cref="CompressedInput"/>, the bytes it received after the command line: those are
/// compressed already, and come first.
/// </summary>
public sealed record StartCompression(int Level) : IConnectionCommand;

/// <summary>The connection compresses from now on; <see cref="ClientData"/> after this is inflated.</summary>
public sealed record CompressionStarted : ISessionInbound, INotInfluenceReceiveTimeout
{
    public static readonly CompressionStarted Instance = new();
}

/// <summary>
/// The answer to <see cref="CompressionStarted"/>: the bytes the session received after the COMPRESS
/// command line (possibly none), still compressed. The connection inflates them before anything it
/// received since.
/// </summary>
public sealed record CompressedInput(ReadOnlyMemory<byte> Data) : IConnectionCommand;
