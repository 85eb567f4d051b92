namespace AkkaImap.Storage.Tests;

public abstract partial class MailStoreContract
{
    [Fact]
    public async Task Uidvalidity_is_distinct_per_folder_and_stable_across_reopen()
    {
        var account = await NewAccountAsync();
        await Store.CreateFolderAsync(account.Owner, "Projects/2026");
        var before = (await Store.ListFoldersAsync(account.Owner)).ToDictionary(f => f.Name, f => f.UidValidity);

        await ReopenAsync();
        var after = (await Store.ListFoldersAsync(account.Owner)).ToDictionary(f => f.Name, f => f.UidValidity);

        Assert.Equal(before, after);
        Assert.Equal(before.Count, before.Values.Distinct().Count());
    }

    [Fact]
    public async Task A_folder_deleted_and_created_again_gets_a_new_uidvalidity()
    {
        var account = await NewAccountAsync();
        var first = await Store.CreateFolderAsync(account.Owner, "Temp");
        await Store.DeleteFolderAsync(account.Owner, "Temp");
        await ReopenAsync();

        var second = await Store.CreateFolderAsync(account.Owner, "Temp");

        Assert.NotEqual(first.UidValidity, second.UidValidity);
        Assert.NotEqual(first.MailboxId, second.MailboxId);
    }

    [Fact]
    public async Task Inbox_is_found_in_any_case_and_stored_upper_case()
    {
        var account = await NewAccountAsync();
        Assert.Equal("INBOX", (await Store.GetFolderAsync(account.Owner, "inbox"))?.Name);
        var child = await Store.CreateFolderAsync(account.Owner, "inbox/Lists");
        Assert.Equal("INBOX/Lists", child.Name);
        Assert.Null(await Store.GetFolderAsync(account.Owner, "sent")); // only INBOX is case-insensitive
    }

    [Fact]
    public async Task Create_makes_missing_parents_and_refuses_duplicates_and_bad_names()
    {
        var account = await NewAccountAsync();
        await Store.CreateFolderAsync(account.Owner, "a/b/c");

        Assert.NotNull(await Store.GetFolderAsync(account.Owner, "a"));
        Assert.NotNull(await Store.GetFolderAsync(account.Owner, "a/b"));
        Assert.Equal(StoreError.AlreadyExists, (await Assert.ThrowsAsync<StoreException>(() => Store.CreateFolderAsync(account.Owner, "a/b"))).Error);
        Assert.Equal("Declared", (await Store.CreateFolderAsync(account.Owner, "Declared/")).Name);
        foreach (var bad in new[] { "", "/", "/lead", "trail//", "dou//ble", "nul\0char" })
            Assert.Equal(StoreError.NotAllowed, (await Assert.ThrowsAsync<StoreException>(() => Store.CreateFolderAsync(account.Owner, bad))).Error);
    }

    [Fact]
    public async Task Folder_names_are_data_not_sql()
    {
        var account = await NewAccountAsync();
        const string hostile = "x'); DROP TABLE folders; --/Ünïcödé 日本 % _";
        await Store.CreateFolderAsync(account.Owner, hostile);
        await Store.CreateFolderAsync(account.Owner, "x_y"); // '_' must not act as a wildcard in prefix matches
        await Store.CreateFolderAsync(account.Owner, "xzy");
        await Store.RenameFolderAsync(account.Owner, "x_y", "renamed");

        Assert.NotNull(await Store.GetFolderAsync(account.Owner, hostile));
        Assert.NotNull(await Store.GetFolderAsync(account.Owner, "xzy"));
        Assert.Equal(6 + 4, (await Store.ListFoldersAsync(account.Owner)).Count);
    }

