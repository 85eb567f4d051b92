using Akka.Event;
using AkkaImap.Protocol.Commands;
using AkkaImap.Server.Accounts;

namespace AkkaImap.Server.Commands;

/// <summary>
/// CLOSE (RFC 9051 §6.4.1): removes the \Deleted messages of a folder selected read-write,
/// silently (no EXPUNGE responses), and returns to the authenticated state. CLOSE has no NO
/// result, so a failed expunge is logged and the folder is closed all the same.
/// </summary>
internal sealed class CloseHandler : ICommandHandler<CloseCommand>
{
    public CommandOutcome Handle(CloseCommand command, SessionContext context)
    {
        var view = context.Selected!;
        if (view.ReadOnly)
        {
            context.Unselect();
            return CommandOutcome.Ok("CLOSE completed");
        }
        return context.AskSelected(new Expunge(view.FolderId), reply =>
        {
            if (reply is AccountCommandFailed failed)
            {
                context.Log.Warning("CLOSE of {0}: expunge failed: {1} {2}", view.Name, failed.Code, failed.Text);
            }
            // The reply's changes are not queued: the client is leaving the folder.
            context.Unselect();
            return CommandOutcome.Ok("CLOSE completed");
        }, seeRefusals: true);
    }
}
