using System.Diagnostics.Metrics;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.Sessions;

namespace AkkaImap.Server.Telemetry;

/// <summary>
/// The server's instruments on the <see cref="MeterName"/> meter (SPEC: Telemetry). The Host
/// exports them with OpenTelemetry as Prometheus text (a dotted name becomes snake case, the unit a
/// suffix: <c>akkaimap.command.duration</c> in <c>s</c> is <c>akkaimap_command_duration_seconds</c>,
/// and a counter ends in <c>_total</c>). Static, like the instruments of the BCL: a meter is
/// process-wide, and recording costs no allocation (at most three tags, every tag value from a
/// small fixed set: command names, mechanisms, results; never a user or folder name).
/// </summary>
public static class ImapMetrics
{
    public const string MeterName = "AkkaImap";

    /// <summary>Command latency buckets, in seconds: 0.5 ms (NOOP) to 30 s (a large SEARCH or FETCH).</summary>
    public static readonly IReadOnlyList<double> LatencyBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private static readonly Meter Meter = new(MeterName, typeof(ImapMetrics).Assembly.GetName().Version?.ToString(3));

    private static readonly UpDownCounter<long> Connections =
        Meter.CreateUpDownCounter<long>("akkaimap.connections", "{connection}", "Open IMAP sessions");

    private static readonly UpDownCounter<long> SessionStates =
        Meter.CreateUpDownCounter<long>("akkaimap.sessions", "{session}", "Open IMAP sessions by state (RFC 9051 §3: not_authenticated, authenticated, selected, logout)");

    private static readonly Counter<long> Commands =
        Meter.CreateCounter<long>("akkaimap.commands", "{command}", "Completed IMAP commands by name and result (OK, NO, BAD)");

    private static readonly Histogram<double> CommandDuration =
        Meter.CreateHistogram("akkaimap.command.duration", "s", "Time from a command's receipt to its tagged response, by command",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });

    private static readonly Counter<long> AuthFailures =
        Meter.CreateCounter<long>("akkaimap.auth.failures", "{failure}", "Failed LOGIN/AUTHENTICATE attempts by mechanism");

    private static readonly Counter<long> Logins =
        Meter.CreateCounter<long>("akkaimap.logins", "{login}", "LOGIN/AUTHENTICATE attempts by mechanism and result (success, failure)");

    private static readonly Counter<long> LoginCacheLookups =
        Meter.CreateCounter<long>("akkaimap.login_cache", "{lookup}", "Password logins looked up in the authentication cache (auth.cache) by result (hit, miss)");

    private static readonly UpDownCounter<long> IdleSessions =
        Meter.CreateUpDownCounter<long>("akkaimap.idle.sessions", "{session}", "Sessions currently in IDLE (RFC 2177)");

    private static readonly Counter<long> Received =
        Meter.CreateCounter<long>("akkaimap.received", "By", "Bytes received from IMAP clients (on the wire: TLS records included)");

    private static readonly Counter<long> Sent =
        Meter.CreateCounter<long>("akkaimap.sent", "By", "Bytes sent to IMAP clients (on the wire: TLS records included)");

    private static readonly Counter<long> TlsHandshakes =
        Meter.CreateCounter<long>("akkaimap.tls.handshakes", "{handshake}", "TLS handshakes by mode (implicit, starttls) and result (success, failure)");

    private static readonly Counter<long> DeadLetters =
        Meter.CreateCounter<long>("akkaimap.dead_letters", "{message}", "Messages Akka could not deliver (to a stopped actor)");

    private static readonly KeyValuePair<string, object?> Success = new("result", "success");
    private static readonly KeyValuePair<string, object?> Failure = new("result", "failure");

    public static void SessionOpened() => Connections.Add(1);

    public static void SessionClosed() => Connections.Add(-1);

    /// <summary>A session moved from <paramref name="from"/> (null: it is new) to <paramref name="to"/> (null: it ended).</summary>
    public static void SessionMoved(SessionState? from, SessionState? to)
    {
        if (from == to) return;
        if (from is { } f) SessionStates.Add(-1, new KeyValuePair<string, object?>("state", StateTag(f)));
        if (to is { } t) SessionStates.Add(1, new KeyValuePair<string, object?>("state", StateTag(t)));
    }

    /// <summary>Counts and times one command; <paramref name="command"/> is its name (e.g. <c>UID FETCH</c>).</summary>
    public static void CommandCompleted(string command, StatusKind result, TimeSpan elapsed)
    {
        var name = new KeyValuePair<string, object?>("command", command);
        Commands.Add(1, name, new KeyValuePair<string, object?>("result", ResultName(result)));
        CommandDuration.Record(elapsed.TotalSeconds, name);
    }

    public static void AuthFailed(string mechanism)
    {
        var tag = new KeyValuePair<string, object?>("mechanism", mechanism);
        AuthFailures.Add(1, tag);
        Logins.Add(1, tag, Failure);
    }

    public static void LoginSucceeded(string mechanism) =>
        Logins.Add(1, new KeyValuePair<string, object?>("mechanism", mechanism), Success);

    public static void LoginCache(bool hit) =>
        LoginCacheLookups.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));

    public static void IdleStarted() => IdleSessions.Add(1);

    public static void IdleEnded() => IdleSessions.Add(-1);

    public static void BytesReceived(int count) => Received.Add(count);

    public static void BytesSent(int count) => Sent.Add(count);

    public static void TlsHandshake(bool implicitTls, bool succeeded) =>
        TlsHandshakes.Add(1, new KeyValuePair<string, object?>("mode", implicitTls ? "implicit" : "starttls"), succeeded ? Success : Failure);

    public static void DeadLetter() => DeadLetters.Add(1);

    public static string ResultName(StatusKind kind) => kind switch
    {
        StatusKind.Ok => "OK",
        StatusKind.No => "NO",
        StatusKind.Bad => "BAD",
        _ => kind.ToString().ToUpperInvariant(),
    };

    private static string StateTag(SessionState state) => state switch
    {
        SessionState.NotAuthenticated => "not_authenticated",
        SessionState.Authenticated => "authenticated",
        SessionState.Selected => "selected",
        _ => "logout",
    };
}
