using AkkaImap.Server.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;

namespace AkkaImap.Host;

/// <summary>
/// The service's log (<c>akka-imap.logging</c>): one <see cref="ILoggerFactory"/> writing to stdout,
/// as text lines or JSON lines, used by the host, by Akka's log forwarder and by Akka's basic logger
/// alike, so that every line has the same form. stderr carries only the one line of a start-up error.
/// </summary>
internal static class HostLogging
{
    /// <summary>The category of AkkaImap's own lines (Akka.NET's are <c>Akka</c>).</summary>
    public const string Category = "akkaimap";

    /// <summary>
    /// The factory of the running service, for Akka's basic logger (<see cref="AkkaStdoutLogger"/>),
    /// which Akka builds by class name, outside dependency injection. Null before <c>serve</c> starts.
    /// </summary>
    public static ILoggerFactory? Current { get; private set; }

    /// <summary>Makes the service's factory and remembers it as <see cref="Current"/>; the caller disposes it last (it flushes the queue).</summary>
    public static ILoggerFactory Create(LoggingSettings settings)
    {
        var factory = LoggerFactory.Create(logging => Configure(logging, settings));
        Current = factory;
        return factory;
    }

    /// <summary>The <c>akka.loglevel</c> that matches <c>logging.level</c>, so Akka does not build lines nobody writes.</summary>
    public static string AkkaLogLevel(LoggingSettings settings) => settings.Level switch
    {
        LogLevelSetting.Debug => "DEBUG",
        LogLevelSetting.Info => "INFO",
        LogLevelSetting.Warning => "WARNING",
        _ => "ERROR",
    };

    public static LogLevel MinimumLevel(LoggingSettings settings) => settings.Level switch
    {
        LogLevelSetting.Debug => LogLevel.Debug,
        LogLevelSetting.Info => LogLevel.Information,
        LogLevelSetting.Warning => LogLevel.Warning,
        _ => LogLevel.Error,
    };

    private static void Configure(ILoggingBuilder logging, LoggingSettings settings)
    {
        logging.ClearProviders();
        var minimum = MinimumLevel(settings);
        logging.SetMinimumLevel(minimum);
        logging.AddFilter("Microsoft", minimum > LogLevel.Warning ? minimum : LogLevel.Warning);

        // A failed start is reported once, as the operator's one line on stderr (ServerHosting.RunAsync).
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        if (settings.Format == LogFormat.Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.IncludeScopes = false;
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
                o.UseUtcTimestamp = true;
            });
        }

        logging.Services.Configure<ConsoleLoggerOptions>(o =>
        {
            // The log goes to stdout whatever its level: stderr carries only the line that says what to fix.
            o.LogToStandardErrorThreshold = LogLevel.None;

            // Lines are written by a background thread. When stdout stalls (a full pipe, a slow
            // journal) lines beyond this queue are dropped, and the console logger says how many,
            // rather than stalling the threads that log: the actors' dispatcher must never wait.
            o.QueueFullMode = ConsoleLoggerQueueFullMode.DropWrite;
            o.MaxQueueLength = 10_000;
        });
    }
}
