using Akka.Event;

namespace AkkaImap.Host;

/// <summary>
/// Akka's "very basic logger", used before the log forwarder starts and after it stops (remoting
/// says goodbye then): its lines go through the same <see cref="AkkaLogLines"/> into the service's
/// log, so they take the form (text or JSON) and obey the level of every other line. Outside
/// <c>serve</c> (no service log yet) it writes the text form itself.
/// </summary>
public sealed class AkkaStdoutLogger : MinimalLogger
{
    private AkkaLogLines? _lines;

    protected override void Log(object message)
    {
        if (message is not LogEvent e)
        {
            return;
        }

        if (HostLogging.Current is { } factory)
        {
            (_lines ??= new AkkaLogLines(factory)).Write(e);
            return;
        }

        var level = e.LogLevel() switch
        {
            LogLevel.DebugLevel => "dbug",
            LogLevel.InfoLevel => "info",
            LogLevel.WarningLevel => "warn",
            _ => "fail",
        };
        Console.Out.WriteLine($"{e.Timestamp.ToUniversalTime():yyyy-MM-dd HH:mm:ss} {level}: Akka[0] {e.LogSource}: {e.Message}");
    }
}
