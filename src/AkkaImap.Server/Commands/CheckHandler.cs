using AkkaImap.Protocol.Commands;

namespace AkkaImap.Server.Commands;

/// <summary>
/// CHECK (RFC 3501 §6.4.1; removed in RFC 9051 but still sent by rev1 clients): every change is
/// already committed when acknowledged, so there is no checkpoint to take; like NOOP it reports
/// every change committed before it started (<see cref="NoopHandler.Sync"/>).
/// </summary>
internal sealed class CheckHandler : ICommandHandler<CheckCommand>
{
    public CommandOutcome Handle(CheckCommand command, SessionContext context) => NoopHandler.Sync(context, "CHECK completed");
}
