using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.PublicFolders;

namespace AkkaImap.Server.Commands;

/// <summary>
/// RENAME (RFC 9051 §6.3.6): children move with their parent; renaming INBOX moves its messages
/// into a new folder and leaves INBOX empty (the selected INBOX then sees EXPUNGEs). An existing
/// target is <c>NO [ALREADYEXISTS]</c>, a missing source <c>NO [NONEXISTENT]</c>. A public folder
/// is renamed by its post office's owner for a reader holding x on it and k on the new parent
/// (RFC 4314 §4); its id, messages, UIDVALIDITY and ACL stay, and so do other sessions'
/// selections of it, as for a personal folder. A folder never moves between the personal and the
/// public namespace (<c>NO [CANNOT]</c>): its messages would change owner.
/// </summary>
internal sealed class RenameHandler : ICommandHandler<RenameCommand>
{
    public CommandOutcome Handle(RenameCommand command, SessionContext context)
    {
        if (!MailboxNames.TryParse(context, command.From, out var from, out var refusal)
            || !MailboxNames.TryParseNew(context, command.To, out var to, out refusal))
        {
            return refusal;
        }
        bool fromPublic = PublicFolderRouting.IsPublicName(from, out var innerFrom);
        bool toPublic = PublicFolderRouting.IsPublicName(to, out var innerTo);
        if (fromPublic != toPublic)
        {
            return CommandOutcome.No("A folder cannot move between personal and public folders", ResponseCode.Cannot);
        }
        if (fromPublic)
        {
            if (!PublicFolderNames.IsFolderName(innerTo))
            {
                return CommandOutcome.No("Not a public folder name", ResponseCode.Cannot);
            }
            return PublicFolderRouting.AskVisible(context, innerFrom, new RenameFolder(innerFrom, innerTo), reply => Answer(reply, context));
        }
        return CommandOutcome.AskAccount(new RenameFolder(from, to), reply => Answer(reply, context));
    }

    private static CommandOutcome Answer(IAccountReply reply, SessionContext context)
    {
        switch (reply)
        {
            case FolderRenamed renamed:
                context.Selected?.Enqueue(renamed);
                return CommandOutcome.Ok("RENAME completed");
            case AccountCommandFailed failed:
                return CommandOutcome.No(failed.Text, failed.Code.ToResponseCode());
            default:
                return CommandOutcome.ServerBug();
        }
    }
}
