using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Protocol.Writing;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.PublicFolders;
using AkkaImap.Server.Sessions;

namespace AkkaImap.Server.Commands;

/// <summary>
/// SELECT and EXAMINE (RFC 9051 §6.3.2/§6.3.3, RFC 3501 §6.3.1/§6.3.2). The folder's owner
/// subscribes the session to the folder and answers a snapshot; the session's
/// <see cref="SelectedFolderView"/> starts from it. Selecting while selected closes the previous
/// folder first, even when the new SELECT fails, and says so with <c>* OK [CLOSED]</c>
/// (RFC 9051 §6.3.2, §7.1). HIGHESTMODSEQ is reported once CONDSTORE is enabled (RFC 7162 §3.1.2.1);
/// with QRESYNC enabled, <c>(QRESYNC (uidvalidity modseq [known-uids ...]))</c> adds what changed
/// since that MODSEQ: <c>* VANISHED (EARLIER)</c> from the store's tombstones, then a FETCH (UID,
/// FLAGS, MODSEQ) per message changed (RFC 7162 §3.2.5.1).
/// </summary>
internal sealed class SelectHandler : ICommandHandler<SelectCommand>, ICommandHandler<ExamineCommand>
{
    public CommandOutcome Handle(SelectCommand command, SessionContext context) =>
        Open(command.Mailbox, command.Parameters, readOnly: false, context);

    public CommandOutcome Handle(ExamineCommand command, SessionContext context) =>
        Open(command.Mailbox, command.Parameters, readOnly: true, context);

    private static CommandOutcome Open(string mailbox, SelectParameters parameters, bool readOnly, SessionContext context)
    {
        if (parameters.QResync is not null && !context.IsEnabled("QRESYNC"))
        {
            // RFC 7162 §3.2.5: the QRESYNC parameter is BAD unless the client sent ENABLE QRESYNC.
            return CommandOutcome.Bad("QRESYNC must be enabled first (ENABLE QRESYNC)", ResponseCode.ClientBug);
        }
        if (parameters.CondStore && !context.Capabilities.Contains("CONDSTORE"))
        {
            return CommandOutcome.Bad("CONDSTORE is not supported", ResponseCode.ClientBug);
        }
        if (parameters.CondStore)
        {
            // RFC 7162 §3.1.8: SELECT (CONDSTORE) is a CONDSTORE-enabling command.
            context.Enable("CONDSTORE");
        }
        if (context.Selected is not null)
        {
            // The previous folder is closed whatever happens next; its pending changes are moot.
            context.Unselect();
            context.Write(new UntaggedStatusResponse(StatusKind.Ok, "Previous mailbox closed.", ResponseCode.Closed));
        }
        if (!MailboxNames.TryParse(context, mailbox, out var name, out var refusal))
        {
            return refusal;
        }
        if (PublicFolderRouting.IsPublicName(name, out var inner))
        {
            // "Public Folders/..." is the post office's shared namespace (RFC 2342 §5), when both switches are on.
            return PublicFolderRouting.AskVisible(context, inner, new SelectFolder(inner, readOnly, Recent(context, readOnly)),
                reply => Answer(reply, context, isPublic: true, readOnly, parameters.QResync));
        }
        return CommandOutcome.AskAccount(new SelectFolder(name, readOnly, Recent(context, readOnly)),
            reply => Answer(reply, context, isPublic: false, readOnly, parameters.QResync));
    }

    /// <summary>
    /// RFC 3501 §2.3.2: a rev1 session sees \Recent, and takes it from later sessions when it selects
    /// read-write; RFC 9051 has no \Recent, so a session that enabled IMAP4rev2 neither sees nor takes it.
    /// </summary>
    private static RecentMode Recent(SessionContext context, bool readOnly) =>
        context.IsRev2 ? RecentMode.None : readOnly ? RecentMode.See : RecentMode.Claim;

    private static CommandOutcome Answer(IAccountReply reply, SessionContext context, bool isPublic, bool readOnlyAsked, QResyncParameters? qresync) =>
        reply switch
        {
            // SELECT answered read-only: the administrator made the public folder read-only.
            FolderSelected selected => Selected(selected.Snapshot, context, isPublic, writesDenied: isPublic && !readOnlyAsked && selected.Snapshot.ReadOnly, qresync),
            // RFC 9051 §6.3.2: no such mailbox, or \Noselect: NONEXISTENT either way, and no mailbox is selected.
            AccountCommandFailed { Code: AccountFailure.NonExistent or AccountFailure.Cannot } failed =>
                CommandOutcome.No(failed.Text, ResponseCode.NonExistent),
            AccountCommandFailed failed => CommandOutcome.No(failed.Text, failed.Code.ToResponseCode()),
            _ => CommandOutcome.ServerBug(),
        };

