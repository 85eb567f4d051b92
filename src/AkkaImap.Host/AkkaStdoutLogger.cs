using Akka.Event;

namespace AkkaImap.Host;

/// <summary>
/// Akka's "very basic logger", used before the log forwarder starts and after it stops (remoting
/// says goodbye then): its lines look like every other line of the console log, time and level once,
/// then the source and message, instead of Akka's own <c>[LEVEL][time][thread]</c> form.
/// </summary>
public sealed class AkkaStdoutLogger : MinimalLogger
{
    protected override void Log(object message)
    {
        if (message is not LogEvent e)
        {
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
