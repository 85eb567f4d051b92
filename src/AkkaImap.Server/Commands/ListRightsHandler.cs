using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// LISTRIGHTS (RFC 4314 §3.4): <c>* LISTRIGHTS mailbox identifier required optional ...</c>. In a
/// public folder (with <c>a</c>) nothing is required and each standard right may be granted on its
/// own; in the reader's own folder its owner always holds every right and nobody else can hold any.
/// </summary>
internal sealed class ListRightsHandler : ICommandHandler<ListRightsCommand>
{
    private static readonly IReadOnlyList<string> EachRight = [.. AclRights.Letters.Select(ch => ch.ToString())];

    public CommandOutcome Handle(ListRightsCommand command, SessionContext context)
    {
        if (!MailboxNames.TryParse(context, command.Mailbox, out var name, out var refusal))
        {
            return refusal;
        }
        return CommandOutcome.Await(FolderRights.ReadAsync(context, name), found =>
        {
            if (FolderRights.Refuse(found, AclRight.Admin) is { } refused)
            {
                return refused;
            }
            if (found!.IsPublic)
            {
                context.Write(new ListRightsResponse(name, command.Identifier, "", EachRight));
            }
            else
            {
                var owner = string.Equals(command.Identifier, context.Account!.Login, StringComparison.OrdinalIgnoreCase);
                context.Write(new ListRightsResponse(name, command.Identifier, owner ? AclRights.Format(AclRight.All) : "", []));
            }
            return CommandOutcome.Ok("LISTRIGHTS completed");
        });
    }
}
