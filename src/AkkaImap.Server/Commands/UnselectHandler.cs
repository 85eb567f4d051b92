using AkkaImap.Protocol.Commands;

namespace AkkaImap.Server.Commands;

/// <summary>UNSELECT (RFC 3691, RFC 9051 §6.4.2): back to authenticated without expunging.</summary>
internal sealed class UnselectHandler : ICommandHandler<UnselectCommand>
{
    public CommandOutcome Handle(UnselectCommand command, SessionContext context)
    {
        context.Unselect();
        return CommandOutcome.Ok("UNSELECT completed");
    }
}
