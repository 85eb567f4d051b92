using AkkaImap.Protocol.Sequences;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Sessions;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Sessions;

public sealed class SelectedFolderViewTests
{
    private const long FolderId = 7;

    private static MessageFlagState Row(uint uid, ulong modSeq = 1, MessageFlags flags = MessageFlags.None, params string[] keywords) =>
        new(uid, flags, keywords, modSeq);

    /// <summary>A view of messages with UIDs 10, 20, 30, ... (uid = 10 × msn).</summary>
    private static SelectedFolderView View(int count, uint uidNext = 0) =>
        new(new FolderSnapshot(FolderId, "INBOX", 1, uidNext == 0 ? (uint)count * 10 + 1 : uidNext, 1,
            Enumerable.Range(1, count).Select(i => Row((uint)i * 10)).ToArray(), [], false, "mbx", null));

    private static SequenceSet Set(string text)
    {
        Assert.True(SequenceSet.TryParse(text, out var set));
        return set;
    }

    private static uint[] Msns(SequenceResolution r) => r.Messages.Select(m => m.Msn).ToArray();
    private static uint[] Uids(SequenceResolution r) => r.Messages.Select(m => m.Uid).ToArray();

    [Fact]
    public void Expunging_3_4_7_11_of_11_is_announced_as_3_3_5_8()
    {
        // RFC 9051 §7.5.1 example.
        var view = View(11);
        view.Enqueue(new MessagesRemoved([30, 40, 70, 110], 2));

        var updates = view.Flush(expungeAllowed: true, qresyncEnabled: false);

        Assert.Equal(new ViewUpdate[] { new ViewExpunged(3), new ViewExpunged(3), new ViewExpunged(5), new ViewExpunged(8) }, updates);
        Assert.Equal(7u, view.Count);
        Assert.Equal(50u, view[3].Uid);
        Assert.Equal(2ul, view.HighestModSeq);
    }

    [Fact]
    public void With_qresync_expunges_are_one_vanished_uid_set()
    {
        var view = View(11);
        view.Enqueue(new MessagesRemoved([70, 30, 40, 110], 2));

        var updates = view.Flush(expungeAllowed: true, qresyncEnabled: true);

        var vanished = Assert.IsType<ViewVanished>(Assert.Single(updates));
        Assert.Equal(new uint[] { 30, 40, 70, 110 }, vanished.Uids);
        Assert.Equal(7u, view.Count);
    }

    [Fact]
    public void New_messages_are_announced_by_one_exists()
    {
        var view = View(2);
        view.Enqueue(new MessagesAdded([Row(30, 2)], 31, 2));
        view.Enqueue(new MessagesAdded([Row(40, 3), Row(50, 3)], 51, 3));

        var updates = view.Flush(expungeAllowed: false, qresyncEnabled: false);

        Assert.Equal(new ViewUpdate[] { new ViewExists(5) }, updates);
        Assert.Equal(51u, view.UidNext);
        Assert.Equal(4u, view.MsnOf(40));
    }

    [Fact]
    public void Expunges_and_everything_after_them_wait_while_sequence_numbers_are_in_use()
    {
        var view = View(3);
        view.Enqueue(new FlagsChanged([Row(10, 2, MessageFlags.Seen)], 2));
        view.Enqueue(new MessagesRemoved([20], 3));
        view.Enqueue(new MessagesAdded([Row(40, 4)], 41, 4));
        view.Enqueue(new FlagsChanged([Row(30, 5, MessageFlags.Flagged)], 5));

        var during = view.Flush(expungeAllowed: false, qresyncEnabled: false);

        // Only the change before the expunge; the EXISTS after it would count a message still shown.
        var fetch = Assert.IsType<ViewFlagsFetched>(Assert.Single(during));
        Assert.Equal(1u, fetch.Msn);
        Assert.Equal(MessageFlags.Seen, fetch.Message.Flags);
        Assert.Equal(3u, view.Count);
        Assert.Equal(2u, view.MsnOf(20));
        Assert.True(view.HasPendingChanges);

        var after = view.Flush(expungeAllowed: true, qresyncEnabled: false);

        Assert.Equal(3, after.Count);
        Assert.Equal(new ViewExpunged(2), after[0]);
        Assert.Equal(2u, Assert.IsType<ViewFlagsFetched>(after[1]).Msn);
        Assert.Equal(new ViewExists(3), after[2]);
        Assert.False(view.HasPendingChanges);
        Assert.Equal(new uint[] { 10, 30, 40 }, Enumerable.Range(1, 3).Select(i => view[(uint)i].Uid));
    }

