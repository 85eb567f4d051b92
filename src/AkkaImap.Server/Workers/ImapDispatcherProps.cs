using Akka.Actor;
using AkkaImap.Server.Configuration;

namespace AkkaImap.Server.Workers;

/// <summary>
/// Puts actors on the dedicated <see cref="ImapDispatcher.Id"/> (its thread count is the
/// <c>threads</c> setting) when the actor system defines it, and on the default dispatcher
/// otherwise (unit tests, tools).
/// </summary>
public static class ImapDispatcherProps
{
    public static Props OnImapDispatcher(this Props props, ActorSystem system) =>
        system.Dispatchers.HasDispatcher(ImapDispatcher.Id) ? props.WithDispatcher(ImapDispatcher.Id) : props;
}
