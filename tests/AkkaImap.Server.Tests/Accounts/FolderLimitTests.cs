using Akka.Actor;
using AkkaImap.Server.Accounts;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Accounts;

/// <summary>
/// <c>limits.max-folders</c> (issue 16, finding 5: 5,000 CREATEs all succeeded): a mailbox holds at
/// most that many folders; one more CREATE is refused with NO [LIMIT] and creates nothing.
/// </summary>
public sealed class FolderLimitTests : AccountTestBase
{
    // A new mailbox has six folders (INBOX, Drafts, Sent, Trash, Junk, Archive).
    private const int MaxFolders = 8;

    protected override Props RegionProps(IStore store) => Owners.LocalOwners.Props(store, new Server.Owners.OwnerOptions(MaxFolders: MaxFolders));

    [Fact]
    public async Task Create_beyond_the_limit_is_refused_with_limit_and_creates_nothing()
    {
        var alice = CreateTestProbe();
        Ask<FolderCreated>(alice, new CreateFolder("Seventh"));
        Ask<FolderCreated>(alice, new CreateFolder("Eighth"));

        var refused = Ask<AccountCommandFailed>(alice, new CreateFolder("Ninth"));

        Assert.Equal(AccountFailure.Limit, refused.Code);
        Assert.Equal("LIMIT", ((Protocol.Responses.AtomCode)refused.Code.ToResponseCode()).Name);
        Assert.Equal(MaxFolders, (await Store.ListFoldersAsync(Owner)).Count);
        // Deleting one makes room again.
        Ask<FolderDeleted>(alice, new DeleteFolder("Seventh"));
        Ask<FolderCreated>(alice, new CreateFolder("Ninth"));
    }
}
