using AkkaImap.Storage.Sqlite;

namespace AkkaImap.Storage;

/// <summary>
/// Decisions both stores make the same way inside a write, kept in one place so the SQLite and the
/// PostgreSQL store cannot drift apart: what a STORE does to one message, and whether an APPEND or
/// COPY passes a mailbox's quota. An owner asks the first of its loaded folder before it sends a
/// STORE to the store: a STORE that changes nothing is not written.
/// </summary>
public static class StoreRules
{
    /// <summary>The messages an APPEND stored, as both stores write them: no \Recent, keywords merged once.</summary>
    public static MessageFlagState[] Appended(IReadOnlyList<AppendRequest> messages, IReadOnlyList<uint> uids, ulong modSeq)
    {
        var rows = new MessageFlagState[uids.Count];
        for (var i = 0; i < rows.Length; i++)
            rows[i] = new MessageFlagState(uids[i], messages[i].Flags & ~MessageFlags.Recent, Keywords.Merge([], messages[i].Keywords ?? []), modSeq);
        return rows;
    }

    /// <summary>What a client is told when a folder has no UIDs left (<see cref="StoreError.UidsExhausted"/>).</summary>
    public const string UidsExhaustedText =
        "This folder has given out its last UID (RFC 9051 allows UIDs up to 4294967295); move its messages into a new folder";

    /// <summary>
    /// Refuses a write that would give <paramref name="count"/> messages UIDs from
    /// <paramref name="uidNext"/> on when the last would not leave UIDNEXT a 32-bit number.
    /// </summary>
    public static void CheckUidsLeft(uint uidNext, int count)
    {
        if ((ulong)uidNext + (ulong)count > uint.MaxValue)
            throw new StoreException(StoreError.UidsExhausted, UidsExhaustedText);
    }

    /// <summary>What a STORE does to one message.</summary>
    public enum FlagOutcome
    {
        /// <summary>Changed after UNCHANGEDSINCE: left alone and reported (RFC 7162 §3.1.3).</summary>
        Modified,
        /// <summary>Nothing would change: no new MODSEQ.</summary>
        Unchanged,
        /// <summary>The message gets the new flags and keywords.</summary>
        Changed,
    }

    /// <summary>
    /// The flags and keywords <paramref name="mode"/> gives a message. <paramref name="readerSeen"/>
    /// is the reader's own \Seen in a public folder (null elsewhere): it replaces the stored one.
    /// </summary>
    public static (FlagOutcome Outcome, MessageFlags Current, MessageFlags Flags, IReadOnlyList<string> Keywords) ApplyStore(
        MessageFlagState row, bool? readerSeen, StoreMode mode, MessageFlags flags, IReadOnlyList<string>? keywords, ulong? unchangedSince)
    {
        var current = readerSeen is { } own
            ? (row.Flags & ~MessageFlags.Seen) | (own ? MessageFlags.Seen : MessageFlags.None)
            : row.Flags;
        if (unchangedSince is { } since && row.ModSeq > since) return (FlagOutcome.Modified, current, current, row.Keywords);
        var (newFlags, newKeywords) = mode switch
        {
            StoreMode.Add => (current | flags, Keywords.Merge(row.Keywords, keywords ?? [])),
            StoreMode.Remove => (current & ~flags, Keywords.Remove(row.Keywords, keywords ?? [])),
            _ => (flags, Keywords.Merge([], keywords ?? [])),
        };
        var outcome = newFlags == current && Keywords.SameSet(newKeywords, row.Keywords) ? FlagOutcome.Unchanged : FlagOutcome.Changed;
        return (outcome, current, newFlags, newKeywords);
    }

    /// <summary>A limit as stored: null (none set) or -1 (none, set explicitly) mean no limit.</summary>
    public static long? Limit(long? stored) => stored is null or QuotaChange.Unlimited ? null : stored;

    /// <summary>
    /// Refuses adding <paramref name="bytes"/> in <paramref name="messages"/> messages to a mailbox
    /// that uses <paramref name="used"/> when that would pass one of its limits (RFC 9208 §4.4: the
    /// whole command fails, nothing is written).
    /// </summary>
    public static void CheckQuota((long? Storage, long? Messages) limits, (long Bytes, long Messages) used, long bytes, long messages)
    {
        if (limits.Storage is { } storage && used.Bytes + bytes > storage)
            throw new StoreException(StoreError.OverQuota, $"Over quota: the mailbox may hold {storage} bytes and holds {used.Bytes}");
        if (limits.Messages is { } count && used.Messages + messages > count)
            throw new StoreException(StoreError.OverQuota, $"Over quota: the mailbox may hold {count} messages and holds {used.Messages}");
    }
}
