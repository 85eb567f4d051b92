namespace AkkaImap.Storage.Tests;

public abstract partial class MailStoreContract
{
    /// <summary>Bounds every wait for a watcher's wake-up; the test goes on as soon as it comes.</summary>
    private static readonly TimeSpan SignalDeadline = TimeSpan.FromSeconds(10);

    private async Task<IReadOnlyList<DirectoryChange>> ChangesSinceAsync(long id, IStore? store = null) =>
        await (store ?? Store).GetChangesSinceAsync(id, 1000);

    private static (DirectoryChangeKind Kind, long? Account, long? PostOffice, long? Folder) Row(DirectoryChange c) =>
        (c.Kind, c.AccountId, c.PostOfficeId, c.FolderId);

    [Fact]
    public async Task Every_directory_change_writes_one_feed_row_naming_what_it_concerns()
    {
        var cli = await OpenAsync();
        var start = await Store.GetLatestChangeIdAsync();

        var po = await cli.AddPostOfficeAsync("example.com", publicFolders: false);
        await cli.SetPostOfficePublicFoldersAsync("example.com", true);
        await cli.SetPostOfficePublicFoldersAsync("example.com", false);
        var alice = await cli.AddAccountAsync("alice@example.com", "pw");
        await cli.SetPasswordAsync("alice@example.com", "pw2");
        await cli.UnlockAsync("alice@example.com");
        var imported = await cli.CreateFolderAsync(MailboxOwner.ForAccount(alice.Id), "Imported");
        await cli.RecordMailAddedAsync(alice.Id, po.Id, imported.Id);
        var owner = MailboxOwner.ForPublicFolders(po.Id);
        var news = await cli.CreateFolderAsync(owner, "News");
        await cli.SetFolderReadOnlyAsync(owner, "News", true);
        await cli.SetFolderReadOnlyAsync(owner, "News", false);
        await cli.DeleteFolderAsync(owner, "News");
        await cli.RemoveAccountAsync("alice@example.com");

        var rows = await ChangesSinceAsync(start);
        Assert.Equal(
        [
            (DirectoryChangeKind.PostOfficeAdded, null, po.Id, null),
            (DirectoryChangeKind.PublicFoldersOn, null, po.Id, null),
            (DirectoryChangeKind.PublicFoldersOff, null, po.Id, null),
            (DirectoryChangeKind.AccountAdded, alice.Id, po.Id, null),
            (DirectoryChangeKind.PasswordChanged, alice.Id, po.Id, null),
            (DirectoryChangeKind.AccountUnlocked, alice.Id, po.Id, null),
            (DirectoryChangeKind.MailAdded, alice.Id, po.Id, imported.Id),
            (DirectoryChangeKind.PublicFolderAdded, null, po.Id, news.Id),
            (DirectoryChangeKind.PublicFolderReadOnly, null, po.Id, news.Id),
            (DirectoryChangeKind.PublicFolderWritable, null, po.Id, news.Id),
            (DirectoryChangeKind.PublicFolderRemoved, null, po.Id, news.Id),
            (DirectoryChangeKind.AccountRemoved, alice.Id, po.Id, null),
        ], rows.Select(Row));
        Assert.Equal(rows[^1].Id, await Store.GetLatestChangeIdAsync());
        Assert.True(rows.Zip(rows.Skip(1)).All(p => p.First.Id < p.Second.Id), "ids grow");
        Assert.All(rows, r => Assert.True(Math.Abs((DateTimeOffset.UtcNow - r.Time).TotalMinutes) < 5, $"time {r.Time}"));
    }

    [Fact]
    public async Task Removing_a_post_office_by_force_names_each_of_its_mailboxes()
    {
        var po = await Store.AddPostOfficeAsync("example.com", publicFolders: true);
        var alice = await Store.AddAccountAsync("alice@example.com", "pw");
        var bob = await Store.AddAccountAsync("bob@example.com", "pw");
        var start = await Store.GetLatestChangeIdAsync();

        Assert.True(await Store.RemovePostOfficeAsync("example.com", force: true));

        var rows = (await ChangesSinceAsync(start)).Select(Row).ToList();
        Assert.Equal(
        [
            (DirectoryChangeKind.AccountRemoved, alice.Id, po.Id, null),
            (DirectoryChangeKind.AccountRemoved, bob.Id, po.Id, null),
            (DirectoryChangeKind.PostOfficeRemoved, null, po.Id, null),
        ], rows);
    }

