using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;

namespace AkkaImap.Server.Commands;

/// <summary>LOGOUT (RFC 9051 §6.1.3): <c>* BYE</c>, then the tagged OK, then the connection closes.</summary>
internal sealed class LogoutHandler : ICommandHandler<LogoutCommand>
{
    public CommandOutcome Handle(LogoutCommand command, SessionContext context)
    {
        context.Write(new UntaggedStatusResponse(StatusKind.Bye, "Logging out"));
        return CommandOutcome.Ok("LOGOUT completed").ThenClose();
    }
}
