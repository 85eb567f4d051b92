using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;

namespace AkkaImap.Server.Commands;

/// <summary>
/// GETQUOTA (RFC 9208 §4.2): the signed-in mailbox's root <c>""</c> when it has a limit; any other
/// root is NO [NONEXISTENT] (no one sees another mailbox's quota).
/// </summary>
internal sealed class GetQuotaHandler : ICommandHandler<GetQuotaCommand>
{
    public CommandOutcome Handle(GetQuotaCommand command, SessionContext context)
    {
        if (command.Root != QuotaResources.Root)
        {
            return CommandOutcome.No("No such quota root", ResponseCode.NonExistent);
        }
        return CommandOutcome.Await(context.Store.GetQuotaAsync(context.Account!.Id), quota =>
        {
            var resources = quota is null ? [] : QuotaResources.Of(quota);
            if (resources.Count == 0)
            {
                return CommandOutcome.No("No such quota root", ResponseCode.NonExistent);
            }
            context.Write(new QuotaResponse(QuotaResources.Root, resources));
            return CommandOutcome.Ok("GETQUOTA completed");
        });
    }
}