    [Fact]
    public void Flag_changes_of_expunged_messages_are_dropped()
    {
        var view = View(3);
        view.Enqueue(new MessagesRemoved([20], 2));
        view.Enqueue(new FlagsChanged([Row(20, 3, MessageFlags.Seen)], 3));

        var updates = view.Flush(expungeAllowed: true, qresyncEnabled: false);

        Assert.Equal(new ViewUpdate[] { new ViewExpunged(2) }, updates);
    }

    [Fact]
    public void A_message_added_and_expunged_before_the_client_heard_of_it_is_never_mentioned()
    {
        var view = View(2);
        view.Enqueue(new MessagesAdded([Row(30, 2)], 31, 2));
        view.Enqueue(new FlagsChanged([Row(30, 3, MessageFlags.Seen)], 3));
        view.Enqueue(new MessagesRemoved([30], 4));

        Assert.Empty(view.Flush(expungeAllowed: true, qresyncEnabled: false));
        Assert.Equal(2u, view.Count);
        Assert.Equal(31u, view.UidNext);
    }

    [Fact]
    public void Expunge_of_a_known_message_before_new_ones_are_announced_keeps_numbers_right()
    {
        var view = View(3);
        view.Enqueue(new MessagesAdded([Row(40, 2)], 41, 2));
        view.Enqueue(new MessagesRemoved([10], 3));

        var updates = view.Flush(expungeAllowed: true, qresyncEnabled: false);

        // The client goes 3 → 2 after EXPUNGE 1, then learns of one more: uid 40 is message 3.
        Assert.Equal(new ViewUpdate[] { new ViewExpunged(1), new ViewExists(3) }, updates);
        Assert.Equal(3u, view.MsnOf(40));
    }

    [Fact]
    public void Own_store_applies_at_once_and_older_queued_flag_changes_are_not_repeated()
    {
        var view = View(2);
        view.Enqueue(new FlagsChanged([Row(20, 5, MessageFlags.Flagged)], 5));

        var own = view.ApplyFlags([Row(20, 6, MessageFlags.Seen)]);

        var fetch = Assert.IsType<ViewFlagsFetched>(Assert.Single(own));
        Assert.Equal(2u, fetch.Msn);
        Assert.Empty(view.Flush(expungeAllowed: true, qresyncEnabled: false));
        Assert.Equal(MessageFlags.Seen, view[2].Flags);
        Assert.Equal(6ul, view.HighestModSeq);
    }

    [Fact]
    public void A_new_keyword_redefines_the_flags_before_the_fetch_that_uses_it()
    {
        var view = View(1);
        view.Enqueue(new FlagsChanged([Row(10, 2, MessageFlags.None, "$Important")], 2));

        var updates = view.Flush(expungeAllowed: false, qresyncEnabled: false);

        Assert.Equal(2, updates.Count);
        Assert.Equal(new[] { "$Important" }, Assert.IsType<ViewKeywordsDefined>(updates[0]).Keywords);
        Assert.Equal(new[] { "$Important" }, Assert.IsType<ViewFlagsFetched>(updates[1]).Message.Keywords);
    }

    [Fact]
    public void Own_command_changes_for_other_folders_are_ignored()
    {
        var view = View(1);
        var reply = new MessagesCopied(FolderId, 99, 5, [new UidMapping(10, 1)],
            [new FolderEvent(99, new MessagesAdded([Row(1, 2)], 2, 2))]);

        view.Enqueue(reply);

        Assert.False(view.HasPendingChanges);
    }

