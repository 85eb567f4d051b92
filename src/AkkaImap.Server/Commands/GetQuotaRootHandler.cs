using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.PublicFolders;

namespace AkkaImap.Server.Commands;

/// <summary>
/// GETQUOTAROOT (RFC 9208 §4.3): <c>* QUOTAROOT mailbox ""</c> and <c>* QUOTA "" (...)</c> for a
/// folder of a mailbox that has a limit; <c>* QUOTAROOT mailbox</c> with no root for one without
/// limits and for public folders. A folder that does not exist is NO [NONEXISTENT].
/// </summary>
internal sealed class GetQuotaRootHandler : ICommandHandler<GetQuotaRootCommand>
{
    public CommandOutcome Handle(GetQuotaRootCommand command, SessionContext context)
    {
        if (!MailboxNames.TryParse(context, command.Mailbox, out var name, out var refusal))
        {
            return refusal;
        }
        if (PublicFolderRouting.IsPublicName(name, out var inner))
        {
            return CommandOutcome.Await(PublicFolderAccess.ReadStatusAsync(context.Store, context.Settings.PublicFolders, context.Account!, inner), found =>
            {
                if (found is null)
                {
                    return CommandOutcome.No("No such mailbox", ResponseCode.NonExistent);
                }
                context.Write(new QuotaRootResponse(command.Mailbox, []));
                return CommandOutcome.Ok("GETQUOTAROOT completed");
            });
        }
        return CommandOutcome.Await(ReadAsync(context, name), found =>
        {
            if (found is not { } quota)
            {
                return CommandOutcome.No("No such mailbox", ResponseCode.NonExistent);
            }
            var resources = QuotaResources.Of(quota);
            if (resources.Count == 0)
            {
                context.Write(new QuotaRootResponse(command.Mailbox, []));
            }
            else
            {
                context.Write(new QuotaRootResponse(command.Mailbox, [QuotaResources.Root]));
                context.Write(new QuotaResponse(QuotaResources.Root, resources));
            }
            return CommandOutcome.Ok("GETQUOTAROOT completed");
        });
    }

    private static async Task<Storage.MailboxQuota?> ReadAsync(SessionContext context, string name)
    {
        var account = context.Account!;
        if (await context.Store.GetFolderAsync(account.Owner, name).ConfigureAwait(false) is null)
        {
            return null;
        }
        return await context.Store.GetQuotaAsync(account.Id).ConfigureAwait(false);
    }
}
