using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Commands.Fetching;
using AkkaImap.Server.PublicFolders;

namespace AkkaImap.Server.Commands;

/// <summary>
/// MOVE and UID MOVE (RFC 6851) with UIDPLUS: the account copies and expunges in one transaction;
/// the client gets <c>* OK [COPYUID ...]</c> first, then <c>* n EXPUNGE</c> for each moved message
/// (numbered as the client renumbers after each, RFC 6851 §4.3), then the tagged OK. Those
/// EXPUNGEs are the result of the command, so they are written here even though MOVE uses
/// sequence numbers and the session would otherwise hold expunges back (RFC 9051 §7.5.1).
/// A folder opened with EXAMINE is refused with <c>NO [READ-ONLY]</c>; a missing target with
/// <c>NO [TRYCREATE]</c>.
/// </summary>
internal sealed class MoveHandler : ICommandHandler<MoveCommand>
{
    public CommandOutcome Handle(MoveCommand command, SessionContext context)
    {
        string verb = command.IsUid ? "UID MOVE" : "MOVE";
        if (!MessageSets.TryResolve(context, command.Set, command.IsUid, out var messages, out var refusal)
            || !MailboxNames.TryParse(context, command.Mailbox, out var target, out refusal))
        {
            return refusal;
        }
        var view = context.Selected!;
        if (view.ReadOnly)
        {
            return context.ReadOnlyRefusal();
        }
        if (messages.Count == 0)
        {
            return CommandOutcome.Ok($"{verb} completed, no messages");
        }
        bool targetIsPublic = PublicFolderRouting.IsPublicName(target, out var inner);
        if (targetIsPublic != context.SelectedIsPublic)
        {
            return PublicFolderTransfer.Run(context, verb, messages, targetIsPublic ? inner : target, targetIsPublic, move: true);
        }
        var uids = messages.Select(m => m.Uid).ToArray();
        return context.AskSelected(new MoveMessages(view.FolderId, uids, targetIsPublic ? inner : target), reply =>
        {
            switch (reply)
            {
                case MessagesMoved moved:
                    if (moved.Mapping.Count > 0)
                    {
                        var code = CopyHandler.CopyUid(moved.TargetUidValidity, moved.Mapping);
                        context.Write(new UntaggedStatusResponse(StatusKind.Ok, "Moved UIDs.", code));
                    }
                    if (context.Selected is { } current)
                    {
                        current.Enqueue(moved);
                        MessageSets.Write(context, current.Flush(expungeAllowed: true, context.IsEnabled("QRESYNC")));
                    }
                    return moved.Mapping.Count == 0
                        ? CommandOutcome.No("The messages were expunged meanwhile", ResponseCode.ExpungeIssued)
                        : CommandOutcome.Ok($"{verb} completed");
                case AccountCommandFailed failed:
                    return CommandOutcome.No(failed.Text, failed.Code.ToResponseCode());
                default:
                    return CommandOutcome.ServerBug();
            }
        });
    }
}
