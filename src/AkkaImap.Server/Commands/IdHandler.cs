using Akka.Event;
using System.Reflection;
using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;

namespace AkkaImap.Server.Commands;

/// <summary>ID (RFC 2971): the server's name and version; what the client says is only logged.</summary>
internal sealed class IdHandler : ICommandHandler<IdCommand>
{
    private static readonly IReadOnlyList<KeyValuePair<string, string?>> ServerId =
    [
        new("name", "AkkaImap"),
        new("version", typeof(IdHandler).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"),
    ];

    public CommandOutcome Handle(IdCommand command, SessionContext context)
    {
        if (command.Parameters is { Count: > 0 } parameters)
        {
            context.Log.Debug("Client ID: {0}", LoginLog.Clean(string.Join(", ", parameters.Select(p => $"{p.Key}={p.Value}"))));
        }
        context.Write(new IdResponse(ServerId));
        return CommandOutcome.Ok("ID completed");
    }
}
