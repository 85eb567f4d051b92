using AkkaImap.Server.Accounts;
using AkkaImap.Server.Owners;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Owners;

/// <summary>The owner's pure state, without actors or a store: who hears what, and what stays loaded.</summary>
public sealed class OwnerStateTests
{
    private const long Alice = 1, Bob = 2;
    private static readonly MailboxOwner Account = MailboxOwner.ForAccount(Alice);

    private static FolderInfo Folder(long id, string name = "INBOX", uint uidNext = 3, ulong modSeq = 2) =>
        new(id, Account, name, 77, uidNext, modSeq, null, Subscribed: true, NoSelect: false, MailboxId: "F" + id);

    private static MessageFlagState Row(uint uid, MessageFlags flags = MessageFlags.None, ulong modSeq = 1) =>
        new(uid, flags, [], modSeq);

    private static OwnerState<string> Loaded(bool perReaderSeen = false, int budget = 100)
    {
        var state = new OwnerState<string>(perReaderSeen, budget);
        state.Load(Folder(10), [Row(1), Row(2, MessageFlags.Seen, 2)]);
        return state;
    }

    [Fact]
    public void An_append_is_published_to_every_subscriber_but_the_requester()
    {
        var state = Loaded();
        state.Subscribe("s1", Alice, 10);
        state.Subscribe("s2", Alice, 10);
        var added = new MessagesAdded([Row(3, modSeq: 3)], 4, 3);

        state.Apply(10, added);
        var deliveries = state.Publish([new FolderEvent(10, added)], except: "s1");

        var delivery = Assert.Single(deliveries);
        Assert.Equal("s2", delivery.To);
        Assert.Equal(3u, Assert.Single(((MessagesAdded)delivery.Event.Change).Messages).Uid);
        var snapshot = state.Snapshot(Alice, 10, readOnly: false, "INBOX");
        Assert.Equal(new uint[] { 1, 2, 3 }, snapshot.Messages.Select(m => m.Uid));
        Assert.Equal((4u, 3ul), (snapshot.UidNext, snapshot.HighestModSeq));
    }

    [Fact]
    public void Recent_goes_to_the_first_read_write_session_and_new_mail_to_one_claiming_subscriber()
    {
        // INBOX holds UIDs 1 and 2, unclaimed (first recent UID 0).
        var state = Loaded();
        state.Subscribe("examine", Alice, 10, RecentMode.See);
        Assert.All(state.Snapshot(Alice, 10, readOnly: true, "INBOX", RecentMode.See).Messages, m => Assert.True(m.Flags.HasFlag(MessageFlags.Recent)));

        state.Subscribe("first", Alice, 10, RecentMode.Claim);
        Assert.All(state.Snapshot(Alice, 10, readOnly: false, "INBOX", RecentMode.Claim).Messages, m => Assert.True(m.Flags.HasFlag(MessageFlags.Recent)));
        Assert.Equal(3u, state.ClaimAll(10));
        state.Subscribe("second", Alice, 10, RecentMode.Claim);
        Assert.All(state.Snapshot(Alice, 10, readOnly: false, "INBOX", RecentMode.Claim).Messages, m => Assert.False(m.Flags.HasFlag(MessageFlags.Recent)));
        Assert.Null(state.ClaimAll(10));
        state.Subscribe("rev2", Alice, 10, RecentMode.None);

        // A message another session appends: the requester "second" has the folder selected and claims it.
        var added = new MessagesAdded([Row(3, modSeq: 3)], 4, 3);
        state.Apply(10, added);
        Assert.True(state.ClaimNew(10, preferred: "second", out var claimant));
        Assert.Equal("second", claimant);
        var claims = new Dictionary<long, string> { [10] = claimant! };
        var recentFor = state.Publish([new FolderEvent(10, added)], except: "second", claims)
            .Where(d => ((MessagesAdded)d.Event.Change).Messages.Single().Flags.HasFlag(MessageFlags.Recent)).Select(d => d.To);
        Assert.Empty(recentFor);
        Assert.True(state.MarkRecent("second", [new FolderEvent(10, added)], claims)[0].Change is MessagesAdded { Messages: [{ Flags: MessageFlags.Recent }] });

        // Nobody claims what arrives when no read-write rev1 session has the folder: EXAMINE sees it recent.
        state.Leave("first");
        state.Leave("second");
        var later = new MessagesAdded([Row(4, modSeq: 4)], 5, 4);
        state.Apply(10, later);
        Assert.False(state.ClaimNew(10, preferred: null, out _));
        var seen = state.Publish([new FolderEvent(10, later)], except: null, new Dictionary<long, string>());
        Assert.True(((MessagesAdded)seen.Single(d => d.To == "examine").Event.Change).Messages[0].Flags.HasFlag(MessageFlags.Recent));
        Assert.False(((MessagesAdded)seen.Single(d => d.To == "rev2").Event.Change).Messages[0].Flags.HasFlag(MessageFlags.Recent));
    }

