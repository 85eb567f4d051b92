using System.Text;
using AkkaImap.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Tests;

/// <summary>The contract against the embedded SQLite store, with fsync on as in production.</summary>
public sealed class SqliteMailStoreTests : MailStoreContract
{
    protected override async Task<IStore> OpenStoreAsync(string dataFolder, bool fullTextIndex = true) =>
        await SqliteStore.OpenAsync(dataFolder, new StoreOptions { Fsync = true, FullTextIndex = fullTextIndex });

    protected override Task<long> CountBlobsAsync(IStore store) => ((SqliteStore)store).CountBlobsAsync();

    protected override long CommitCount(IStore store) => ((SqliteStore)store).CommitCount;

    protected override IEnumerable<string> StoreFiles(string dataFolder) =>
        Directory.EnumerateFiles(dataFolder, SqliteStore.FileName + "*");

    // What schema 14 added, and 12 and 13 before it, dropped by the tests that take a store back to an older schema.
    private const string BeforeTheCounts = """
        DROP TRIGGER messages_counted_in; DROP TRIGGER messages_counted_out; DROP TRIGGER messages_recounted;
        ALTER TABLE folders DROP COLUMN message_count; ALTER TABLE folders DROP COLUMN unseen_count; ALTER TABLE folders DROP COLUMN deleted_count;
        ALTER TABLE folders DROP COLUMN total_size; ALTER TABLE folders DROP COLUMN deleted_size;
        """;
    private const string BeforeTheFolderIndex = BeforeTheCounts + "DROP INDEX messages_deleted; DROP TRIGGER folder_index_dropped; DROP TABLE folder_index; DROP INDEX expunged_modseq; ";

    /// <summary>Runs <paramref name="sql"/> on the store's file as another program would; the rows it changed.</summary>
    private int ExecuteOnFile(string sql)
    {
        using var raw = new SqliteConnection($"Data Source={Path.Combine(DataFolder, SqliteStore.FileName)};Pooling=False");
        raw.Open();
        using var command = raw.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    protected override Task RollBackToBeforeTheSentDateAsync()
    {
        ExecuteOnFile(BeforeTheFolderIndex + "ALTER TABLE messages DROP COLUMN sent_date; ALTER TABLE blobs DROP COLUMN sent_date; PRAGMA user_version = 9");
        return Task.CompletedTask;
    }

    protected override Task RollBackToBeforeTheCountsAsync()
    {
        ExecuteOnFile(BeforeTheCounts + "PRAGMA user_version = 13");
        return Task.CompletedTask;
    }

    protected override Task SetUidNextAsync(long folderId, uint uidNext)
    {
        ExecuteOnFile($"UPDATE folders SET uidnext = {uidNext} WHERE id = {folderId}");
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Database_runs_in_wal_mode_with_the_current_schema_version()
    {
        await using var store = await SqliteStore.OpenAsync(DataFolder);
        Assert.Equal("wal", await store.PragmaAsync("journal_mode"));
        Assert.Equal("14", await store.PragmaAsync("user_version"));
        Assert.Equal("1", await store.PragmaAsync("foreign_keys"));
        Assert.Equal("2", await store.PragmaAsync("synchronous")); // FULL: fsync on every commit
        await using var relaxed = await SqliteStore.OpenAsync(DataFolder, new StoreOptions { Fsync = false });
        Assert.Equal("1", await relaxed.PragmaAsync("synchronous")); // NORMAL
    }

    [Fact]
    public async Task Each_reader_has_the_page_cache_it_was_given()
    {
        await using (var store = await SqliteStore.OpenAsync(DataFolder))
        {
            // 8 MiB by default, in KiB as SQLite counts a negative cache_size.
            Assert.Equal("-8192", await store.PragmaAsync("cache_size"));
        }

        await using var small = await SqliteStore.OpenAsync(DataFolder, new StoreOptions { Readers = 2, ReaderCacheBytes = 3 * 1024 * 1024 });
        var sizes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => small.PragmaAsync("cache_size")));
        Assert.All(sizes, size => Assert.Equal("-3072", size));
    }

    [Fact]
    public async Task Bodies_staged_together_are_written_in_one_commit()
    {
        var commits = CommitCount(Store);

        var staged = await Store.StageMessagesAsync(Enumerable.Range(1, 20).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(Simple($"part {i}"))).ToArray());

