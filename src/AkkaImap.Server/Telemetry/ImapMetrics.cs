using System.Diagnostics.Metrics;
using AkkaImap.Protocol.Responses;

namespace AkkaImap.Server.Telemetry;

/// <summary>
/// The server's instruments on the <see cref="MeterName"/> meter (SPEC: Telemetry). The Host
/// exports them with OpenTelemetry (<c>AddMeter(ImapMetrics.MeterName)</c>) to Prometheus.
/// Static, like the instruments of the BCL: a meter is process-wide and cheap to record into.
/// </summary>
public static class ImapMetrics
{
    public const string MeterName = "AkkaImap";

    private static readonly Meter Meter = new(MeterName, typeof(ImapMetrics).Assembly.GetName().Version?.ToString(3));

    private static readonly UpDownCounter<long> Connections =
        Meter.CreateUpDownCounter<long>("akkaimap.connections", "{connection}", "Open IMAP sessions");

    private static readonly Counter<long> Commands =
        Meter.CreateCounter<long>("akkaimap.commands", "{command}", "Completed IMAP commands by name and result (OK, NO, BAD)");

    private static readonly Histogram<double> CommandDuration =
        Meter.CreateHistogram<double>("akkaimap.command.duration", "ms", "Time from a command's receipt to its tagged response");

    private static readonly Counter<long> AuthFailures =
        Meter.CreateCounter<long>("akkaimap.auth.failures", "{failure}", "Failed LOGIN/AUTHENTICATE attempts by mechanism");

    private static readonly UpDownCounter<long> IdleSessions =
        Meter.CreateUpDownCounter<long>("akkaimap.idle.sessions", "{session}", "Sessions currently in IDLE (RFC 2177)");

    public static void SessionOpened() => Connections.Add(1);

    public static void SessionClosed() => Connections.Add(-1);

    /// <summary>Counts and times one command; <paramref name="command"/> is its name (e.g. <c>UID FETCH</c>).</summary>
    public static void CommandCompleted(string command, StatusKind result, TimeSpan elapsed)
    {
        var name = new KeyValuePair<string, object?>("command", command);
        Commands.Add(1, name, new KeyValuePair<string, object?>("result", ResultName(result)));
        CommandDuration.Record(elapsed.TotalMilliseconds, name);
    }

    public static void AuthFailed(string mechanism) =>
        AuthFailures.Add(1, new KeyValuePair<string, object?>("mechanism", mechanism));

    public static void IdleStarted() => IdleSessions.Add(1);

    public static void IdleEnded() => IdleSessions.Add(-1);

    private static string ResultName(StatusKind kind) => kind switch
    {
        StatusKind.Ok => "OK",
        StatusKind.No => "NO",
        StatusKind.Bad => "BAD",
        _ => kind.ToString().ToUpperInvariant(),
    };
}
