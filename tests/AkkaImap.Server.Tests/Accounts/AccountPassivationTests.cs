using Akka.Actor;
using AkkaImap.Server.Accounts;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Accounts;

public sealed class AccountPassivationTests : AccountTestBase
{
    protected override Props RegionProps(IMailStore store) => AccountRegion.Props(store, TimeSpan.FromMilliseconds(200));

    [Fact]
    public async Task An_idle_account_without_selections_stops_and_comes_back_on_the_next_command()
    {
        var alice = CreateTestProbe();
        Ask<FolderCreated>(alice, new CreateFolder("Before"));
        var first = alice.LastSender;
        Watch(first);

        ExpectTerminated(first);

        var snapshot = Select(alice, "Before");
        Assert.Equal("Before", snapshot.Name);
        Assert.NotEqual(first, alice.LastSender);
        var inbox = (await Store.GetFolderAsync(Owner, "INBOX"))!;
        Assert.Equal(inbox.Id, Select(alice).FolderId);
    }
}