    private static CommandOutcome Selected(FolderSnapshot snapshot, SessionContext context, bool isPublic, bool writesDenied, QResyncParameters? qresync)
    {
        var view = new SelectedFolderView(snapshot);
        context.Select(view, isPublic, writesDenied, Recent(context, view.ReadOnly));
        IReadOnlyList<string> flags = [.. ViewResponses.SystemFlagNames, .. view.Keywords];
        context.Write(new FlagsResponse(flags));
        if (view.ReadOnly)
        {
            context.Write(new UntaggedStatusResponse(StatusKind.Ok, "Read-only mailbox.", new PermanentFlagsCode([])));
        }
        else
        {
            // "\*": new keywords may be created by STORE and APPEND (RFC 9051 §7.1).
            context.Write(new UntaggedStatusResponse(StatusKind.Ok, "Flags permitted.", new PermanentFlagsCode([.. flags, @"\*"])));
        }
        context.Write(new ExistsResponse(view.Count));
        if (!context.IsRev2)
        {
            // RFC 3501 §6.3.1: RECENT and UNSEEN exist only in IMAP4rev1.
            context.Write(new RecentResponse(view.RecentCount()));
            if (view.FirstUnseen() is var unseen and > 0)
            {
                context.Write(new UntaggedStatusResponse(StatusKind.Ok, $"First unseen.", new UnseenCode(unseen)));
            }
        }
        context.Write(new UntaggedStatusResponse(StatusKind.Ok, "UIDs valid", new UidValidityCode(view.UidValidity)));
        context.Write(new UntaggedStatusResponse(StatusKind.Ok, "Predicted next UID", new UidNextCode(view.UidNext)));
        if (!string.IsNullOrEmpty(view.MailboxId))
        {
            // RFC 8474 §4.1.
            context.Write(new UntaggedStatusResponse(StatusKind.Ok, "Mailbox id", new MailboxIdCode(view.MailboxId)));
        }
        if (context.IsEnabled("CONDSTORE"))
        {
            // RFC 7162 §3.1.2.1: once CONDSTORE is on, every SELECT/EXAMINE reports HIGHESTMODSEQ.
            context.Write(new UntaggedStatusResponse(StatusKind.Ok, "Highest", new HighestModSeqCode(view.HighestModSeq)));
        }
        if (context.IsRev2)
        {
            // RFC 9051 §6.3.2: a LIST response with the mailbox name as the server stores it.
            context.Write(new ListResponse(view.Name, MailboxNames.Delimiter, []));
        }
        var verb = view.ReadOnly ? "EXAMINE" : "SELECT";
        var done = CommandOutcome.Ok($"{verb} completed", view.ReadOnly ? ResponseCode.ReadOnly : ResponseCode.ReadWrite);
        // RFC 7162 §3.2.5: with another UIDVALIDITY the client's cache is void; it gets a plain SELECT.
        if (qresync is null || qresync.UidValidity != view.UidValidity)
        {
            return done;
        }
        return CommandOutcome.Await(context.Store.GetVanishedSinceAsync(view.FolderId, qresync.ModSeq), tombstones =>
        {
            if (!ReferenceEquals(context.Selected, view))
            {
                return done;
            }
            Resync(context, view, qresync, tombstones);
            return done;
        });
    }

    /// <summary>
    /// RFC 7162 §3.2.5.1: what changed since the client's MODSEQ, among the UIDs it knows (all when it
    /// names none). Expunged: the store's tombstones, less any UID the view still shows (its expunge
    /// comes later as VANISHED). Changed: every message of the view with a higher MODSEQ.
    /// </summary>
    private static void Resync(SessionContext context, SelectedFolderView view, QResyncParameters qresync, IReadOnlyList<uint> tombstones)
    {
        uint star = Math.Max(view.UidNext - 1, view.Count > 0 ? view[view.Count].Uid : 0);
        bool Known(uint uid) => qresync.KnownUids is not { } known || (!known.IsSaved && known.Contains(uid, star));
        var vanished = tombstones.Where(uid => Known(uid) && view.MsnOf(uid) == 0).ToArray();
        if (vanished.Length > 0)
        {
            context.Write(new VanishedResponse(SequenceSetFormatter.Format(vanished), Earlier: true));
        }
        for (uint msn = 1; msn <= view.Count; msn++)
        {
            var row = view[msn];
            if (row.ModSeq > qresync.ModSeq && Known(row.Uid) && ViewResponses.ToResponse(new ViewFlagsFetched(msn, row), condStore: true) is { } fetch)
            {
                context.Write(fetch);
            }
        }
    }
}
