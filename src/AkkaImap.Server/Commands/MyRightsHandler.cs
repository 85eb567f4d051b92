using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// MYRIGHTS (RFC 4314 §3.5): <c>* MYRIGHTS mailbox rights</c>. Every right (with the obsolete c
/// and d, §2.1.1) in the reader's own folders; its entry and anyone's in a public folder. A reader
/// with no right at all there is told the folder does not exist.
/// </summary>
internal sealed class MyRightsHandler : ICommandHandler<MyRightsCommand>
{
    public CommandOutcome Handle(MyRightsCommand command, SessionContext context)
    {
        if (!MailboxNames.TryParse(context, command.Mailbox, out var name, out var refusal))
        {
            return refusal;
        }
        return CommandOutcome.Await(FolderRights.ReadAsync(context, name), found =>
        {
            if (found is null || found.Rights == AclRight.None)
            {
                return CommandOutcome.No("No such mailbox", ResponseCode.NonExistent);
            }
            context.Write(new MyRightsResponse(name, AclRights.FormatForClient(found.Rights)));
            return CommandOutcome.Ok("MYRIGHTS completed");
        });
    }
}
