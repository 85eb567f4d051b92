using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Storage.Tests;

public sealed class MessageTableTests
{
    private static MessageFlagState Row(uint uid, ulong modSeq = 1) => new(uid, MessageFlags.None, [], modSeq);

    private static MessageFlagState[] Rows(int count, uint step = 2) =>
        Enumerable.Range(1, count).Select(i => Row((uint)i * step)).ToArray();

    private static void Same(IReadOnlyList<MessageFlagState> expected, MessageTable table)
    {
        Assert.Equal(expected.Count, table.Count);
        Assert.Equal(expected, table.ToArray());
        Assert.Equal(expected, table.ToList());
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], table[i]);
            Assert.Equal(i, table.IndexOf(expected[i].Uid));
        }
        Assert.Equal(expected.Count == 0 ? 0u : expected[^1].Uid, table.LastUid);
    }

    [Fact]
    public void Rows_across_many_chunks_are_found_by_index_and_by_uid()
    {
        var rows = Rows(3 * MessageTable.ChunkSize + 17);
        var table = new MessageTable(rows);

        Same(rows, table);
        // Between two UIDs, below the first and past the last: the complement of where it would go.
        Assert.Equal(~0, table.IndexOf(1));
        Assert.Equal(~MessageTable.ChunkSize, table.IndexOf((uint)MessageTable.ChunkSize * 2 + 1));
        Assert.Equal(~rows.Length, table.IndexOf(uint.MaxValue));
    }

    [Fact]
    public void A_snapshot_keeps_its_rows_while_the_table_changes_and_the_table_keeps_its_own_while_the_snapshot_changes()
    {
        var rows = Rows(2 * MessageTable.ChunkSize + 5);
        var table = new MessageTable(rows);
        var snapshot = table.Snapshot();

        // The table: a flag change in the first chunk, an expunge in the second, a new message last.
        table.SetAt(3, rows[3] with { Flags = MessageFlags.Seen, ModSeq = 9 });
        table.Remove([rows[MessageTable.ChunkSize + 1].Uid]);
        table.Add(Row(rows[^1].Uid + 2));
        Same(rows, snapshot);

        // The snapshot (a session's view): its own flag change, where the table changed nothing.
        snapshot.SetAt(4, rows[4] with { Flags = MessageFlags.Deleted, ModSeq = 10 });
        var expected = rows.ToList();
        expected[3] = rows[3] with { Flags = MessageFlags.Seen, ModSeq = 9 };
        expected.RemoveAt(MessageTable.ChunkSize + 1);
        expected.Add(Row(rows[^1].Uid + 2));
        Same(expected, table);
        Assert.Equal(MessageFlags.Deleted, snapshot[4].Flags);
        Assert.Equal(MessageFlags.None, table[4].Flags);
    }

    [Fact]
    public void Random_changes_match_a_sorted_list_and_leave_every_earlier_snapshot_as_it_was()
    {
        var random = new Random(1717);
        var model = new SortedList<uint, MessageFlagState>();
        foreach (var row in Rows(MessageTable.ChunkSize + 300, step: 3)) model.Add(row.Uid, row);
        var table = new MessageTable([.. model.Values]);
        var snapshots = new List<(MessageTable Table, MessageFlagState[] Rows)>();

        for (int step = 0; step < 3000; step++)
        {
            switch (random.Next(10))
            {
                case 0 or 1 or 2:
                    {
                        // Mostly past the end (new mail), sometimes in a gap (a full chunk then splits).
                        uint uid = random.Next(4) == 0 ? (uint)random.Next(1, (int)model.Keys[^1] + 1) : model.Keys[^1] + (uint)random.Next(1, 4);
                        bool added = model.TryAdd(uid, Row(uid, (ulong)step));
                        Assert.Equal(added, table.Add(Row(uid, (ulong)step)));
                        break;
                    }
                case 3 or 4 or 5:
                    {
                        if (model.Count == 0) break;
                        int i = random.Next(model.Count);
                        var changed = model.Values[i] with { ModSeq = (ulong)step, Flags = MessageFlags.Flagged };
                        model[changed.Uid] = changed;
                        table.SetAt(i, changed);
                        break;
                    }
                case 6 or 7:
                    {
                        var uids = Enumerable.Range(0, random.Next(1, 40)).Select(_ => (uint)random.Next(1, (int)(model.Count == 0 ? 10 : model.Keys[^1] + 2))).ToList();
                        var before = model.Keys.ToList();
                        var expected = uids.Where(model.ContainsKey).Distinct().Order().Select(uid => (before.IndexOf(uid), uid)).ToList();
                        foreach (var uid in uids) model.Remove(uid);
                        Assert.Equal(expected, table.Remove(uids));
                        break;
                    }
                case 8:
                    snapshots.Add((table.Snapshot(), table.ToArray()));
                    break;
                default:
                    // A snapshot that is then changed on its own, as a session's view is.
                    if (snapshots.Count == 0 || snapshots[^1].Rows.Length == 0) break;
                    var (view, viewRows) = snapshots[^1];
                    int at = random.Next(viewRows.Length);
                    viewRows[at] = viewRows[at] with { Flags = MessageFlags.Answered, ModSeq = (ulong)step };
                    view.SetAt(at, viewRows[at]);
                    break;
            }
            if (step % 250 == 0) Same([.. model.Values], table);
        }

        Same([.. model.Values], table);
        foreach (var (snapshot, rows) in snapshots) Same(rows, snapshot);
    }

    [Fact]
    public void Flags_added_from_a_uid_on_reach_the_tail_and_not_a_snapshot_taken_before()
    {
        var rows = Rows(MessageTable.ChunkSize + 10);
        var table = new MessageTable(rows);
        var snapshot = table.Snapshot();
        uint from = rows[MessageTable.ChunkSize - 5].Uid;

        table.AddFlagsFrom(from, MessageFlags.Recent);

        Same(rows.Select(r => r.Uid >= from ? r with { Flags = MessageFlags.Recent } : r).ToArray(), table);
        Same(rows, snapshot);
    }

    [Fact]
    public void Rows_out_of_order_are_put_in_order()
    {
        var table = new MessageTable([Row(30), Row(10), Row(20), Row(10)]);

        Same([Row(10), Row(20), Row(30)], table);
    }
}
