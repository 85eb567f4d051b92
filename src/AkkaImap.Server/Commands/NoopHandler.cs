using AkkaImap.Protocol.Commands;

namespace AkkaImap.Server.Commands;

/// <summary>
/// NOOP (RFC 9051 §6.1.2): does nothing itself; the session flushes pending mailbox changes
/// (EXISTS, EXPUNGE, FETCH FLAGS) before the tagged OK, which is what clients poll it for.
/// </summary>
internal sealed class NoopHandler : ICommandHandler<NoopCommand>
{
    public CommandOutcome Handle(NoopCommand command, SessionContext context) => CommandOutcome.Ok("NOOP completed");
}
