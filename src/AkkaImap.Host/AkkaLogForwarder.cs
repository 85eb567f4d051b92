using System.Collections;
using System.Globalization;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using AkkaLevel = Akka.Event.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace AkkaImap.Host;

/// <summary>
/// Akka's log events into the service's <see cref="ILoggerFactory"/>, one line each. Akka's own
/// <c>[LEVEL][time][thread][path]</c> prefix is left out: the console logger already writes the
/// time and level. See <see cref="AkkaLogLines"/> for what each line becomes.
/// </summary>
internal sealed class AkkaLogForwarder : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public AkkaLogForwarder()
    {
        var lines = new AkkaLogLines(HostLogging.Current ?? NullLoggerFactory.Instance);
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(lines.Write);
    }
}

/// <summary>
/// What an Akka log event becomes in the service's log:
/// <list type="bullet">
/// <item>AkkaImap's own actors log under the category <c>akkaimap</c>; a line that carries a
/// <c>Session</c> and a <c>Client</c> (every line of a connection: <c>WithContext</c>) starts with
/// them, "session ID ADDRESS:PORT: ...", and keeps them as fields in JSON.</item>
/// <item>Akka.NET's own lines go under <c>Akka</c>, prefixed with their source. Its informational
/// lines (remoting, cluster membership of the cluster of one, sharding) are debug: an administrator
/// reads AkkaImap's start and stop lines instead. So are its errors before the listeners are
/// bound: a failed start is the one line on stderr.</item>
/// <item>An exception adds its type and message to the line; its stack trace only at debug level.</item>
/// </list>
/// </summary>
internal sealed class AkkaLogLines(ILoggerFactory factory)
{
    private const string SessionKey = "Session";
    private const string ClientKey = "Client";
    private readonly ILogger _own = factory.CreateLogger(HostLogging.Category);
    private readonly ILogger _akka = factory.CreateLogger("Akka");

    public void Write(LogEvent e)
    {
        var own = e.LogClass?.Namespace?.StartsWith("AkkaImap", StringComparison.Ordinal) == true;
        var level = LevelOf(e, own);
        var log = own ? _own : _akka;
        if (!log.IsEnabled(level))
        {
            return;
        }

        var fields = new List<KeyValuePair<string, object?>>();
        if (e.TryGetProperties(out var properties) && properties is not null)
        {
            foreach (var (key, value) in properties)
            {
                // Positional arguments ({0}) are already in the text; named ones become fields.
                if (key.Length > 0 && !char.IsDigit(key[0]))
                {
                    fields.Add(new(key, value));
                }
            }
        }

        var message = e.Message?.ToString() ?? string.Empty;
        string text;
        if (own && properties is not null && properties.TryGetValue(SessionKey, out var session) && properties.TryGetValue(ClientKey, out var client))
        {
            text = $"session {session} {client}: {message}";
        }
        else
        {
            text = own ? message : $"{e.LogSource}: {message}";
            if (!own)
            {
                fields.Add(new("Source", e.LogSource));
            }
        }

        // The stack trace goes with the line only at debug level; otherwise the exception's type and message.
        var withStack = e.Cause is not null && log.IsEnabled(LogLevel.Debug);
        if (e.Cause is { } cause && !withStack)
        {
            text += $": {cause.GetType().Name}: {cause.Message.ReplaceLineEndings(" ")}";
        }

        fields.Add(new("{OriginalFormat}", e.GetTemplate() ?? message));
        log.Log(level, default, new Line(text, fields), withStack ? e.Cause : null, static (line, _) => line.Text);
    }

    private static LogLevel LevelOf(LogEvent e, bool own)
    {
        var level = e.LogLevel() switch
        {
            AkkaLevel.DebugLevel => LogLevel.Debug,
            AkkaLevel.InfoLevel => LogLevel.Information,
            AkkaLevel.WarningLevel => LogLevel.Warning,
            _ => LogLevel.Error,
        };
        if (own)
        {
            return level;
        }

        if (level == LogLevel.Information || (level == LogLevel.Error && !HostLogging.Serving))
        {
            return LogLevel.Debug;
        }

        return level == LogLevel.Error && e.LogSource?.Contains("/system/IO-TCP/", StringComparison.Ordinal) == true
            ? LogLevel.Debug
            : level;
    }

    /// <summary>The state of one line: its text, and its fields for JSON (MEL's structured-state shape).</summary>
    private sealed class Line(string text, List<KeyValuePair<string, object?>> fields) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Text { get; } = text;

        public int Count => fields.Count;

        public KeyValuePair<string, object?> this[int index] => fields[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => fields.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Text;
    }
}
