namespace AkkaImap.Storage.Tests;

// Access control lists of public folders (RFC 4314), on every store.
public abstract partial class MailStoreContract
{
    [Fact]
    public async Task A_new_public_folder_gives_anyone_the_default_rights_and_a_sub_folder_copies_its_parent()
    {
        var (owner, folder, alice, _) = await PublicFolderAsync();
        var entry = Assert.Single(await Store.GetAclAsync(folder.Id));
        Assert.Equal(new AclEntry(0, "anyone", AclRights.Default), entry);
        Assert.Equal("lrswipkte", AclRights.Format(entry.Rights));

        Assert.True(await Store.SetRightsAsync(folder.Id, alice.Id, AclRight.All));
        var child = await Store.CreateFolderAsync(owner, "News/Local");
        Assert.Equal(await Store.GetAclAsync(folder.Id), await Store.GetAclAsync(child.Id));

        var inbox = await Store.GetFolderAsync(alice.Owner, "INBOX");
        Assert.Empty(await Store.GetAclAsync(inbox!.Id));
        Assert.False(await Store.SetRightsAsync(inbox.Id, alice.Id, AclRight.All));
    }

    [Fact]
    public async Task A_readers_rights_are_its_entry_and_anyones_together_and_seen_by_another_store()
    {
        var (owner, folder, alice, bob) = await PublicFolderAsync();
        Assert.True(await Store.SetRightsAsync(folder.Id, 0, AclRight.Lookup | AclRight.Read));
        Assert.True(await Store.SetRightsAsync(folder.Id, alice.Id, AclRight.Insert | AclRight.Admin));

        var cli = await OpenAsync();
        Assert.Equal(AclRight.Lookup | AclRight.Read | AclRight.Insert | AclRight.Admin, await cli.GetRightsAsync(folder.Id, alice.Id));
        Assert.Equal(AclRight.Lookup | AclRight.Read, await cli.GetRightsAsync(folder.Id, bob.Id));
        var all = await cli.GetRightsAsync(owner, alice.Id);
        Assert.Equal(AclRight.Lookup | AclRight.Read | AclRight.Insert | AclRight.Admin, Assert.Single(all, p => p.Key == folder.Id).Value);
        Assert.Empty(await cli.GetRightsAsync(alice.Owner, alice.Id));
        Assert.Equal(["anyone", "alice@example.com"], (await cli.GetAclAsync(folder.Id)).Select(e => e.Identifier));
        Assert.True((await cli.GetFolderAsync(owner, "News"))!.ReadOnly);

        Assert.True(await cli.SetRightsAsync(folder.Id, alice.Id, null));
        Assert.Equal(AclRight.Lookup | AclRight.Read, await Store.GetRightsAsync(folder.Id, alice.Id));
        Assert.Single(await Store.GetAclAsync(folder.Id));
    }

    [Fact]
    public async Task The_read_only_shorthand_sets_anyone_and_leaves_other_entries()
    {
        var (owner, folder, alice, _) = await PublicFolderAsync();
        await Store.SetRightsAsync(folder.Id, alice.Id, AclRight.All);

        Assert.True(await Store.SetFolderReadOnlyAsync(owner, "News", true));
        Assert.Equal(AclRights.ReadOnly, (await Store.GetAclAsync(folder.Id)).Single(e => e.AccountId == 0).Rights);
        Assert.Equal(AclRight.All, (await Store.GetAclAsync(folder.Id)).Single(e => e.AccountId == alice.Id).Rights);

        Assert.True(await Store.SetFolderReadOnlyAsync(owner, "News", false));
        Assert.Equal(AclRights.Default, (await Store.GetAclAsync(folder.Id)).Single(e => e.AccountId == 0).Rights);
    }

    [Fact]
    public async Task Entries_go_with_their_mailbox_and_their_folder_and_stay_through_a_rename()
    {
        var (owner, folder, alice, bob) = await PublicFolderAsync();
        await Store.SetRightsAsync(folder.Id, alice.Id, AclRight.All);
        await Store.SetRightsAsync(folder.Id, bob.Id, AclRight.Read);

        await Store.RenameFolderAsync(owner, "News", "Old News");
        Assert.Equal(3, (await Store.GetAclAsync(folder.Id)).Count);

        await Store.RemoveAccountAsync("bob@example.com", force: true);
        Assert.Equal(["anyone", "alice@example.com"], (await Store.GetAclAsync(folder.Id)).Select(e => e.Identifier));
        // A mailbox added again under the old name does not inherit the removed one's rights.
        var bobAgain = await Store.AddAccountAsync("bob@example.com", "pw");
        Assert.Equal(AclRights.Default, await Store.GetRightsAsync(folder.Id, bobAgain.Id));

        await Store.DeleteFolderAsync(owner, "Old News");
        Assert.Empty(await Store.GetAclAsync(folder.Id));
    }

    [Fact]
    public async Task A_change_of_rights_is_a_feed_row_naming_post_office_folder_and_mailbox()
    {
        var (_, folder, alice, _) = await PublicFolderAsync();
        var start = await Store.GetLatestChangeIdAsync();

        await Store.SetRightsAsync(folder.Id, alice.Id, AclRight.Read);
        await Store.SetRightsAsync(folder.Id, 0, null);

        var rows = await Store.GetChangesSinceAsync(start, 10);
        Assert.Equal(
        [
            (DirectoryChangeKind.PublicFolderAclChanged, (long?)alice.Id, (long?)folder.Owner.Id, (long?)folder.Id),
            (DirectoryChangeKind.PublicFolderAclChanged, null, folder.Owner.Id, folder.Id),
        ], rows.Select(r => (r.Kind, r.AccountId, r.PostOfficeId, r.FolderId)));
    }
}
