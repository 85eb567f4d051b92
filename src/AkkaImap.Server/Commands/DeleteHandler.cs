using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.Accounts;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// DELETE (RFC 9051 §6.3.5). INBOX is never deleted (<c>NO [CANNOT]</c>); a folder with children
/// loses its messages and becomes \Noselect; a \Noselect folder with children is refused
/// (<c>NO [HASCHILDREN]</c>). Deleting the selected folder is allowed: this session's selection
/// ends with <c>* OK [CLOSED]</c> when the change is flushed, as for any other session.
/// </summary>
internal sealed class DeleteHandler : ICommandHandler<DeleteCommand>
{
    public CommandOutcome Handle(DeleteCommand command, SessionContext context)
    {
        if (!MailboxNames.TryParse(context, command.Mailbox, out var name, out var refusal))
        {
            return refusal;
        }
        if (PublicFolders.PublicFolderRouting.IsPublicName(name, out _))
        {
            return CommandOutcome.No("Public folders are deleted by the administrator", ResponseCode.NoPerm);
        }
        if (name == FolderNames.Inbox)
        {
            return CommandOutcome.No("INBOX cannot be deleted", ResponseCode.Cannot);
        }
        return CommandOutcome.AskAccount(new DeleteFolder(name), reply =>
        {
            switch (reply)
            {
                case FolderDeleted deleted:
                    context.Selected?.Enqueue(deleted);
                    return CommandOutcome.Ok("DELETE completed");
                case AccountCommandFailed failed:
                    return CommandOutcome.No(failed.Text, failed.Code.ToResponseCode());
                default:
                    return CommandOutcome.ServerBug();
            }
        });
    }
}