    [Fact]
    public async Task Rename_moves_children_and_keeps_uidvalidity_and_messages()
    {
        var account = await NewAccountAsync();
        var parent = await Store.CreateFolderAsync(account.Owner, "Work");
        var child = await Store.CreateFolderAsync(account.Owner, "Work/Reports");
        await Store.CreateFolderAsync(account.Owner, "Workshop");
        await AppendAsync(child.Id, Simple("q1"));

        await Store.RenameFolderAsync(account.Owner, "Work", "Archive/Old Work");

        var names = (await Store.ListFoldersAsync(account.Owner)).Select(f => f.Name).ToList();
        Assert.Contains("Archive/Old Work", names);
        Assert.Contains("Archive/Old Work/Reports", names);
        Assert.Contains("Workshop", names);
        Assert.DoesNotContain("Work", names);
        var movedChild = await FolderAsync(account, "Archive/Old Work/Reports");
        Assert.Equal(child.Id, movedChild.Id);
        Assert.Equal(child.UidValidity, movedChild.UidValidity);
        Assert.Equal(parent.UidValidity, (await FolderAsync(account, "Archive/Old Work")).UidValidity);
        Assert.Single(await Store.GetMessageFlagsAsync(movedChild.Id));
    }

    [Fact]
    public async Task Rename_refuses_existing_targets_missing_sources_and_moving_into_itself()
    {
        var account = await NewAccountAsync();
        await Store.CreateFolderAsync(account.Owner, "A/B");
        Assert.Equal(StoreError.AlreadyExists, (await Assert.ThrowsAsync<StoreException>(() => Store.RenameFolderAsync(account.Owner, "A", "Sent"))).Error);
        Assert.Equal(StoreError.NotFound, (await Assert.ThrowsAsync<StoreException>(() => Store.RenameFolderAsync(account.Owner, "Nope", "Z"))).Error);
        Assert.Equal(StoreError.NotAllowed, (await Assert.ThrowsAsync<StoreException>(() => Store.RenameFolderAsync(account.Owner, "A", "A/B/C"))).Error);
    }

    [Fact]
    public async Task Renaming_inbox_moves_its_messages_and_leaves_it_empty()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        await Store.CreateFolderAsync(account.Owner, "INBOX/Child");
        await AppendAsync(inbox.Id, Simple("one"), Simple("two"));

        await Store.RenameFolderAsync(account.Owner, "INBOX", "Old Mail");

        var inboxAfter = await FolderAsync(account, "INBOX");
        var moved = await FolderAsync(account, "Old Mail");
        Assert.Equal(inbox.UidValidity, inboxAfter.UidValidity);
        Assert.Empty(await Store.GetMessageFlagsAsync(inboxAfter.Id));
        Assert.Equal(3u, inboxAfter.UidNext); // UIDs are never reused
        Assert.Equal(new uint[] { 1, 2 }, await Store.GetVanishedSinceAsync(inbox.Id, inbox.HighestModSeq));
        Assert.Equal(2, (await Store.GetMessageFlagsAsync(moved.Id)).Count);
        Assert.NotNull(await Store.GetFolderAsync(account.Owner, "INBOX/Child"));

