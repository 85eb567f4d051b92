using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.Accounts;

namespace AkkaImap.Server.Commands;

/// <summary>
/// EXPUNGE (RFC 9051 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1): the account removes the \Deleted
/// messages (only those in the UID set for UID EXPUNGE) and replies with the UIDs; the session's
/// view turns them into <c>* n EXPUNGE</c> (or VANISHED under QRESYNC), numbered as the client
/// renumbers after each one, before the tagged OK. A folder opened with EXAMINE is refused.
/// </summary>
internal sealed class ExpungeHandler : ICommandHandler<ExpungeCommand>, ICommandHandler<UidExpungeCommand>
{
    public CommandOutcome Handle(ExpungeCommand command, SessionContext context) =>
        Run(context, null, "EXPUNGE");

    public CommandOutcome Handle(UidExpungeCommand command, SessionContext context)
    {
        var view = context.Selected!;
        // UIDs the client does not know are ignored (RFC 9051 §6.4.8); "$" is the SEARCHRES result (RFC 5182 §2.2).
        var messages = command.Uids.IsSaved
            ? context.SavedSearch.Resolve(view)
            : view.Resolve(command.Uids, byUid: true).Messages;
        var uids = messages.Select(m => m.Uid).ToArray();
        if (uids.Length == 0 && !view.ReadOnly)
        {
            return CommandOutcome.Ok("UID EXPUNGE completed");
        }
        return Run(context, uids, "UID EXPUNGE");
    }

    private static CommandOutcome Run(SessionContext context, IReadOnlyList<uint>? uids, string verb)
    {
        var view = context.Selected!;
        if (view.ReadOnly)
        {
            return context.ReadOnlyRefusal();
        }
        return context.AskSelected(new Expunge(view.FolderId, uids), reply =>
        {
            switch (reply)
            {
                case Expunged expunged:
                    context.Selected?.Enqueue(expunged);
                    return CommandOutcome.Ok($"{verb} completed");
                case AccountCommandFailed failed:
                    return CommandOutcome.No(failed.Text, failed.Code.ToResponseCode());
                default:
                    return CommandOutcome.ServerBug();
            }
        });
    }
}
