using System.Text;
using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;

namespace AkkaImap.Server.Commands;

/// <summary>
/// IDLE (RFC 2177): <c>+ idling</c>, then mailbox changes go out as they happen until the client
/// sends <c>DONE</c>. Any other line ends the IDLE with BAD.
/// </summary>
internal sealed class IdleHandler : ICommandHandler<IdleCommand>
{
    public CommandOutcome Handle(IdleCommand command, SessionContext context)
    {
        context.Write(new ContinuationResponse("idling"));
        return CommandOutcome.ReadLine(OnLine, idle: true);
    }

    private static CommandOutcome OnLine(ReadOnlyMemory<byte> line) =>
        Encoding.ASCII.GetString(line.Span).Equals("DONE", StringComparison.OrdinalIgnoreCase)
            ? CommandOutcome.Ok("IDLE terminated")
            : CommandOutcome.Bad("Expected DONE to end IDLE");
}