    [Fact]
    public void Store_and_expunge_change_the_loaded_folder_in_commit_order()
    {
        var state = Loaded();
        state.Subscribe("s1", Alice, 10);

        state.Apply(10, new FlagsChanged([Row(1, MessageFlags.Flagged, 3)], 3));
        state.Apply(10, new MessagesRemoved([2], 4));

        var snapshot = state.Snapshot(Alice, 10, readOnly: false, "INBOX");
        var only = Assert.Single(snapshot.Messages);
        Assert.Equal((1u, MessageFlags.Flagged, 3ul), (only.Uid, only.Flags, only.ModSeq));
        Assert.Equal(4ul, snapshot.HighestModSeq);
    }

    [Fact]
    public void A_move_is_a_removal_in_the_source_and_an_addition_in_the_target()
    {
        var state = Loaded();
        state.Load(Folder(11, "Archive", uidNext: 1, modSeq: 1), []);
        state.Subscribe("in-inbox", Alice, 10);
        state.Subscribe("in-archive", Alice, 11);
        var removed = new FolderEvent(10, new MessagesRemoved([1], 3));
        var added = new FolderEvent(11, new MessagesAdded([Row(1, modSeq: 2)], 2, 2));
        state.Apply(10, removed.Change);
        state.Apply(11, added.Change);

        var deliveries = state.Publish([removed, added], except: null);

        Assert.Equal(["in-inbox", "in-archive"], deliveries.Select(d => d.To));
        Assert.Single(state.Snapshot(Alice, 10, false, "INBOX").Messages);
        Assert.Single(state.Snapshot(Alice, 11, false, "Archive").Messages);
    }

    [Fact]
    public void With_per_reader_seen_each_subscriber_hears_its_own_seen()
    {
        var state = Loaded(perReaderSeen: true);
        state.LoadReader(10, Alice, [2]);
        state.LoadReader(10, Bob, []);
        state.Subscribe("alice", Alice, 10);
        state.Subscribe("bob", Bob, 10);
        var change = new FlagsChanged([Row(2, MessageFlags.Flagged, 3)], 3);
        state.Apply(10, change);

        var deliveries = state.Publish([new FolderEvent(10, change)], except: null).ToDictionary(d => d.To, d => ((FlagsChanged)d.Event.Change).Messages[0].Flags);

        Assert.Equal(MessageFlags.Flagged | MessageFlags.Seen, deliveries["alice"]);
        Assert.Equal(MessageFlags.Flagged, deliveries["bob"]);
        // The loaded rows are shared: the stored \Seen bit of a public message means nothing.
        Assert.Equal(MessageFlags.None, state.Snapshot(Bob, 10, false, "x").Messages[1].Flags & MessageFlags.Seen);
    }

    [Fact]
    public void A_reader_s_marks_go_when_its_last_session_leaves()
    {
        var state = Loaded(perReaderSeen: true);
        state.LoadReader(10, Alice, [1]);
        state.Subscribe("a1", Alice, 10);
        state.Subscribe("a2", Alice, 10);

        state.Leave("a1");
        Assert.True(state.HasReader(10, Alice));
        state.Leave("a2");
        Assert.False(state.HasReader(10, Alice));
    }

    [Fact]
    public void An_unselected_folder_stays_loaded_within_the_budget_and_goes_beyond_it()
    {
        var state = Loaded(budget: 2);
        state.Subscribe("s1", Alice, 10);

        state.Leave("s1");
        Assert.True(state.IsLoaded(10));
        state.Apply(10, new MessagesAdded([Row(3, modSeq: 3)], 4, 3));
        state.Trim();
        Assert.False(state.IsLoaded(10));
    }

    [Fact]
    public void A_removed_folder_ends_its_subscriptions()
    {
        var state = Loaded();
        state.Subscribe("s1", Alice, 10);

        var deliveries = state.Publish([new FolderEvent(10, new FolderRemoved())], except: null);

        Assert.IsType<FolderRemoved>(Assert.Single(deliveries).Event.Change);
        Assert.False(state.IsLoaded(10));
        Assert.Null(state.SelectedBy("s1"));
        Assert.Equal(0, state.SubscriberCount);
    }

    [Fact]
    public void Resync_after_a_gap_yields_removals_then_additions_then_flag_changes()
    {
        var state = Loaded();
        var folder = state.Folder(10)!;
        var stored = new[] { Row(2, MessageFlags.Seen | MessageFlags.Answered, 5), Row(4, modSeq: 6) };

        var changes = folder.Diff(stored, Folder(10, uidNext: 5, modSeq: 6));

        Assert.Equal([1u], Assert.IsType<MessagesRemoved>(changes[0]).Uids);
        Assert.Equal(4u, Assert.Single(Assert.IsType<MessagesAdded>(changes[1]).Messages).Uid);
        Assert.Equal(2u, Assert.Single(Assert.IsType<FlagsChanged>(changes[2]).Messages).Uid);
    }
}