    [Fact]
    public void Own_append_into_the_selected_folder_shows_exists()
    {
        var view = View(1);
        var reply = new MessagesAppended(FolderId, 1, [Row(11, 2)], [new FolderEvent(FolderId, new MessagesAdded([Row(11, 2)], 12, 2))]);

        view.Enqueue(reply);

        Assert.Equal(new ViewUpdate[] { new ViewExists(2) }, view.Flush(expungeAllowed: false, qresyncEnabled: false));
    }

    [Fact]
    public void A_removed_folder_is_reported_and_later_changes_are_dropped()
    {
        var view = View(2);
        view.Enqueue(new FolderRemoved());
        view.Enqueue(new MessagesAdded([Row(30, 2)], 31, 2));

        Assert.Equal(new ViewUpdate[] { new ViewFolderRemoved() }, view.Flush(expungeAllowed: false, qresyncEnabled: false));
        Assert.True(view.IsRemoved);
        Assert.Equal(2u, view.Count);
    }

    [Theory]
    [InlineData("2:4", new uint[] { 2, 3, 4 })]
    [InlineData("4:2", new uint[] { 2, 3, 4 })]
    [InlineData("*:4", new uint[] { 4, 5, 6, 7, 8, 9, 10 })]
    [InlineData("2,4:7,9,*", new uint[] { 2, 4, 5, 6, 7, 9, 10 })]
    [InlineData("1:3,2:5,3", new uint[] { 1, 2, 3, 4, 5 })]
    [InlineData("*", new uint[] { 10 })]
    public void Sequence_numbers_resolve_ascending_and_distinct(string set, uint[] expected)
    {
        var r = View(10).Resolve(Set(set), byUid: false);

        Assert.True(r.IsValid);
        Assert.Equal(expected, Msns(r));
        Assert.Equal(expected.Select(n => n * 10), Uids(r));
    }

    [Theory]
    [InlineData("11")]
    [InlineData("1:11")]
    [InlineData("3,99")]
    public void A_sequence_number_beyond_exists_is_invalid(string set)
    {
        Assert.False(View(10).Resolve(Set(set), byUid: false).IsValid);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("1:*")]
    public void Any_sequence_number_in_an_empty_folder_is_invalid(string set)
    {
        Assert.False(View(0).Resolve(Set(set), byUid: false).IsValid);
    }

    [Theory]
    [InlineData("20:40", new uint[] { 20, 30, 40 })]
    [InlineData("15:35", new uint[] { 20, 30 })]
    [InlineData("5,25,1000", new uint[] { })]
    [InlineData("95:*", new uint[] { 100 })]
    [InlineData("500:*", new uint[] { 100 })]
    [InlineData("*", new uint[] { 100 })]
    [InlineData("1:4294967295", new uint[] { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 })]
    public void Uids_resolve_to_existing_messages_only(string set, uint[] expectedUids)
    {
        // RFC 9051 §6.4.8: n:* includes the last message even when n is above every UID.
        var r = View(10).Resolve(Set(set), byUid: true);

        Assert.True(r.IsValid);
        Assert.Equal(expectedUids, Uids(r));
        Assert.Equal(expectedUids.Select(u => u / 10), Msns(r));
    }

    [Fact]
    public void Uid_star_in_an_empty_folder_names_nothing()
    {
        var r = View(0, uidNext: 42).Resolve(Set("1:*"), byUid: true);

        Assert.True(r.IsValid);
        Assert.Empty(r.Messages);
    }

    [Fact]
    public void First_unseen_is_the_lowest_message_without_seen()
    {
        var view = new SelectedFolderView(new FolderSnapshot(FolderId, "INBOX", 1, 4, 1,
            [Row(1, 1, MessageFlags.Seen), Row(2, 1, MessageFlags.Flagged), Row(3)], [], false, "m", null));

        Assert.Equal(2u, view.FirstUnseen());
    }

