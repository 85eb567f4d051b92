using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// GETACL (RFC 4314 §3.3): <c>* ACL mailbox identifier rights ...</c>. A public folder's list needs
/// <c>a</c>; a folder of the reader's own has one entry, its owner with every right, since
/// folders are never shared across accounts.
/// </summary>
internal sealed class GetAclHandler : ICommandHandler<GetAclCommand>
{
    public CommandOutcome Handle(GetAclCommand command, SessionContext context)
    {
        if (!MailboxNames.TryParse(context, command.Mailbox, out var name, out var refusal))
        {
            return refusal;
        }
        return CommandOutcome.Await(ReadAsync(context, name), read =>
        {
            if (read.Refusal is { } refused)
            {
                return refused;
            }
            context.Write(new AclResponse(name, read.Entries));
            return CommandOutcome.Ok("GETACL completed");
        });
    }

    private static async Task<(CommandOutcome? Refusal, IReadOnlyList<(string, string)> Entries)> ReadAsync(SessionContext context, string name)
    {
        var found = await FolderRights.ReadAsync(context, name).ConfigureAwait(false);
        if (FolderRights.Refuse(found, AclRight.Admin) is { } refused)
        {
            return (refused, []);
        }
        if (!found!.IsPublic)
        {
            return (null, [(context.Account!.Login, AclRights.FormatForClient(AclRight.All))]);
        }
        var acl = await context.Store.GetAclAsync(found.Folder.Id).ConfigureAwait(false);
        return (null, [.. acl.Select(e => (e.Identifier, AclRights.FormatForClient(e.Rights)))]);
    }
}
