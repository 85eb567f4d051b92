using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Protocol.Writing;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.PublicFolders;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// APPEND (RFC 9051 §6.3.12) with MULTIAPPEND (RFC 3502: every message or none, one account
/// command), literal8 (RFC 3516 §4.4: stored exactly as sent) and UIDPLUS
/// (<c>OK [APPENDUID uidvalidity uid-set]</c>, RFC 4315 §3). A missing target is
/// <c>NO [TRYCREATE]</c>. An APPEND into the selected folder shows <c>* n EXISTS</c> before the
/// tagged OK: the reply's changes go into the session's view, which the session then flushes.
/// </summary>
internal sealed class AppendHandler : ICommandHandler<AppendCommand>
{
    public CommandOutcome Handle(AppendCommand command, SessionContext context)
    {
        if (!MailboxNames.TryParse(context, command.Mailbox, out var name, out var refusal))
        {
            return refusal;
        }
        long limit = context.Settings.Limits.MaxLiteral;
        var requests = new List<AppendRequest>(command.Messages.Count);
        foreach (var message in command.Messages)
        {
            if (message.Content.Length > limit)
            {
                // RFC 7889 §4: over APPENDLIMIT. The receiver normally stops such a literal earlier.
                return CommandOutcome.No($"Message too large: the limit is {limit} bytes", ResponseCode.TooBig);
            }
            if (message.Content.Length == 0)
            {
                return CommandOutcome.No("An empty message cannot be saved", ResponseCode.Cannot);
            }
            if (message.Utf8 && !context.IsEnabled("UTF8=ACCEPT"))
            {
                // RFC 6855 §4: the UTF8 data item is only valid after ENABLE UTF8=ACCEPT.
                return CommandOutcome.Bad("UTF8 APPEND data requires ENABLE UTF8=ACCEPT", ResponseCode.ClientBug);
            }
            if (!TryFlags(message.Flags, out var flags, out var keywords, out var badFlag))
            {
                return CommandOutcome.Bad($"Invalid flag {badFlag}", ResponseCode.ClientBug);
            }
            requests.Add(new AppendRequest(message.Content, flags, keywords, message.InternalDate));
        }
        Func<IAccountReply, CommandOutcome> then = reply =>
        {
            switch (reply)
            {
                case MessagesAppended appended:
                    context.Selected?.Enqueue(appended);
                    var uids = SequenceSetFormatter.Format(appended.Messages.Select(m => m.Uid));
                    return CommandOutcome.Ok("APPEND completed", new AppendUidCode(appended.UidValidity, uids));
                case AccountCommandFailed failed:
                    return CommandOutcome.No(failed.Text, failed.Code.ToResponseCode());
                default:
                    return CommandOutcome.ServerBug();
            }
        };
        // Large bodies go to the folder's owner by reference (staged in the store first).
        return MessageStaging.Then(context, requests, ready => PublicFolderRouting.IsPublicName(name, out var inner)
            ? PublicFolderRouting.AskVisible(context, inner, new AppendMessages(inner, ready), then)
            : CommandOutcome.AskAccount(new AppendMessages(name, ready), then));
    }

    /// <summary>
    /// System flags to bits, the rest as keywords (case-insensitively distinct). \Recent cannot be
    /// set by a client and is ignored (RFC 3501 §2.3.2); any other unknown "\" flag is refused.
    /// </summary>
    internal static bool TryFlags(IReadOnlyList<string> names, out MessageFlags flags, out IReadOnlyList<string> keywords, out string bad)
    {
        flags = MessageFlags.None;
        bad = "";
        var words = new List<string>();
        foreach (var name in names)
        {
            if (!name.StartsWith('\\'))
            {
                if (!words.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    words.Add(name);
                }
                continue;
            }
            switch (name.ToUpperInvariant())
            {
                case @"\SEEN": flags |= MessageFlags.Seen; break;
                case @"\ANSWERED": flags |= MessageFlags.Answered; break;
                case @"\FLAGGED": flags |= MessageFlags.Flagged; break;
                case @"\DELETED": flags |= MessageFlags.Deleted; break;
                case @"\DRAFT": flags |= MessageFlags.Draft; break;
                case @"\RECENT": break;
                default:
                    keywords = [];
                    bad = name;
                    return false;
            }
        }
        keywords = words;
        return true;
    }
}