        await AppendAsync(inbox.Id, Simple("three"));
        await Store.RenameFolderAsync(account.Owner, "INBOX", "INBOX/2026");
        Assert.Single(await Store.GetMessageFlagsAsync((await FolderAsync(account, "INBOX/2026")).Id));
        Assert.Empty(await Store.GetMessageFlagsAsync(inbox.Id));
    }

    [Fact]
    public async Task Deleting_a_folder_with_children_leaves_it_noselect_per_rfc_9051()
    {
        var account = await NewAccountAsync();
        var parent = await Store.CreateFolderAsync(account.Owner, "P");
        await Store.CreateFolderAsync(account.Owner, "P/C");
        await AppendAsync(parent.Id, Simple("doomed"));

        await Store.DeleteFolderAsync(account.Owner, "P");

        var after = await FolderAsync(account, "P");
        Assert.True(after.NoSelect);
        Assert.Empty(await Store.GetMessageFlagsAsync(after.Id));
        Assert.Equal(StoreError.NoSelect, (await Assert.ThrowsAsync<StoreException>(() => AppendAsync(after.Id, Simple("x")))).Error);
        Assert.Equal(StoreError.NotEmpty, (await Assert.ThrowsAsync<StoreException>(() => Store.DeleteFolderAsync(account.Owner, "P"))).Error);

        await Store.DeleteFolderAsync(account.Owner, "P/C");
        await Store.DeleteFolderAsync(account.Owner, "P");
        Assert.Null(await Store.GetFolderAsync(account.Owner, "P"));
        Assert.Equal(0, await CountBlobsAsync(Store));
    }

    [Fact]
    public async Task Inbox_cannot_be_deleted_and_unknown_folders_are_not_found()
    {
        var account = await NewAccountAsync();
        Assert.Equal(StoreError.NotAllowed, (await Assert.ThrowsAsync<StoreException>(() => Store.DeleteFolderAsync(account.Owner, "inbox"))).Error);
        Assert.Equal(StoreError.NotFound, (await Assert.ThrowsAsync<StoreException>(() => Store.DeleteFolderAsync(account.Owner, "Nope"))).Error);
    }

    [Fact]
    public async Task Subscriptions_are_names_and_may_outlive_their_folder()
    {
        var account = await NewAccountAsync();
        await Store.CreateFolderAsync(account.Owner, "Lists");
        await Store.SetSubscribedAsync(account.Owner, "Lists", true);
        await Store.SetSubscribedAsync(account.Owner, "Trash", false);
        await Store.DeleteFolderAsync(account.Owner, "Lists");

        var subscribed = await Store.ListSubscriptionsAsync(account.Owner);
        Assert.Contains("Lists", subscribed);
        Assert.DoesNotContain("Trash", subscribed);
        Assert.False((await FolderAsync(account, "Trash")).Subscribed);
    }

    [Fact]
    public async Task Status_counts_messages_unseen_deleted_and_size()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var messages = new[] { Simple("a"), Simple("b"), Simple("c") };
        var uids = await AppendAsync(inbox.Id, messages);
        await Store.StoreFlagsAsync(inbox.Id, [uids[0]], StoreMode.Add, MessageFlags.Seen);
        await Store.StoreFlagsAsync(inbox.Id, [uids[1]], StoreMode.Add, MessageFlags.Deleted | MessageFlags.Seen);

        var status = await Store.GetStatusAsync(inbox.Id);

        Assert.NotNull(status);
        Assert.Equal(3, status.Messages);
        Assert.Equal(1, status.Unseen);
        Assert.Equal(1, status.Deleted);
        Assert.Equal(messages.Sum(m => (long)System.Text.Encoding.UTF8.GetByteCount(m)), status.Size);
        Assert.Equal(4u, status.UidNext);
        Assert.Equal(inbox.UidValidity, status.UidValidity);
        Assert.Equal((await FolderAsync(account, "INBOX")).HighestModSeq, status.HighestModSeq);
        Assert.Null(await Store.GetStatusAsync(-1));
    }

    [Fact]
    public async Task Status_and_quota_use_follow_every_kind_of_write()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var kept = await Store.CreateFolderAsync(account.Owner, "Kept");
        var bodies = new[] { Simple("a"), Simple("bb"), Simple("ccc"), Simple("dddd") };
        var sizes = bodies.Select(b => (long)System.Text.Encoding.UTF8.GetByteCount(b)).ToArray();
        var appended = await Store.AppendAsync(inbox.Id, [
            new AppendRequest(System.Text.Encoding.UTF8.GetBytes(bodies[0]), MessageFlags.Seen),
            .. bodies.Skip(1).Select(b => new AppendRequest(System.Text.Encoding.UTF8.GetBytes(b))),
        ]);
        var uids = appended.Uids;
        async Task<(int Messages, int Unseen, int Deleted, long Size, long DeletedSize)> CountsAsync(long folderId)
        {
            var s = (await Store.GetStatusAsync(folderId))!;
            return (s.Messages, s.Unseen, s.Deleted, s.Size, s.DeletedSize);
        }
        async Task<(long Bytes, long Messages)> UsedAsync()
        {
            var q = (await Store.GetQuotaAsync(account.Id))!;
            return (q.StorageUsed, q.MessagesUsed);
        }

        Assert.Equal((4, 3, 0, sizes.Sum(), 0L), await CountsAsync(inbox.Id));
        // Keywords alone change no count; \Seen and \Deleted do, added, removed or replaced.
        await Store.StoreFlagsAsync(inbox.Id, [uids[1]], StoreMode.Add, MessageFlags.None, ["$Work"]);
        await Store.StoreFlagsAsync(inbox.Id, [uids[1], uids[2]], StoreMode.Add, MessageFlags.Deleted | MessageFlags.Seen);
        await Store.StoreFlagsAsync(inbox.Id, [uids[0]], StoreMode.Remove, MessageFlags.Seen);
        await Store.StoreFlagsAsync(inbox.Id, [uids[2]], StoreMode.Replace, MessageFlags.Deleted);
        Assert.Equal((4, 3, 2, sizes.Sum(), sizes[1] + sizes[2]), await CountsAsync(inbox.Id));

        // COPY keeps the flags; MOVE takes the message's share from one folder to the other.
        await Store.CopyAsync(inbox.Id, [uids[1], uids[3]], kept.Id);
        await Store.MoveAsync(inbox.Id, [uids[0]], kept.Id);
        Assert.Equal((3, 2, 2, sizes[1] + sizes[2] + sizes[3], sizes[1] + sizes[2]), await CountsAsync(inbox.Id));
        Assert.Equal((3, 2, 1, sizes[0] + sizes[1] + sizes[3], sizes[1]), await CountsAsync(kept.Id));
        Assert.Equal((sizes.Sum() + sizes[1] + sizes[3], 6L), await UsedAsync());

        await Store.ExpungeAsync(inbox.Id);
        Assert.Equal((1, 1, 0, sizes[3], 0L), await CountsAsync(inbox.Id));
        await Store.DeleteFolderAsync(account.Owner, "Kept");
        Assert.Equal((sizes[3], 1L), await UsedAsync());
        // Renaming INBOX moves its messages to the new folder.
        await Store.RenameFolderAsync(account.Owner, "INBOX", "Old");
        Assert.Equal((0, 0, 0, 0L, 0L), await CountsAsync(inbox.Id));
        Assert.Equal((1, 1, 0, sizes[3], 0L), await CountsAsync((await FolderAsync(account, "Old")).Id));
        Assert.Equal((sizes[3], 1L), await UsedAsync());
    }

    [Fact]
    public async Task A_store_from_before_the_folder_counts_gets_them_at_the_upgrade_and_keeps_them_after()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        // 19, 20 and 23 bytes.
        var uids = await AppendAsync(inbox.Id, "Subject: one\r\n\r\n1\r\n", "Subject: two\r\n\r\n22\r\n", "Subject: three\r\n\r\n333\r\n");
        await Store.StoreFlagsAsync(inbox.Id, [uids[0]], StoreMode.Add, MessageFlags.Seen);
        await Store.StoreFlagsAsync(inbox.Id, [uids[2]], StoreMode.Add, MessageFlags.Deleted);
        await Store.DisposeAsync();
        // The schema before had no counts in the folder row: the upgrade takes them from the rows.
        await RollBackToBeforeTheCountsAsync();

        await ReopenAsync();

        var status = (await Store.GetStatusAsync(inbox.Id))!;
        Assert.Equal((3, 2, 1, 19L + 20 + 23, 23L), (status.Messages, status.Unseen, status.Deleted, status.Size, status.DeletedSize));
        await Store.ExpungeAsync(inbox.Id);
        status = (await Store.GetStatusAsync(inbox.Id))!;
        Assert.Equal((2, 1, 0, 19L + 20, 0L), (status.Messages, status.Unseen, status.Deleted, status.Size, status.DeletedSize));
    }

    [Fact]
    public async Task Public_folders_of_a_post_office_are_separate_from_mailbox_folders()
    {
        var account = await NewAccountAsync();
        var po = (await Store.FindPostOfficeAsync("example.com"))!;
        var shared = MailboxOwner.ForPublicFolders(po.Id);

        var announcements = await Store.CreateFolderAsync(shared, "Announcements");
        await Store.CreateFolderAsync(account.Owner, "Announcements");
        await AppendAsync(announcements.Id, Simple("all hands"));

        Assert.Equal(["Announcements"], (await Store.ListFoldersAsync(shared)).Select(f => f.Name));
        Assert.Equal(shared, announcements.Owner);
        Assert.Equal(1, (await Store.GetStatusAsync(announcements.Id))!.Messages);
        Assert.Equal(0, (await Store.GetStatusAsync((await FolderAsync(account, "Announcements")).Id))!.Messages);
    }
}
