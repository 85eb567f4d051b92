using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;

namespace AkkaImap.Server.Commands;

/// <summary>
/// SETQUOTA (RFC 9208 §4.1): limits are the administrator's (<c>akkaimap mailbox set</c>), so a
/// user's SETQUOTA is refused with NO [NOPERM]; QUOTASET is not advertised.
/// </summary>
internal sealed class SetQuotaHandler : ICommandHandler<SetQuotaCommand>
{
    public CommandOutcome Handle(SetQuotaCommand command, SessionContext context) =>
        CommandOutcome.No("Quotas are set by the administrator", ResponseCode.NoPerm);
}
