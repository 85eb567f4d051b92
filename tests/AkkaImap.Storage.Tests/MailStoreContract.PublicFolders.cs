namespace AkkaImap.Storage.Tests;

public abstract partial class MailStoreContract
{
    private async Task<(MailboxOwner Owner, FolderInfo Folder, Account Alice, Account Bob)> PublicFolderAsync()
    {
        var po = await Store.AddPostOfficeAsync("example.com", publicFolders: true);
        var alice = await Store.AddAccountAsync("alice@example.com", "pw");
        var bob = await Store.AddAccountAsync("bob@example.com", "pw");
        var owner = MailboxOwner.ForPublicFolders(po.Id);
        return (owner, await Store.CreateFolderAsync(owner, "News"), alice, bob);
    }

    [Fact]
    public async Task Read_only_switch_is_stored_per_folder_and_seen_by_another_store()
    {
        var (owner, folder, _, _) = await PublicFolderAsync();
        Assert.False(folder.ReadOnly);

        Assert.True(await Store.SetFolderReadOnlyAsync(owner, "News", true));
        Assert.False(await Store.SetFolderReadOnlyAsync(owner, "Missing", true));

        var cli = await OpenAsync();
        Assert.True((await cli.GetFolderAsync(owner, "News"))!.ReadOnly);
        Assert.True((await cli.ListFoldersAsync(owner)).Single().ReadOnly);
        Assert.True(await cli.SetFolderReadOnlyAsync(owner, "News", false));
        Assert.False((await Store.GetFolderAsync(folder.Id))!.ReadOnly);
    }

    [Fact]
    public async Task Seen_is_kept_per_reader_and_other_flags_are_shared()
    {
        var (_, folder, alice, bob) = await PublicFolderAsync();
        var uids = await AppendAsync(folder.Id, Simple("one"), Simple("two"));

        var stored = await Store.StoreReaderFlagsAsync(folder.Id, alice.Id, [uids[0]], StoreMode.Add, MessageFlags.Seen | MessageFlags.Flagged);

        var change = Assert.Single(stored.Changed);
        Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged, change.Flags);
        Assert.Equal(new[] { uids[0] }, await Store.GetSeenUidsAsync(folder.Id, alice.Id));
        Assert.Empty(await Store.GetSeenUidsAsync(folder.Id, bob.Id));
        // The shared row holds \Flagged only: bob sees it flagged but unseen.
        Assert.Equal(MessageFlags.Flagged, (await Store.GetMessageAsync(folder.Id, uids[0]))!.Flags);
        Assert.Equal(1, (await Store.GetReaderStatusAsync(folder.Id, alice.Id))!.Unseen);
        Assert.Equal(2, (await Store.GetReaderStatusAsync(folder.Id, bob.Id))!.Unseen);
        // The message alice has seen goes: each has one message left, unseen.
        await Store.RemoveMessagesAsync(folder.Id, [uids[0]]);
        foreach (var reader in new[] { alice, bob })
        {
            var status = (await Store.GetReaderStatusAsync(folder.Id, reader.Id))!;
            Assert.Equal((1, 1), (status.Messages, status.Unseen));
        }
    }

    [Fact]
    public async Task Reader_store_bumps_modseq_and_a_no_op_does_not()
    {
        var (_, folder, alice, bob) = await PublicFolderAsync();
        var uid = (await AppendAsync(folder.Id, Simple("one")))[0];
        var before = (await Store.GetFolderAsync(folder.Id))!.HighestModSeq;

        var first = await Store.StoreReaderFlagsAsync(folder.Id, alice.Id, [uid], StoreMode.Add, MessageFlags.Seen);
        var again = await Store.StoreReaderFlagsAsync(folder.Id, alice.Id, [uid], StoreMode.Add, MessageFlags.Seen);
        var bobs = await Store.StoreReaderFlagsAsync(folder.Id, bob.Id, [uid], StoreMode.Replace, MessageFlags.Answered, ["Later"]);

        Assert.Equal(before + 1, first.HighestModSeq);
        Assert.Empty(again.Changed);
        Assert.Equal(before + 1, again.HighestModSeq);
        // Bob's replace leaves alice's \Seen alone: it is hers.
        Assert.Equal(MessageFlags.Answered, Assert.Single(bobs.Changed).Flags);
        Assert.Equal(new[] { uid }, await Store.GetSeenUidsAsync(folder.Id, alice.Id));
        Assert.Equal(new[] { "Later" }, (await Store.GetMessageAsync(folder.Id, uid))!.Keywords);
    }

    [Fact]
    public async Task Post_office_with_public_folders_is_removed_only_when_forced()
    {
        var po = await Store.AddPostOfficeAsync("example.com", publicFolders: true);
        await Store.CreateFolderAsync(MailboxOwner.ForPublicFolders(po.Id), "News");

        var refused = await Assert.ThrowsAsync<StoreException>(() => Store.RemovePostOfficeAsync("example.com"));

        Assert.Equal(StoreError.NotEmpty, refused.Error);
        Assert.Single(await Store.ListFoldersAsync(MailboxOwner.ForPublicFolders(po.Id)));
        Assert.True(await Store.RemovePostOfficeAsync("example.com", force: true));
        Assert.Empty(await Store.ListFoldersAsync(MailboxOwner.ForPublicFolders(po.Id)));
    }

    [Fact]
    public async Task Expunge_and_account_removal_drop_seen_marks()
    {
        var (_, folder, alice, bob) = await PublicFolderAsync();
        var uids = await AppendAsync(folder.Id, Simple("one"), Simple("two"));
        await Store.StoreReaderFlagsAsync(folder.Id, alice.Id, uids, StoreMode.Add, MessageFlags.Seen);
        await Store.StoreReaderFlagsAsync(folder.Id, bob.Id, uids, StoreMode.Add, MessageFlags.Seen);

        await Store.StoreReaderFlagsAsync(folder.Id, alice.Id, [uids[0]], StoreMode.Add, MessageFlags.Deleted);
        await Store.ExpungeAsync(folder.Id);
        Assert.Equal(new[] { uids[1] }, await Store.GetSeenUidsAsync(folder.Id, alice.Id));

        Assert.True(await Store.RemoveAccountAsync("bob@example.com"));
        Assert.Empty(await Store.GetSeenUidsAsync(folder.Id, bob.Id));
        Assert.Equal(new[] { uids[1] }, await Store.GetSeenUidsAsync(folder.Id, alice.Id));
    }

    [Fact]
    public async Task Remove_messages_expunges_exactly_the_given_uids_whatever_their_flags()
    {
        var (_, folder, alice, _) = await PublicFolderAsync();
        var uids = await AppendAsync(folder.Id, Simple("one"), Simple("two"), Simple("three"));
        await Store.StoreReaderFlagsAsync(folder.Id, alice.Id, [uids[2]], StoreMode.Add, MessageFlags.Deleted);

        var removed = await Store.RemoveMessagesAsync(folder.Id, [uids[0], 99]);

        Assert.Equal(new[] { uids[0] }, removed.ExpungedUids);
        Assert.Equal(new[] { uids[1], uids[2] }, (await Store.GetMessageFlagsAsync(folder.Id)).Select(m => m.Uid));
        Assert.Equal(new[] { uids[0] }, await Store.GetVanishedSinceAsync(folder.Id, 0));
    }
}
