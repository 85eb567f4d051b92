using AkkaImap.Protocol.Commands;
using AkkaImap.Server.Accounts;

namespace AkkaImap.Server.Commands;

/// <summary>
/// NOOP (RFC 9051 §6.1.2): with a folder selected, it asks its owner for a barrier (<see cref="SyncFolder"/>) so
/// that every change committed before it started has reached this session; the session then
/// flushes the pending changes (EXISTS, EXPUNGE, FETCH FLAGS) before the tagged OK, which is what
/// clients poll it for.
/// </summary>
internal sealed class NoopHandler : ICommandHandler<NoopCommand>
{
    public CommandOutcome Handle(NoopCommand command, SessionContext context) => Sync(context, "NOOP completed");

    /// <summary>Completes once the selected folder's owner has sent every change committed so far.</summary>
    internal static CommandOutcome Sync(SessionContext context, string done)
    {
        if (context.Selected is not { } view)
        {
            return CommandOutcome.Ok(done);
        }
        // Whatever the owner answers (even a refusal), the events sent before it are queued now.
        return context.AskSelected(new SyncFolder(view.FolderId), _ => CommandOutcome.Ok(done), seeRefusals: true);
    }
}
