using AkkaImap.Protocol.Commands;
using AkkaImap.Server.Commands.Sorting;
using AkkaImap.Server.Sessions;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Commands.Search;

/// <summary>
/// SORT by ARRIVAL, DATE and SIZE over integer key columns (<see cref="KeySorter"/>) gives exactly
/// the order of the general sorter (<see cref="MessageSorter"/>, RFC 5256 §3): REVERSE on one key
/// only, repeated keys, ties in sequence order, messages gone from the store left out.
/// </summary>
public sealed class KeySortTests
{
    private static readonly SortKey[] Keys = [SortKey.Arrival, SortKey.Date, SortKey.Size];

    [Fact]
    public void Ties_go_in_sequence_order_whatever_the_reverse()
    {
        MessageRef[] messages = [new(1, 10), new(2, 11), new(3, 12), new(4, 13)];
        var keys = new SortKeyColumns([10, 11, 12, 13], [[5, 3, 5, 3]]);

        Assert.Equal([2u, 4u, 1u, 3u], KeySorter.Order(messages, keys, [false]).Select(m => m.Msn));
        // REVERSE turns the key round, not the implicit sequence order (RFC 5256 §3).
        Assert.Equal([1u, 3u, 2u, 4u], KeySorter.Order(messages, keys, [true]).Select(m => m.Msn));
    }

    [Fact]
    public void Messages_without_keys_are_left_out_and_keys_without_a_match_ignored()
    {
        MessageRef[] messages = [new(1, 10), new(3, 12), new(4, 13), new(6, 20)];
        var keys = new SortKeyColumns([10, 11, 13, 14, 20], [[9, 1, 7, 0, 8]]);

        Assert.Equal([13u, 20u, 10u], KeySorter.Order(messages, keys, [false]).Select(m => m.Uid));
        Assert.Empty(KeySorter.Order(messages, new SortKeyColumns([], [[]]), [false]));
    }

    [Fact]
    public void Random_folders_sort_as_the_general_sorter_does()
    {
        var random = new Random(20261203);
        for (int round = 0; round < 300; round++)
        {
            int count = random.Next(0, 60);
            var all = new List<(MessageRef Ref, long Arrival, long Date, long Size)>();
            uint uid = 0;
            for (uint msn = 1; msn <= count; msn++)
            {
                uid += (uint)random.Next(1, 4);
                // Few distinct values, so that ties are common; keys may be negative (dates before 1970).
                all.Add((new MessageRef(msn, uid), random.Next(-3, 4) * 1000L, random.Next(-3, 4) * 1000L, random.Next(0, 5)));
            }
            var matched = all.Where(_ => random.Next(4) > 0).ToList();
            var stored = all.Where(_ => random.Next(8) > 0).ToList();
            var criteria = Enumerable.Range(0, random.Next(1, 5))
                .Select(_ => new SortCriterion(Keys[random.Next(Keys.Length)], random.Next(2) == 0)).ToList();

            var expected = MessageSorter.Sort(
                matched.Where(m => stored.Contains(m)).Select(m => Entry(m.Ref, m.Arrival, m.Date, m.Size)), criteria).Select(e => e.Uid);
            var used = criteria.DistinctBy(c => c.Key).ToList();
            var columns = new SortKeyColumns([.. stored.Select(m => m.Ref.Uid)],
                [.. used.Select(c => stored.Select(m => c.Key switch { SortKey.Arrival => m.Arrival, SortKey.Date => m.Date, _ => m.Size }).ToArray())]);
            var actual = KeySorter.Order([.. matched.Select(m => m.Ref)], columns, [.. used.Select(c => c.Reverse)]).Select(m => m.Uid);

            Assert.Equal(expected, actual);
        }
    }

    private static SortEntry Entry(MessageRef m, long arrival, long date, long size) =>
        new(m.Msn, m.Uid, DateTimeOffset.FromUnixTimeMilliseconds(arrival), DateTimeOffset.FromUnixTimeMilliseconds(date), size,
            string.Empty, false, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, null, []);
}