    [Fact]
    public void Expunging_most_of_a_large_folder_stays_fast_and_numbered_right()
    {
        var view = View(100_000);
        var gone = Enumerable.Range(1, 50_000).Select(i => (uint)i * 20).ToArray();
        view.Enqueue(new MessagesRemoved(gone, 2));

        var updates = view.Flush(expungeAllowed: true, qresyncEnabled: false);

        Assert.Equal(50_000, updates.Count);
        // Every other message goes: message 2, then (after renumbering) 3, 4, ...
        Assert.Equal(new ViewExpunged(2), updates[0]);
        Assert.Equal(new ViewExpunged(3), updates[1]);
        Assert.Equal(new ViewExpunged(50_001), updates[^1]);
        Assert.Equal(50_000u, view.Count);
        Assert.Equal(999_990u, view[50_000].Uid);
    }

    /// <summary>
    /// Random histories of appends, flag changes and expunges, flushed at random moments with
    /// expunges sometimes held: a client that applies the updates literally (EXISTS, EXPUNGE n,
    /// FETCH n) always agrees with the view, never sees a number beyond its count, and ends with
    /// exactly the folder's messages and flags.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void A_literal_client_always_agrees_with_the_view(int seed)
    {
        var random = new Random(seed);
        var truth = new SortedDictionary<uint, MessageFlagState>();
        for (uint uid = 1; uid <= 5; uid++) truth[uid] = Row(uid);
        uint nextUid = 6;
        ulong modSeq = 1;
        var view = new SelectedFolderView(new FolderSnapshot(FolderId, "INBOX", 1, nextUid, modSeq, truth.Values.ToArray(), [], false, "m", null));
        // The client's idea of the folder: UIDs by position, 0 where it only knows a message exists.
        var client = truth.Keys.ToList();

        for (int step = 0; step < 200; step++)
        {
            modSeq++;
            switch (random.Next(3))
            {
                case 0:
                    var added = Enumerable.Range(0, random.Next(1, 3)).Select(_ => Row(nextUid++, modSeq)).ToArray();
                    foreach (var row in added) truth[row.Uid] = row;
                    view.Enqueue(new MessagesAdded(added, nextUid, modSeq));
                    break;
                case 1 when truth.Count > 0:
                    var gone = truth.Keys.Where(_ => random.Next(4) == 0).ToArray();
                    foreach (var uid in gone) truth.Remove(uid);
                    view.Enqueue(new MessagesRemoved(gone, modSeq));
                    break;
                default:
                    var changed = truth.Keys.Where(_ => random.Next(3) == 0)
                        .Select(uid => Row(uid, modSeq, (MessageFlags)random.Next(32))).ToArray();
                    foreach (var row in changed) truth[row.Uid] = row;
                    view.Enqueue(new FlagsChanged(changed, modSeq));
                    break;
            }
            if (random.Next(3) == 0) ApplyLiterally(client, view.Flush(expungeAllowed: random.Next(2) == 0, qresyncEnabled: false));
            Assert.Equal((int)view.Count, client.Count);
        }
        ApplyLiterally(client, view.Flush(expungeAllowed: true, qresyncEnabled: false));

        Assert.False(view.HasPendingChanges);
        Assert.Equal(truth.Count, client.Count);
        for (int i = 0; i < client.Count; i++)
        {
            var expected = truth.Values.ElementAt(i);
            Assert.True(client[i] == 0 || client[i] == expected.Uid);
            Assert.Equal(expected, view[(uint)i + 1]);
        }
    }

    private static void ApplyLiterally(List<uint> client, IReadOnlyList<ViewUpdate> updates)
    {
        foreach (var update in updates)
        {
            switch (update)
            {
                case ViewExists exists:
                    Assert.True(exists.Count >= client.Count, "EXISTS must not shrink the folder");
                    while (client.Count < exists.Count) client.Add(0);
                    break;
                case ViewExpunged expunged:
                    Assert.InRange(expunged.Msn, 1u, (uint)client.Count);
                    client.RemoveAt((int)expunged.Msn - 1);
                    break;
                case ViewFlagsFetched fetched:
                    Assert.InRange(fetched.Msn, 1u, (uint)client.Count);
                    uint known = client[(int)fetched.Msn - 1];
                    Assert.True(known == 0 || known == fetched.Message.Uid);
                    client[(int)fetched.Msn - 1] = fetched.Message.Uid;
                    break;
            }
        }
    }
}

