using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.Accounts;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// DELETE (RFC 9051 §6.3.5). INBOX is never deleted (<c>NO [CANNOT]</c>); a folder with children
/// loses its messages and becomes \Noselect; a \Noselect folder with children is refused
/// (<c>NO [HASCHILDREN]</c>). A public folder goes to its post office's owner, which asks for x (RFC 4314). Deleting the selected folder is allowed: this session's selection
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
        if (PublicFolders.PublicFolderRouting.IsPublicName(name, out var inner))
        {
            // RFC 4314 §4: a reader holding x on the public folder may delete it (the owner checks).
            return PublicFolders.PublicFolderRouting.AskVisible(context, inner, new DeleteFolder(inner), reply => Answer(reply, context));
        }
        if (name == FolderNames.Inbox)
        {
            return CommandOutcome.No("INBOX cannot be deleted", ResponseCode.Cannot);
        }
        return CommandOutcome.AskAccount(new DeleteFolder(name), reply => Answer(reply, context));
    }

    private static CommandOutcome Answer(IAccountReply reply, SessionContext context)
    {
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
        }
    }
}
