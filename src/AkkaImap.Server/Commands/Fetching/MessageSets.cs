using AkkaImap.Protocol.Responses;
using AkkaImap.Protocol.Sequences;
using AkkaImap.Server.Sessions;

namespace AkkaImap.Server.Commands.Fetching;

/// <summary>
/// Sequence sets of FETCH, STORE, COPY and MOVE resolved against the selected view, and the
/// view's owed responses written from inside a command (MOVE's own EXPUNGEs).
/// </summary>
internal static class MessageSets
{
    /// <summary>
    /// The messages <paramref name="set"/> names. By sequence number, a number above EXISTS (or
    /// <c>*</c> in an empty folder) is a tagged BAD (RFC 9051 §9 seq-number); by UID, UIDs that do
    /// not exist are simply left out (RFC 9051 §6.4.9). The SEARCHRES marker <c>$</c> names the
    /// saved result, which is never invalid, even when empty (RFC 5182 §2.2).
    /// </summary>
    public static bool TryResolve(SessionContext context, SequenceSet set, bool byUid, out IReadOnlyList<MessageRef> messages, out CommandOutcome refusal)
    {
        messages = [];
        refusal = CommandOutcome.Ok("");
        if (set.IsSaved)
        {
            messages = context.SavedSearch.Resolve(context.Selected!);
            return true;
        }
        var resolved = context.Selected!.Resolve(set, byUid);
        if (!resolved.IsValid)
        {
            refusal = CommandOutcome.Bad("Invalid sequence set");
            return false;
        }
        messages = resolved.Messages;
        return true;
    }

    /// <summary>
    /// Writes view updates as the session's own flush would (FLAGS, EXISTS, EXPUNGE, FETCH FLAGS),
    /// ending the selection with <c>* OK [CLOSED]</c> if the folder was deleted (RFC 9051 §7.1).
    /// </summary>
    public static void Write(SessionContext context, IReadOnlyList<ViewUpdate> updates)
    {
        bool condStore = context.IsEnabled("CONDSTORE");
        foreach (var update in updates)
        {
            if (update is ViewFolderRemoved)
            {
                context.Unselect();
                context.Write(new UntaggedStatusResponse(StatusKind.Ok, "The selected mailbox was deleted", ResponseCode.Closed));
            }
            else if (update is ViewKeywordsDefined defined)
            {
                WriteKeywords(context, defined.Keywords);
            }
            else if (ViewResponses.ToResponse(update, condStore) is { } response)
            {
                context.Write(response);
            }
        }
    }

    /// <summary>
    /// A new keyword is in use: <c>* FLAGS</c> again (RFC 9051 §7.3.5) and, for a writable folder,
    /// the PERMANENTFLAGS that go with it, as Dovecot sends them.
    /// </summary>
    public static void WriteKeywords(SessionContext context, IReadOnlyList<string> keywords)
    {
        IReadOnlyList<string> flags = [.. ViewResponses.SystemFlagNames, .. keywords];
        context.Write(new FlagsResponse(flags));
        if (context.Selected is { ReadOnly: false })
        {
            context.Write(new UntaggedStatusResponse(StatusKind.Ok, "Flags permitted.", new PermanentFlagsCode([.. flags, @"\*"])));
        }
    }
}
