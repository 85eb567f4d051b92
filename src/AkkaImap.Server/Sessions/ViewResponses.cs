using AkkaImap.Protocol.Model;
using AkkaImap.Protocol.Responses;
using AkkaImap.Protocol.Writing;
using AkkaImap.Storage;

namespace AkkaImap.Server.Sessions;

/// <summary>Turns what <see cref="SelectedFolderView.Flush"/> owes the client into typed responses.</summary>
public static class ViewResponses
{
    /// <summary>
    /// The response for one update, or null for <see cref="ViewFolderRemoved"/> (the session ends
    /// the selection itself). Unsolicited FETCH carries UID so that UID commands, which are allowed
    /// to see them, can match messages (RFC 9051 §6.4.9, §7.5.2); MODSEQ when CONDSTORE is on.
    /// </summary>
    public static ImapResponse? ToResponse(ViewUpdate update, bool condStore) => update switch
    {
        ViewExists e => new ExistsResponse(e.Count),
        ViewExpunged e => new ExpungeResponse(e.Msn),
        ViewVanished v => new VanishedResponse(SequenceSetFormatter.Format(v.Uids)),
        ViewFlagsFetched f => new FetchResponse(f.Msn, FlagItems(f.Message, condStore)),
        ViewKeywordsDefined k => new FlagsResponse([.. SystemFlagNames, .. k.Keywords]),
        _ => null,
    };

    /// <summary>The flag names every folder defines (RFC 9051 §2.3.2), for <c>* FLAGS</c>.</summary>
    public static IReadOnlyList<string> SystemFlagNames { get; } = [@"\Answered", @"\Flagged", @"\Deleted", @"\Seen", @"\Draft"];

    /// <summary>The store's flag bits in the protocol's layout.</summary>
    public static SystemFlags ToSystemFlags(MessageFlags flags)
    {
        var result = SystemFlags.None;
        if (flags.HasFlag(MessageFlags.Seen)) result |= SystemFlags.Seen;
        if (flags.HasFlag(MessageFlags.Answered)) result |= SystemFlags.Answered;
        if (flags.HasFlag(MessageFlags.Flagged)) result |= SystemFlags.Flagged;
        if (flags.HasFlag(MessageFlags.Deleted)) result |= SystemFlags.Deleted;
        if (flags.HasFlag(MessageFlags.Draft)) result |= SystemFlags.Draft;
        if (flags.HasFlag(MessageFlags.Recent)) result |= SystemFlags.Recent;
        return result;
    }

    private static IReadOnlyList<FetchItem> FlagItems(MessageFlagState message, bool condStore)
    {
        var flags = new FlagsItem(ToSystemFlags(message.Flags), message.Keywords);
        return condStore
            ? [new UidItem(message.Uid), flags, new ModSeqItem(message.ModSeq)]
            : [new UidItem(message.Uid), flags];
    }
}
