using AkkaImap.Protocol.Commands;
using AkkaImap.Server.Sessions;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands.Sorting;

/// <summary>
/// SORT by ARRIVAL, DATE and SIZE alone (RFC 5256 §3), the keys that are integers: the store
/// gives them as one array per key (<see cref="IMailStore.GetSortKeysAsync"/>, the sent date
/// already resolved), and the messages are ordered as value-type rows, with no object per
/// message and no envelope decoded. The order is <see cref="MessageSorter"/>'s exactly: each
/// criterion in turn, REVERSE turning one round, ties in sequence order (RFC 5256 §3: REVERSE
/// does not touch that implicit last key).
/// </summary>
internal static class KeySorter
{
    /// <summary>True when every criterion is an integer key this path answers.</summary>
    public static bool Applies(IReadOnlyList<SortCriterion> criteria) =>
        criteria.Count > 0 && criteria.All(c => c.Key is SortKey.Arrival or SortKey.Date or SortKey.Size);

    /// <summary>
    /// The matched <paramref name="messages"/> (ascending sequence order) still in the store, in
    /// sort order. <paramref name="folderCount"/> is the selected folder's size: when a good part
    /// of it matched, the whole folder's keys are read (one range scan) rather than a UID list.
    /// </summary>
    public static async Task<List<MessageRef>> SortAsync(IMailStore store, long folderId, IReadOnlyList<MessageRef> messages,
        IReadOnlyList<SortCriterion> criteria, uint folderCount)
    {
        var used = Distinct(criteria);
        var columns = used.Select(c => c.Key switch
        {
            SortKey.Arrival => SortColumn.Arrival,
            SortKey.Date => SortColumn.SentDate,
            _ => SortColumn.Size,
        }).ToArray();
        bool wholeFolder = (long)messages.Count * 4 >= folderCount;
        var keys = await store.GetSortKeysAsync(folderId, wholeFolder ? null : UidsOf(messages), columns).ConfigureAwait(false);
        return Order(messages, keys, used.Select(c => c.Reverse).ToArray());
    }

    /// <summary>
    /// A key named twice decides nothing the second time (every tie it could break is a tie of
    /// its first use): only each key's first criterion counts, so at most three remain.
    /// </summary>
    private static List<SortCriterion> Distinct(IReadOnlyList<SortCriterion> criteria)
    {
        var used = new List<SortCriterion>(3);
        foreach (var criterion in criteria)
        {
            if (!used.Exists(u => u.Key == criterion.Key)) used.Add(criterion);
        }
        return used;
    }

    private static uint[] UidsOf(IReadOnlyList<MessageRef> messages)
    {
        var uids = new uint[messages.Count];
        for (int i = 0; i < uids.Length; i++) uids[i] = messages[i].Uid;
        return uids;
    }

    /// <summary>
    /// Orders <paramref name="messages"/> (ascending sequence, hence ascending UID) by the keys
    /// read (ascending UID; messages without keys are left out); <paramref name="reverse"/> per
    /// key column. Pure: tests drive it with hand-built columns.
    /// </summary>
    internal static List<MessageRef> Order(IReadOnlyList<MessageRef> messages, SortKeyColumns keys, bool[] reverse)
    {
        var uids = keys.Uids;
        var rows = new Row[Math.Min(messages.Count, uids.Length)];
        int n = 0, j = 0;
        // Both lists ascend by UID: one merge pass pairs each message with its keys.
        for (int i = 0; i < messages.Count && j < uids.Length; i++)
        {
            uint uid = messages[i].Uid;
            while (j < uids.Length && uids[j] < uid) j++;
            if (j < uids.Length && uids[j] == uid)
            {
                rows[n++] = new Row(Key(keys, reverse, 0, j), Key(keys, reverse, 1, j), Key(keys, reverse, 2, j), i);
                j++;
            }
        }
        // The row's last field is the message's position in sequence order: every row differs,
        // so the unstable sort gives the one order RFC 5256 defines.
        rows.AsSpan(0, n).Sort();
        var sorted = new List<MessageRef>(n);
        for (int k = 0; k < n; k++) sorted.Add(messages[rows[k].Position]);
        return sorted;
    }

    /// <summary>Column <paramref name="column"/>'s key of row <paramref name="row"/>; bitwise NOT turns the order round without overflow.</summary>
    private static long Key(SortKeyColumns keys, bool[] reverse, int column, int row)
    {
        if (column >= keys.Keys.Length) return 0;
        long key = keys.Keys[column][row];
        return reverse[column] ? ~key : key;
    }

    private readonly record struct Row(long First, long Second, long Third, int Position) : IComparable<Row>
    {
        public int CompareTo(Row other)
        {
            int order = First.CompareTo(other.First);
            if (order != 0) return order;
            order = Second.CompareTo(other.Second);
            if (order != 0) return order;
            order = Third.CompareTo(other.Third);
            return order != 0 ? order : Position.CompareTo(other.Position);
        }
    }
}
