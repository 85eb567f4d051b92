using AkkaImap.Protocol.Commands;
using AkkaImap.Server.Accounts;

namespace AkkaImap.Server.Commands;

/// <summary>
/// RENAME (RFC 9051 §6.3.6): children move with their parent; renaming INBOX moves its messages
/// into a new folder and leaves INBOX empty (the selected INBOX then sees EXPUNGEs). An existing
/// target is <c>NO [ALREADYEXISTS]</c>, a missing source <c>NO [NONEXISTENT]</c>.
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
        if (PublicFolders.PublicFolderRouting.IsPublicName(from, out _) || PublicFolders.PublicFolderRouting.IsPublicName(to, out _))
        {
            return CommandOutcome.No("Public folders are renamed by the administrator", Protocol.Responses.ResponseCode.NoPerm);
        }
        return CommandOutcome.AskAccount(new RenameFolder(from, to), reply =>
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
        });
    }
}
