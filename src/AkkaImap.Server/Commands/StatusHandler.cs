using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.PublicFolders;
using AkkaImap.Storage;
using StatusItem = AkkaImap.Protocol.Commands.StatusItem;
using StatusValue = AkkaImap.Protocol.Responses.StatusItem;

namespace AkkaImap.Server.Commands;

/// <summary>
/// STATUS (RFC 9051 §6.3.11) with SIZE (RFC 8438) and APPENDLIMIT (RFC 7889 §3): a read straight
/// from the store (no ordering with the account's writes is needed). The selected folder may be
/// asked too. RECENT (messages no session has claimed as \Recent yet) is only answered to
/// IMAP4rev1 clients; HIGHESTMODSEQ (RFC 7162 §3.1.7) enables CONDSTORE.
/// </summary>
internal sealed class StatusHandler : ICommandHandler<StatusCommand>
{
    public CommandOutcome Handle(StatusCommand command, SessionContext context)
    {
        if (!MailboxNames.TryParse(context, command.Mailbox, out var name, out var refusal))
        {
            return refusal;
        }
        bool countRecent = CountsRecent(command.Items, context);
        var read = PublicFolderRouting.IsPublicName(name, out var inner)
            ? PublicFolderAccess.ReadStatusAsync(context.Store, context.Settings.PublicFolders, context.Account!, inner, countRecent)
            : ReadAsync(context.Store, context.Account!.Owner, name, countRecent);
        return CommandOutcome.Await(read, found =>
        {
            if (found is not var (folder, status))
            {
                return CommandOutcome.No("No such mailbox", ResponseCode.NonExistent);
            }
            if (folder.NoSelect || status is null)
            {
                return CommandOutcome.No("Mailbox is not selectable", ResponseCode.NonExistent);
            }
            context.Write(Response(folder.Name, status, command.Items, context, folder.MailboxId));
            return CommandOutcome.Ok("STATUS completed");
        });
    }

    /// <summary>The folder and its counts (counts null for a \Noselect folder), or null when it does not exist.</summary>
    internal static async Task<(FolderInfo Folder, FolderStatus? Status)?> ReadAsync(IMailStore store, MailboxOwner owner, string name, bool countRecent = false)
    {
        var folder = await store.GetFolderAsync(owner, name).ConfigureAwait(false);
        if (folder is null)
        {
            return null;
        }
        var status = folder.NoSelect ? null : await store.GetStatusAsync(folder.Id, countRecent).ConfigureAwait(false);
        return (folder, status);
    }

    /// <summary>Whether the answer has RECENT, which the store counts only when asked (RFC 3501 §6.3.10; not in IMAP4rev2).</summary>
    internal static bool CountsRecent(IReadOnlyList<StatusItem> items, SessionContext context) =>
        !context.IsRev2 && items.Contains(StatusItem.Recent);

    /// <summary>The <c>* STATUS</c> line with the items asked for, in the order asked (also used by LIST-STATUS).</summary>
    internal static StatusResponse Response(string name, FolderStatus status, IReadOnlyList<StatusItem> items, SessionContext context, string? mailboxId)
    {
        var values = new List<StatusValue>(items.Count);
        // RFC 7162 §3.1: asking for HIGHESTMODSEQ is a CONDSTORE-enabling command.
        bool condStore = items.Contains(StatusItem.HighestModSeq) ? context.EnableCondStore() : context.IsEnabled("CONDSTORE");
        foreach (var item in items.Distinct())
        {
            StatusValue? value = item switch
            {
                StatusItem.Messages => new(StatusItemKind.Messages, (ulong)status.Messages),
                StatusItem.UidNext => new(StatusItemKind.UidNext, status.UidNext),
                StatusItem.UidValidity => new(StatusItemKind.UidValidity, status.UidValidity),
                StatusItem.Unseen => new(StatusItemKind.Unseen, (ulong)status.Unseen),
                StatusItem.Deleted => new(StatusItemKind.Deleted, (ulong)status.Deleted),
                StatusItem.Size => new(StatusItemKind.Size, (ulong)status.Size),
                // RFC 9208 §4.5: in units of 1024 octets, as the STORAGE resource.
                StatusItem.DeletedStorage => new(StatusItemKind.DeletedStorage, (ulong)((status.DeletedSize + 1023) / 1024)),
                // RFC 3501 §6.3.10; RFC 9051 removed RECENT.
                StatusItem.Recent when status.Recent is { } recent && !context.IsRev2 => new(StatusItemKind.Recent, (ulong)recent),
                // RFC 7162 §3.1.7: only where CONDSTORE is advertised (asking for it enables CONDSTORE).
                StatusItem.HighestModSeq when condStore => new(StatusItemKind.HighestModSeq, status.HighestModSeq),
                // RFC 7889 §3: the largest message APPEND accepts (the literal cap).
                StatusItem.AppendLimit => new(StatusItemKind.AppendLimit, (ulong)context.Settings.Limits.MaxLiteral),
                _ => null,
            };
            if (value is { } v)
            {
                values.Add(v);
            }
        }
        // RFC 8474 §4.2: MAILBOXID (written last), for a folder that has one.
        bool withId = items.Contains(AkkaImap.Protocol.Commands.StatusItem.MailboxId) && !string.IsNullOrEmpty(mailboxId);
        return new StatusResponse(name, values) { MailboxId = withId ? mailboxId : null };
    }
}
