using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.PublicFolders;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// SETACL and DELETEACL (RFC 4314 §3.1, §3.2) on public folders, by a reader holding <c>a</c>
/// there. The identifier is <c>anyone</c> or a mailbox of the reader's post office; the change
/// goes to the post office's public-folder owner, whose store write feeds every node's sessions.
/// A mailbox's own folders are never shared across accounts: NO [NOPERM].
/// </summary>
internal sealed class SetAclHandler : ICommandHandler<SetAclCommand>, ICommandHandler<DeleteAclCommand>
{
    public CommandOutcome Handle(SetAclCommand command, SessionContext context)
    {
        var text = command.Rights;
        var change = RightsChange.Replace;
        if (text.StartsWith('+') || text.StartsWith('-'))
        {
            change = text[0] == '+' ? RightsChange.Add : RightsChange.Remove;
            text = text[1..];
        }
        // RFC 4314 §3.1: a right the server does not know is BAD.
        if (!AclRights.TryParse(text, out var rights, out var unknown))
        {
            return CommandOutcome.Bad($"Unknown right '{unknown}' (RFC 4314 rights are {AclRights.Letters}, and c and d)");
        }
        return Change(context, command.Mailbox, command.Identifier, change, rights, "SETACL");
    }

    public CommandOutcome Handle(DeleteAclCommand command, SessionContext context) =>
        Change(context, command.Mailbox, command.Identifier, RightsChange.Delete, AclRight.None, "DELETEACL");

    private static CommandOutcome Change(SessionContext context, string mailbox, string identifier, RightsChange change, AclRight rights, string verb)
    {
        if (!MailboxNames.TryParse(context, mailbox, out var name, out var refusal))
        {
            return refusal;
        }
        if (!PublicFolderRouting.IsPublicName(name, out var inner))
        {
            return CommandOutcome.No("Your own folders are not shared with other mailboxes", ResponseCode.NoPerm);
        }
        // RFC 4314 §2: negative rights ("-identifier") are optional; this server has none.
        if (identifier.StartsWith('-'))
        {
            return CommandOutcome.No("Negative rights are not supported");
        }
        return CommandOutcome.Await(FolderRights.ResolveAsync(context, identifier), accountId => accountId is not { } id
            ? CommandOutcome.No($"{identifier} is not anyone or a mailbox of this post office")
            : PublicFolderRouting.AskVisible(context, inner, new SetFolderRights(inner, id, change, rights), reply => reply switch
            {
                FolderRightsSet => CommandOutcome.Ok($"{verb} completed"),
                AccountCommandFailed { Code: AccountFailure.NonExistent } failed => CommandOutcome.No(failed.Text, ResponseCode.NonExistent),
                AccountCommandFailed failed => CommandOutcome.No(failed.Text, failed.Code.ToResponseCode()),
                _ => CommandOutcome.ServerBug(),
            }));
    }
}