    [Fact]
    public async Task Refused_changes_and_mail_write_no_feed_rows()
    {
        var alice = await NewAccountAsync();
        var start = await Store.GetLatestChangeIdAsync();

        await Assert.ThrowsAsync<StoreException>(() => Store.AddPostOfficeAsync("example.com", false));
        await Assert.ThrowsAsync<StoreException>(() => Store.AddAccountAsync("alice@example.com", "pw"));
        Assert.False(await Store.RemoveAccountAsync("nobody@example.com"));
        Assert.False(await Store.SetPasswordAsync("nobody@example.com", "pw"));
        Assert.False(await Store.UnlockAsync("nobody@example.com"));
        Assert.False(await Store.SetPostOfficePublicFoldersAsync("nowhere.org", true));
        // A user's own folders and mail are not the directory.
        await Store.CreateFolderAsync(alice.Owner, "Projects");
        await AppendAsync((await FolderAsync(alice, "INBOX")).Id, Simple("hello"));
        await Store.DeleteFolderAsync(alice.Owner, "Projects");

        Assert.Empty(await ChangesSinceAsync(start));
        Assert.Equal(start, await Store.GetLatestChangeIdAsync());
    }

    [Fact]
    public async Task Changes_are_read_in_pages_from_the_last_id_seen()
    {
        var start = await Store.GetLatestChangeIdAsync();
        for (var i = 0; i < 5; i++) await Store.AddPostOfficeAsync($"po{i}.example", false);

        var first = await Store.GetChangesSinceAsync(start, 2);
        var second = await Store.GetChangesSinceAsync(first[^1].Id, 2);
        var third = await Store.GetChangesSinceAsync(second[^1].Id, 2);

        Assert.Equal(2, first.Count);
        Assert.Equal(2, second.Count);
        Assert.Single(third);
        Assert.Empty(await Store.GetChangesSinceAsync(third[^1].Id, 2));
        Assert.Equal(5, first.Concat(second).Concat(third).Select(c => c.PostOfficeId).Distinct().Count());
    }

    [Fact]
    public async Task A_change_made_by_another_store_instance_wakes_the_watcher()
    {
        var signalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = Store.Watch(() => signalled.TrySetResult());
        var start = await Store.GetLatestChangeIdAsync();
        // As the CLI is: its own store on the same data folder, opened after the server's.
        var cli = await OpenAsync();

        await cli.AddPostOfficeAsync("example.com", false);
        await signalled.Task.WaitAsync(SignalDeadline);

        var row = Assert.Single(await ChangesSinceAsync(start));
        Assert.Equal(DirectoryChangeKind.PostOfficeAdded, row.Kind);
    }

    [Fact]
    public async Task A_watch_disposed_is_no_longer_called()
    {
        // A first watch, woken once: the wake-up mechanism is running before the watch under
        // test exists, so what wakes watches later is a change, not the mechanism's start.
        var primed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var first = Store.Watch(() => primed.TrySetResult());
        var cli = await OpenAsync();
        await cli.AddPostOfficeAsync("example.com", false);
        await primed.Task.WaitAsync(SignalDeadline);

        // A call may come before Dispose returns (a late wake-up of the change above): the
        // contract is that none starts after it.
        var disposed = 0;
        var lateCalls = 0;
        var watch = Store.Watch(() =>
        {
            if (Volatile.Read(ref disposed) == 1) Interlocked.Increment(ref lateCalls);
        });
        watch.Dispose();
        Volatile.Write(ref disposed, 1);
        // Registered after it, so both stores call this one after where the disposed one was.
        var signalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var last = Store.Watch(() => signalled.TrySetResult());

        await cli.AddPostOfficeAsync("example.org", false);
        await signalled.Task.WaitAsync(SignalDeadline);

        Assert.Equal(0, Volatile.Read(ref lateCalls));
    }
}
