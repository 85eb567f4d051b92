using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Protocol.Writing;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Commands.Fetching;
using AkkaImap.Server.PublicFolders;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// COPY and UID COPY (RFC 9051 §6.4.7, §6.4.9) with UIDPLUS (RFC 4315 §3): the account copies the
/// messages (flags and internal date kept) and the tagged OK carries
/// <c>[COPYUID uidvalidity source-uids target-uids]</c>. A missing target is <c>NO [TRYCREATE]</c>.
/// Copying into the selected folder itself shows the new messages with <c>* n EXISTS</c>: the
/// reply's changes go into the view, which the session flushes before the tagged OK. Allowed in a
/// folder opened with EXAMINE: the source does not change.
/// </summary>
internal sealed class CopyHandler : ICommandHandler<CopyCommand>
{
    public CommandOutcome Handle(CopyCommand command, SessionContext context)
    {
        string verb = command.IsUid ? "UID COPY" : "COPY";
        if (!MessageSets.TryResolve(context, command.Set, command.IsUid, out var messages, out var refusal)
            || !MailboxNames.TryParse(context, command.Mailbox, out var target, out refusal))
        {
            return refusal;
        }
        if (messages.Count == 0)
        {
            // UID COPY of UIDs that do not exist copies nothing (RFC 9051 §6.4.9); there is no COPYUID.
            return CommandOutcome.Ok($"{verb} completed, no messages");
        }
        bool targetIsPublic = PublicFolderRouting.IsPublicName(target, out var inner);
        if (targetIsPublic != context.SelectedIsPublic)
        {
            return PublicFolderTransfer.Run(context, verb, messages, targetIsPublic ? inner : target, targetIsPublic, move: false);
        }
        var uids = messages.Select(m => m.Uid).ToArray();
        return context.AskSelected(new CopyMessages(context.Selected!.FolderId, uids, targetIsPublic ? inner : target), reply =>
        {
            switch (reply)
            {
                case MessagesCopied copied:
                    context.Selected?.Enqueue(copied);
                    return copied.Mapping.Count == 0
                        ? CommandOutcome.No("The messages were expunged meanwhile", ResponseCode.ExpungeIssued)
                        : CommandOutcome.Ok($"{verb} completed", CopyUid(copied.TargetUidValidity, copied.Mapping));
                case AccountCommandFailed failed:
                    return CommandOutcome.No(failed.Text, failed.Code.ToResponseCode());
                default:
                    return CommandOutcome.ServerBug();
            }
        });
    }

    /// <summary>RFC 4315 §3: both sets in the same order, so the n-th source UID became the n-th target UID.</summary>
    internal static CopyUidCode CopyUid(uint uidValidity, IReadOnlyList<UidMapping> mapping)
    {
        var ordered = mapping.OrderBy(m => m.SourceUid).ToArray();
        return new CopyUidCode(
            uidValidity,
            SequenceSetFormatter.Format(ordered.Select(m => m.SourceUid)),
            SequenceSetFormatter.Format(ordered.Select(m => m.TargetUid)));
    }
}