        Assert.Equal(20, staged.Distinct().Count());
        Assert.Equal(1, CommitCount(Store) - commits);
    }

    [Fact]
    public async Task A_store_from_before_the_sent_date_columns_gets_its_old_messages_sent_dates_from_their_envelopes()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var arrived = new DateTimeOffset(2022, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var olds = (await Store.AppendAsync(inbox.Id, [
            new AppendRequest(Encoding.UTF8.GetBytes(Simple("old")), MessageFlags.None, [], arrived),
            new AppendRequest(Encoding.UTF8.GetBytes("Subject: old and undated\r\n\r\nNo Date.\r\n"), MessageFlags.None, [], arrived),
        ])).Uids;
        await Store.DisposeAsync();
        await RollBackToBeforeTheSentDateAsync();

        await ReopenAsync();

        // Schema 11 resolved the old messages' sent dates from their envelopes, once, at the upgrade.
        var keys = await Store.GetSortKeysAsync(inbox.Id, null, [SortColumn.SentDate]);
        Assert.Equal(olds, keys.Uids);
        Assert.Equal([new DateTimeOffset(1994, 2, 8, 5, 52, 25, TimeSpan.Zero).ToUnixTimeMilliseconds(), arrived.ToUnixTimeMilliseconds()], keys.Keys[0]);
    }

    [Fact]
    public async Task A_store_from_before_the_full_text_index_has_its_messages_scanned_until_indexed_in_steps()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var uids = await AppendAsync(inbox.Id, "From: Jürgen <j@example.de>\r\nSubject: old\r\n\r\nSch=C3=B6ne Gr=C3=BC=C3=9Fe\r\n", "Subject: other\r\n\r\nnothing\r\n");
        await Store.DisposeAsync();
        // Schema 6 as it was: no index, and the read-only switch instead of access control lists.
        ExecuteOnFile(BeforeTheFolderIndex + "DROP TABLE text_header; DROP TABLE text_body; DROP TABLE text_folded; DROP TABLE text_pending; DROP TABLE address_index; DROP TABLE text_unindexed; DROP TABLE acl; ALTER TABLE folders ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0; ALTER TABLE messages DROP COLUMN sent_date; ALTER TABLE blobs DROP COLUMN sent_date; PRAGMA user_version = 6");

        await ReopenAsync();

        // Pending after the upgrade: listed for the scan, never answered wrongly.
        Assert.Equal(uids, (await Store.SearchIndexAsync(inbox.Id, Search.IndexedField.Body, "NOTHING"))!.Unindexed.Order());
        Assert.Equal(2, await Search.IndexUpkeep.CatchUpAsync(Store, CancellationToken.None));
        Assert.Equal([uids[0]], (await Store.SearchIndexAsync(inbox.Id, Search.IndexedField.From, "jürgen"))!.Matches.ToArray());
        Assert.Equal([uids[1]], (await Store.SearchIndexAsync(inbox.Id, Search.IndexedField.Body, "NOTHING"))!.Matches.ToArray());
    }

    [Fact]
    public async Task A_store_from_schema_12_expunges_what_was_marked_deleted_before_the_upgrade()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var uids = await AppendAsync(inbox.Id, "Subject: one\r\n\r\n1\r\n", "Subject: two\r\n\r\n2\r\n", "Subject: three\r\n\r\n3\r\n");
        await Store.StoreFlagsAsync(inbox.Id, [uids[0], uids[2]], StoreMode.Add, MessageFlags.Deleted);
        await Store.DisposeAsync();
        // Schema 12 had no index of the \Deleted messages: the upgrade builds it from the rows.
        ExecuteOnFile(BeforeTheCounts + "DROP INDEX messages_deleted; PRAGMA user_version = 12");

        await ReopenAsync();

        Assert.Equal([uids[0], uids[2]], (await Store.ExpungeAsync(inbox.Id)).ExpungedUids);
        Assert.Equal([uids[1]], (await Store.GetMessageFlagsAsync(inbox.Id)).Select(row => row.Uid));
    }

    [Fact]
    public async Task Migrating_from_schema_7_turns_the_read_only_switch_into_access_control_lists()
    {
        var po = await Store.AddPostOfficeAsync("example.com", publicFolders: true);
        var owner = MailboxOwner.ForPublicFolders(po.Id);
        var news = await Store.CreateFolderAsync(owner, "News");
        var chat = await Store.CreateFolderAsync(owner, "Chat");
        await Store.DisposeAsync();
        // Back to what schema 7 held: a read_only column, no acl table.
        ExecuteOnFile(BeforeTheFolderIndex + $"""
            DROP TABLE acl;
            ALTER TABLE folders ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0;
            UPDATE folders SET read_only = 1 WHERE id = {news.Id};
            ALTER TABLE messages DROP COLUMN sent_date;
            ALTER TABLE blobs DROP COLUMN sent_date;
            PRAGMA user_version = 7;
            """);

        var store = await OpenAsync();

        Assert.Equal(new AclEntry(0, "anyone", AclRights.ReadOnly), Assert.Single(await store.GetAclAsync(news.Id)));
        Assert.Equal(new AclEntry(0, "anyone", AclRights.Default), Assert.Single(await store.GetAclAsync(chat.Id)));
        Assert.True((await store.GetFolderAsync(news.Id))!.ReadOnly);
        Assert.False((await store.GetFolderAsync(chat.Id))!.ReadOnly);
    }

    [Fact]
    public async Task A_store_written_by_a_newer_AkkaImap_is_refused_with_both_versions()
    {
        await Store.DisposeAsync();
        ExecuteOnFile("PRAGMA user_version = 99");

        var refused = await Assert.ThrowsAsync<StoreVersionException>(() => SqliteStore.OpenAsync(DataFolder));

        Assert.Equal((99, 14), (refused.Found, refused.Known));
    }

    [Fact]
    public async Task Feed_rows_older_than_the_retention_are_trimmed_when_a_change_is_written()
    {
        await Store.AddPostOfficeAsync("old.example", false);
        var old = Assert.Single(await Store.GetChangesSinceAsync(0, 10));
        // Two days pass for that row (the default retention is one).
        Assert.Equal(1, ExecuteOnFile("UPDATE changes SET time = time - 2 * 86400000"));

        var fresh = await Store.AddPostOfficeAsync("new.example", false);

        var row = Assert.Single(await Store.GetChangesSinceAsync(0, 10));
        Assert.Equal((DirectoryChangeKind.PostOfficeAdded, fresh.Id), (row.Kind, row.PostOfficeId));
        Assert.True(row.Id > old.Id);
        Assert.Equal(row.Id, await Store.GetLatestChangeIdAsync());
    }

    [Fact]
    public async Task The_signal_file_is_written_in_a_folder_of_its_own_readable_by_the_owner_only()
    {
        var store = (SqliteStore)Store;
        await store.AddPostOfficeAsync("example.com", false);

        Assert.Equal(Path.Combine(DataFolder, SqliteStore.SignalFolderName, SqliteStore.SignalFileName), store.SignalPath);
        Assert.True(File.Exists(store.SignalPath));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.SignalPath));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                File.GetUnixFileMode(Path.GetDirectoryName(store.SignalPath)!));
        }
    }

    [Fact]
    public async Task The_savepoint_each_write_runs_in_journals_in_memory()
    {
        await using var store = await SqliteStore.OpenAsync(DataFolder);
        // MEMORY: the pages a savepoint changes are kept as they were in memory, not in a temporary file.
        Assert.Equal("2", await store.WriterPragmaAsync("temp_store"));
        // The readers keep SQLite's default (a file for a sort too large for memory).
        Assert.Equal("0", await store.PragmaAsync("temp_store"));
    }

    [Fact]
    public async Task Files_copied_while_the_store_runs_hold_every_acknowledged_write()
    {
        // What kill -9 leaves is the database and its WAL as they are on disk at that moment
        // (the -shm index is rebuilt). Copy exactly those while the store is still open.
        await Store.AddPostOfficeAsync("example.com", false);
        var account = await Store.AddAccountAsync("alice@example.com", "pw");
        var inbox = (await Store.GetFolderAsync(account.Owner, "INBOX"))!;
        var appended = await Store.AppendAsync(inbox.Id, [new AppendRequest(Encoding.UTF8.GetBytes(Simple("survivor")))]);
        await Store.StoreFlagsAsync(inbox.Id, appended.Uids, StoreMode.Add, MessageFlags.Flagged);

        var crashed = Path.Combine(DataFolder, "crashed");
        Directory.CreateDirectory(crashed);
        foreach (var suffix in new[] { "", "-wal" })
        {
            using var source = new FileStream(Path.Combine(DataFolder, SqliteStore.FileName + suffix), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var target = File.Create(Path.Combine(crashed, SqliteStore.FileName + suffix));
            source.CopyTo(target);
        }

        await using var recovered = await SqliteStore.OpenAsync(crashed);
        var folder = await recovered.GetFolderAsync(account.Owner, "INBOX");
        Assert.Equal(inbox.UidValidity, folder?.UidValidity);
        Assert.Equal(appended.Uids, (await recovered.GetMessageFlagsAsync(inbox.Id)).Where(m => m.Flags == MessageFlags.Flagged).Select(m => m.Uid));
        Assert.NotNull(await recovered.VerifyPasswordAsync("alice@example.com", "pw"));
    }
}
