using AkkaImap.Protocol.Model;
using AkkaImap.Storage.Sqlite;

namespace AkkaImap.Storage.Tests;

/// <summary>The encoding of a folder's copy of its message list, and bringing a copy up to date.</summary>
public sealed class FolderIndexCodecTests
{
    [Fact]
    public void Rows_come_back_as_they_went_in_with_one_keyword_list_per_distinct_text()
    {
        var random = new Random(17);
        string[][] sets = [[], ["$Work"], ["$Work", "Later"], ["Ünïcode"]];
        var rows = new List<MessageFlagState>();
        uint uid = 0;
        for (var i = 0; i < 5000; i++)
        {
            uid += (uint)random.Next(1, i % 100 == 0 ? 1_000_000 : 3);
            // Modseqs go up and down along the UIDs (a later STORE on an older message).
            var modSeq = (ulong)random.NextInt64(1, i % 50 == 0 ? long.MaxValue : 10_000);
            rows.Add(new MessageFlagState(uid, (MessageFlags)random.Next(0, 64), sets[random.Next(sets.Length)].ToArray(), modSeq));
        }
        rows.Add(new MessageFlagState(uint.MaxValue, MessageFlags.Seen, [], ulong.MaxValue));

        var decoded = FolderIndex.Decode(FolderIndex.Encode(rows), new Keywords.Cache())!;

        Assert.Equal(rows.Select(Text), decoded.Select(Text));
        Assert.Equal(4, decoded.Select(r => r.Keywords).Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.Empty(FolderIndex.Decode(FolderIndex.Encode([]), new Keywords.Cache())!);
    }

    [Fact]
    public void What_this_build_did_not_write_decodes_to_nothing()
    {
        var encoded = FolderIndex.Encode([new MessageFlagState(1, MessageFlags.Seen, ["$Work"], 5), new MessageFlagState(2, MessageFlags.None, [], 6)]);
        for (var length = 0; length < encoded.Length; length++)
            Assert.Null(FolderIndex.Decode(encoded.AsSpan(0, length), new Keywords.Cache()));
        Assert.Null(FolderIndex.Decode([.. encoded, 0], new Keywords.Cache()));
        Assert.Null(FolderIndex.Decode([2, .. encoded[1..]], new Keywords.Cache()));
        Assert.Throws<ArgumentException>(() => FolderIndex.Encode([new MessageFlagState(2, 0, [], 1), new MessageFlagState(2, 0, [], 1)]));
    }

    [Fact]
    public void A_copy_is_brought_up_to_date_with_the_rows_changed_and_the_uids_vanished_since()
    {
        MessageFlagState Row(uint uid, ulong modSeq, MessageFlags flags = MessageFlags.None) => new(uid, flags, [], modSeq);
        var copy = new MessageTable([Row(2, 1), Row(4, 1), Row(6, 1), Row(8, 1), Row(10, 1)]);

        Assert.Same(copy, FolderIndex.Merge(copy, [], []));
        var merged = FolderIndex.Merge(copy,
            vanished: [1, 4, 10],
            changed: [Row(3, 7), Row(6, 8, MessageFlags.Seen), Row(12, 9), Row(13, 9)]);

        Assert.Equal(["2 0 1", "3 0 7", "6 1 8", "8 0 1", "12 0 9", "13 0 9"], merged.Select(r => $"{r.Uid} {(int)r.Flags} {r.ModSeq}"));
        Assert.Empty(FolderIndex.Merge(new MessageTable([Row(1, 1)]), [1], []));
    }

    private static string Text(MessageFlagState row) => $"{row.Uid} {(long)row.Flags} [{string.Join(' ', row.Keywords)}] {row.ModSeq}";
}
