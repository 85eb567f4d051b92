using Akka.Actor;
using AkkaImap.Server.Accounts;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Accounts;

/// <summary>
/// An account that keeps at most three messages of unselected folders loaded
/// (<c>cache.unselected-messages = 3</c>): folders dropped from memory, or trimmed after they grew
/// while unselected, still answer SELECT exactly as stored.
/// </summary>
public sealed class AccountCacheBudgetTests : AccountTestBase
{
    protected override Props RegionProps(IStore store) => Owners.LocalOwners.Props(store, new Server.Owners.OwnerOptions(UnselectedMessages: 3));

    [Fact]
    public async Task A_folder_that_grows_past_the_budget_while_unselected_is_reloaded_as_stored()
    {
        var alice = CreateTestProbe();
        var writer = CreateTestProbe();
        var folderId = Select(alice).FolderId;
        Ask<MessagesAppended>(alice, new AppendMessages("INBOX", [Mail("a"), Mail("b")]));
        Select(alice, "Drafts");

        // Kept (2 of 3), then 4 after this append: dropped; the next writes go to the store alone.
        Ask<MessagesAppended>(writer, new AppendMessages("INBOX", [Mail("c"), Mail("d", MessageFlags.Deleted)]));
        Ask<FlagsStored>(writer, new StoreFlags(folderId, [2], StoreMode.Add, MessageFlags.Flagged, []));
        Ask<Expunged>(writer, new Expunge(folderId));

        var again = Select(alice);
        Assert.Equal([1u, 2u, 3u], again.Messages.Select(r => r.Uid));
        await AssertAsStoredAsync(again);
    }

    [Fact]
    public async Task The_least_recently_left_folder_goes_first_and_both_stay_exact()
    {
        var alice = CreateTestProbe();
        Ask<FolderCreated>(alice, new CreateFolder("A"));
        Ask<FolderCreated>(alice, new CreateFolder("B"));
        Ask<MessagesAppended>(alice, new AppendMessages("A", [Mail("a1"), Mail("a2")]));
        Ask<MessagesAppended>(alice, new AppendMessages("B", [Mail("b1"), Mail("b2")]));
        Select(alice, "A");
        Select(alice, "B");
        Select(alice, "INBOX");

        // A (left first) no longer fits beside B; a change to each, then both selected again.
        Ask<MessagesAppended>(alice, new AppendMessages("A", [Mail("a3")]));
        Ask<MessagesAppended>(alice, new AppendMessages("B", [Mail("b3")]));

        var a = Select(alice, "A");
        var b = Select(alice, "B");
        Assert.Equal(3, a.Messages.Count);
        Assert.Equal(3, b.Messages.Count);
        await AssertAsStoredAsync(a);
        await AssertAsStoredAsync(b);
    }
}
