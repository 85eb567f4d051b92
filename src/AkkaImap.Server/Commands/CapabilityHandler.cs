using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;

namespace AkkaImap.Server.Commands;

/// <summary>CAPABILITY (RFC 9051 §6.1.1): the list of <see cref="Capabilities"/> for the current state.</summary>
internal sealed class CapabilityHandler : ICommandHandler<CapabilityCommand>
{
    public CommandOutcome Handle(CapabilityCommand command, SessionContext context)
    {
        context.Write(new CapabilityResponse(context.Capabilities));
        return CommandOutcome.Ok("CAPABILITY completed");
    }
}
