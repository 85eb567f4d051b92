using AkkaImap.Server.Accounts;
using AkkaImap.Storage;

namespace AkkaImap.Server.Owners;

/// <summary>
/// The \Seen marks of the readers that have one public folder selected (per-reader \Seen: the
/// shared rows never carry it). Turns the shared state and shared changes into what one reader
/// sees: the same rows with that reader's \Seen added. Pure; used on the actor's thread.
/// </summary>
internal sealed class ReaderFlags
{
    private readonly Dictionary<long, HashSet<uint>> _seen = [];

    public bool Has(long accountId) => _seen.ContainsKey(accountId);

    public void Load(long accountId, IEnumerable<uint> seenUids) => _seen[accountId] = [.. seenUids];

    public void Drop(long accountId) => _seen.Remove(accountId);

    /// <summary>A reader's own STORE result (its view of the rows): records its \Seen marks.</summary>
    public void Record(long accountId, IEnumerable<MessageFlagState> rowsAsReaderSees)
    {
        if (!_seen.TryGetValue(accountId, out var seen)) return;
        foreach (var row in rowsAsReaderSees)
        {
            if ((row.Flags & MessageFlags.Seen) != 0) seen.Add(row.Uid);
            else seen.Remove(row.Uid);
        }
    }

    public void Forget(IEnumerable<uint> uids)
    {
        var list = uids as IReadOnlyCollection<uint> ?? uids.ToArray();
        foreach (var seen in _seen.Values) seen.ExceptWith(list);
    }

    /// <summary>The shared form of a row: the \Seen bit of the messages table means nothing in a public folder.</summary>
    public static MessageFlagState Shared(MessageFlagState row) => row with { Flags = row.Flags & ~MessageFlags.Seen };

    public static IReadOnlyList<MessageFlagState> Shared(IReadOnlyList<MessageFlagState> rows) => rows.Select(Shared).ToArray();

    public MessageFlagState For(long accountId, MessageFlagState sharedRow) =>
        _seen.TryGetValue(accountId, out var seen) && seen.Contains(sharedRow.Uid)
            ? sharedRow with { Flags = sharedRow.Flags | MessageFlags.Seen }
            : sharedRow;

    /// <summary>
    /// A snapshot's shared rows made what <paramref name="accountId"/> sees, in place: only the
    /// messages it has seen change (a chunk of the table is copied before its first change).
    /// </summary>
    public void MarkSeen(long accountId, MessageTable sharedRows)
    {
        if (!_seen.TryGetValue(accountId, out var seen)) return;
        foreach (var uid in seen)
        {
            int i = sharedRows.IndexOf(uid);
            if (i >= 0) sharedRows.SetAt(i, sharedRows[i] with { Flags = sharedRows[i].Flags | MessageFlags.Seen });
        }
    }

    public IReadOnlyList<MessageFlagState> For(long accountId, IReadOnlyList<MessageFlagState> sharedRows)
    {
        var rows = new MessageFlagState[sharedRows.Count];
        for (int i = 0; i < rows.Length; i++) rows[i] = For(accountId, sharedRows[i]);
        return rows;
    }

    /// <summary>A shared change as <paramref name="accountId"/> sees it.</summary>
    public FolderChange For(long accountId, FolderChange change) => change switch
    {
        MessagesAdded added => added with { Messages = For(accountId, added.Messages) },
        FlagsChanged flags => flags with { Messages = For(accountId, flags.Messages) },
        _ => change,
    };
}
