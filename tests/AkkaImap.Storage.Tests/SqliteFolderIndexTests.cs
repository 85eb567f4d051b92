using System.Text;
using AkkaImap.Protocol.Model;
using AkkaImap.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Tests;

/// <summary>
/// A large folder's copy of its message list (<c>storage.sqlite.folder-index-messages</c>): a
/// load reads the copy and the changes since, and gives exactly what the message rows hold,
/// whatever happened to the folder in between. Real SQLite files; the rows a load must give are
/// read straight from the database file.
/// </summary>
public sealed class SqliteFolderIndexTests : IAsyncLifetime
{
    private const int Least = 8;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkaimap-store-tests", Guid.NewGuid().ToString("N"));
    private SqliteStore _store = null!;
    private MailboxOwner _owner;

    public async Task InitializeAsync()
    {
        _store = await OpenAsync();
        await _store.AddPostOfficeAsync("example.com", publicFolders: false);
        _owner = (await _store.AddAccountAsync("alice@example.com", "correct horse")).Owner;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* best effort: temp folder */ }
    }

    [Fact]
    public async Task A_large_folder_loads_from_its_copy_with_every_change_made_since()
    {
        var big = await _store.CreateFolderAsync(_owner, "Big");
        var other = await _store.CreateFolderAsync(_owner, "Other");
        var uids = await AppendAsync(big.Id, 20);
        await AppendAsync(other.Id, 3);
        await LoadsAsStoredAsync(big.Id);
        var copiedAt = await CopyModSeqAsync(big.Id);
        Assert.NotNull(copiedAt);

        // Every kind of change a folder's rows can see: flags, keywords, expunge, append, move out, copy in.
        await _store.StoreFlagsAsync(big.Id, [uids[0], uids[1], uids[2]], StoreMode.Add, MessageFlags.Seen | MessageFlags.Answered);
        await _store.StoreFlagsAsync(big.Id, [uids[3], uids[4]], StoreMode.Add, MessageFlags.None, ["$Work", "Later"]);
        await _store.StoreFlagsAsync(big.Id, [uids[5]], StoreMode.Add, MessageFlags.None, ["$Work", "Later"]);
        await _store.StoreFlagsAsync(big.Id, [uids[1]], StoreMode.Remove, MessageFlags.Seen);
        await _store.StoreFlagsAsync(big.Id, [uids[6], uids[7]], StoreMode.Add, MessageFlags.Deleted);
        await _store.ExpungeAsync(big.Id);
        await AppendAsync(big.Id, 3);
        await _store.MoveAsync(big.Id, [uids[8], uids[9]], other.Id);
        await _store.CopyAsync(other.Id, (await _store.GetMessageFlagsAsync(other.Id)).Take(2).Select(r => r.Uid).ToArray(), big.Id);

        _store.Dispose();
        _store = await OpenAsync();
        var rows = await LoadsAsStoredAsync(big.Id);
        Assert.Equal(20 - 2 - 2 + 3 + 2, rows.Count);
        Assert.Equal(["$Work", "Later"], rows.Single(r => r.Uid == uids[5]).Keywords);
        // Fifteen changed or vanished rows are well within the copy's reach: it stays as it was.
        Assert.Equal(copiedAt, await CopyModSeqAsync(big.Id));
    }

    [Fact]
    public async Task A_large_folder_filled_by_appends_gets_its_copy_a_moment_later_without_a_load()
    {
        _store.Dispose();
        _store = await SqliteStore.OpenAsync(_folder, new StoreOptions { Fsync = false, FolderIndexMessages = Least, IndexDelay = TimeSpan.FromMilliseconds(50) });
        var big = await _store.CreateFolderAsync(_owner, "Big");
        var small = await _store.CreateFolderAsync(_owner, "Small");

        // Three APPENDs take the folder past the size; nobody loads it. A folder that stays below it gets no copy.
        for (var i = 0; i < 3; i++) await AppendAsync(big.Id, Least);
        await AppendAsync(small.Id, Least - 1);
        await _store.CopyRefresh;

        Assert.NotNull(await CopyModSeqAsync(big.Id));
        Assert.Null(await CopyModSeqAsync(small.Id));
        Assert.Equal(3 * Least, (await LoadsAsStoredAsync(big.Id)).Count);
    }

    [Fact]
    public async Task A_load_reads_the_copy_rather_than_the_rows()
    {
        var big = await _store.CreateFolderAsync(_owner, "Big");
        var uids = await AppendAsync(big.Id, 10);
        var stored = await LoadsAsStoredAsync(big.Id);
        await FlushAsync();

        // A copy that says otherwise (the first three only, one of them answered) is believed:
        // nothing changed since it was made, so the rows are not read.
        var altered = stored.Take(3).Select(r => r.Uid == uids[1] ? r with { Flags = MessageFlags.Answered } : r).ToArray();
        await RawAsync("UPDATE folder_index SET rows = @rows WHERE folder_id = @f", ("@rows", FolderIndex.Encode(altered)), ("@f", big.Id));

        var loaded = await _store.GetMessageFlagsAsync(big.Id);
        Assert.Equal(altered.Select(Text), loaded.Select(Text));
    }

    [Fact]
    public async Task A_copy_far_behind_is_written_again_and_one_that_cannot_be_read_is_ignored()
    {
        var big = await _store.CreateFolderAsync(_owner, "Big");
        var uids = await AppendAsync(big.Id, 300);
        await LoadsAsStoredAsync(big.Id);
        var first = await CopyModSeqAsync(big.Id);

        // 300 changed rows: more than 256 and a sixteenth of the folder.
        var result = await _store.StoreFlagsAsync(big.Id, uids, StoreMode.Add, MessageFlags.Flagged);
        await LoadsAsStoredAsync(big.Id);
        await FlushAsync();
        Assert.True(first < result.HighestModSeq);
        Assert.Equal(result.HighestModSeq, await CopyModSeqAsync(big.Id));

        await RawAsync("UPDATE folder_index SET rows = x'01ff' WHERE folder_id = @f", ("@f", big.Id));
        await LoadsAsStoredAsync(big.Id);
    }

    [Fact]
    public async Task A_folder_deleted_renamed_or_made_again_keeps_no_stale_copy()
    {
        var gone = await _store.CreateFolderAsync(_owner, "Gone");
        await AppendAsync(gone.Id, Least);
        await LoadsAsStoredAsync(gone.Id);
        await FlushAsync();
        Assert.NotNull(await CopyModSeqAsync(gone.Id));
        await _store.DeleteFolderAsync(_owner, "Gone");
        Assert.Null(await CopyModSeqAsync(gone.Id));

        // Deleted with a child: its name stays, \Noselect, and its messages go without tombstones.
        var parent = await _store.CreateFolderAsync(_owner, "Parent");
        await _store.CreateFolderAsync(_owner, "Parent/Child");
        await AppendAsync(parent.Id, Least);
        await LoadsAsStoredAsync(parent.Id);
        await FlushAsync();
        await _store.DeleteFolderAsync(_owner, "Parent");
        Assert.Null(await CopyModSeqAsync(parent.Id));
        var again = await _store.CreateFolderAsync(_owner, "Parent");
        Assert.Equal(parent.Id, again.Id);
        Assert.Empty(await LoadsAsStoredAsync(again.Id));
        await AppendAsync(again.Id, 2);
        Assert.Equal(2, (await LoadsAsStoredAsync(again.Id)).Count);

        // INBOX renamed: its messages move out with tombstones; INBOX stays, empty.
        var inbox = (await _store.GetFolderAsync(_owner, "INBOX"))!;
        await AppendAsync(inbox.Id, Least);
        await LoadsAsStoredAsync(inbox.Id);
        await FlushAsync();
        await _store.RenameFolderAsync(_owner, "INBOX", "Old");
        Assert.Empty(await LoadsAsStoredAsync(inbox.Id));
        Assert.Equal(Least, (await LoadsAsStoredAsync((await _store.GetFolderAsync(_owner, "Old"))!.Id)).Count);
    }

    [Fact]
    public async Task Small_folders_and_a_store_with_copies_off_keep_none()
    {
        var small = await _store.CreateFolderAsync(_owner, "Small");
        await AppendAsync(small.Id, Least - 1);
        await LoadsAsStoredAsync(small.Id);
        await FlushAsync();
        Assert.Null(await CopyModSeqAsync(small.Id));

        _store.Dispose();
        _store = await OpenAsync(least: 0);
        var big = await _store.CreateFolderAsync(_owner, "Big");
        await AppendAsync(big.Id, Least * 2);
        await LoadsAsStoredAsync(big.Id);
        await FlushAsync();
        Assert.Null(await CopyModSeqAsync(big.Id));
    }

    private Task<SqliteStore> OpenAsync(int least = Least) =>
        SqliteStore.OpenAsync(_folder, new StoreOptions { Fsync = false, FolderIndexMessages = least });

    private async Task<IReadOnlyList<uint>> AppendAsync(long folderId, int count)
    {
        var messages = Enumerable.Range(0, count).Select(i => new AppendRequest(
            Encoding.UTF8.GetBytes($"Subject: message {i}\r\n\r\nBody {i}.\r\n"),
            i % 3 == 0 ? MessageFlags.Seen : MessageFlags.None,
            i % 4 == 0 ? ["$Label1"] : null)).ToArray();
        return (await _store.AppendAsync(folderId, messages)).Uids;
    }

    /// <summary>Loads the folder and checks that it gives exactly its message rows, in UID order.</summary>
    private async Task<IReadOnlyList<MessageFlagState>> LoadsAsStoredAsync(long folderId)
    {
        var loaded = await _store.GetMessageFlagsAsync(folderId);
        var stored = new List<string>();
        await using (var c = await ConnectAsync())
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT uid, flags, keywords, modseq FROM messages WHERE folder_id = @f ORDER BY uid";
            cmd.Parameters.AddWithValue("@f", folderId);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
                stored.Add($"{r.GetInt64(0)} {r.GetInt64(1)} [{(r.IsDBNull(2) ? "" : r.GetString(2))}] {r.GetInt64(3)}");
        }

        Assert.Equal(stored, loaded.Select(Text));
        return loaded;
    }

    private static string Text(MessageFlagState row) => $"{row.Uid} {(long)row.Flags} [{string.Join(' ', row.Keywords)}] {row.ModSeq}";

    /// <summary>A write through the store's single writer: the copies queued before it are saved when it returns.</summary>
    private Task FlushAsync() => _store.SetSubscribedAsync(_owner, "INBOX", true);

    private async Task<ulong?> CopyModSeqAsync(long folderId)
    {
        await FlushAsync();
        await using var c = await ConnectAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT modseq FROM folder_index WHERE folder_id = @f";
        cmd.Parameters.AddWithValue("@f", folderId);
        return await cmd.ExecuteScalarAsync() is long modSeq ? (ulong)modSeq : null;
    }

    private async Task RawAsync(string sql, params (string Name, object Value)[] args)
    {
        await using var c = await ConnectAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<SqliteConnection> ConnectAsync()
    {
        var c = new SqliteConnection($"Data Source={Path.Combine(_folder, SqliteStore.FileName)};Pooling=False");
        await c.OpenAsync();
        return c;
    }
}
