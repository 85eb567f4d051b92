using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaImap.Host;

/// <summary>
/// Akka's log events into the service's <see cref="ILoggerFactory"/>, one line each: the source
/// (an actor path or class) and the message as Akka formatted it. Akka's own
/// <c>[LEVEL][time][thread][path]</c> prefix is left out: the console logger already writes the
/// time and level, and an operator reading the log should not see them twice.
/// </summary>
internal sealed class AkkaLogForwarder : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public AkkaLogForwarder()
    {
        var factory = DependencyResolver.For(Context.System).Resolver.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var log = factory.CreateLogger("Akka");
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => log.Log(LevelOf(e), e.Cause, "{Source}: {Message}", e.LogSource, e.Message?.ToString()));
    }

    private static Microsoft.Extensions.Logging.LogLevel LevelOf(LogEvent e) => e.LogLevel() switch
    {
        Akka.Event.LogLevel.DebugLevel => Microsoft.Extensions.Logging.LogLevel.Debug,
        Akka.Event.LogLevel.InfoLevel => Microsoft.Extensions.Logging.LogLevel.Information,
        Akka.Event.LogLevel.WarningLevel => Microsoft.Extensions.Logging.LogLevel.Warning,
        _ => Microsoft.Extensions.Logging.LogLevel.Error,
    };
}
