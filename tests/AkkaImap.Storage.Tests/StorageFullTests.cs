using System.Text;
using AkkaImap.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Tests;

/// <summary>
/// A full disk is a refusal (<see cref="StoreError.StorageFull"/>), not a broken store: the
/// writer refuses the write, keeps everything committed before, and takes the next write once
/// there is room again. SQLite's <c>max_page_count</c> makes its real SQLITE_FULL without a
/// full file system (DiskFullTests in the integration tests fills a real one).
/// </summary>
public sealed class StorageFullTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkaimap-store-tests", Guid.NewGuid().ToString("N"));
    private SqliteStore _store = null!;
    private FolderInfo _inbox = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteStore.OpenAsync(_folder, new StoreOptions { Fsync = false, Readers = 1 });
        await _store.AddPostOfficeAsync("example.com", publicFolders: false);
        var alice = await _store.AddAccountAsync("alice@example.com", "pw");
        _inbox = (await _store.GetFolderAsync(alice.Owner, "INBOX"))!;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* best effort: temp folder */ }
    }

    [Fact]
    public async Task A_full_database_refuses_the_append_keeps_what_was_committed_and_takes_mail_once_there_is_room()
    {
        var pages = long.Parse((await _store.PragmaAsync("page_count"))!);
        // Room for a few messages: each takes its 20 KB and its full-text index rows (the trigrams
        // of 20 KB of random text are several times its size).
        await _store.SetMaxPageCountAsync(pages + 1000);
        var kept = new Dictionary<uint, byte[]>();
        StoreException? refused = null;
        for (int i = 0; i < 1000 && refused is null; i++)
        {
            var content = Message(i);
            try
            {
                var appended = await _store.AppendAsync(_inbox.Id, [new AppendRequest(content)]);
                kept.Add(appended.Uids.Single(), content);
            }
            catch (StoreException e)
            {
                refused = e;
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(StoreError.StorageFull, refused.Error);
        Assert.NotEmpty(kept);

        // The staging path is refused the same way.
        var staging = await Assert.ThrowsAsync<StoreException>(() => _store.StageMessageAsync(Message(999)));
        Assert.Equal(StoreError.StorageFull, staging.Error);

        await _store.SetMaxPageCountAsync(int.MaxValue);
        var after = await _store.AppendAsync(_inbox.Id, [new AppendRequest(Message(1000))]);
        Assert.True(after.Uids.Single() > kept.Keys.Max());
        foreach (var (uid, content) in kept)
        {
            Assert.Equal(content, await _store.ReadMessageAsync(_inbox.Id, uid));
        }
    }

    [Fact]
    public void A_full_disk_is_recognised_however_it_is_reported()
    {
        Assert.True(StorageFull.IsCause(new SqliteException("database or disk is full", 13)));
        Assert.True(StorageFull.IsCause(new IOException("No space left on device", 28)));
        Assert.True(StorageFull.IsCause(new IOException("Disk quota exceeded", 122)));
        Assert.True(StorageFull.IsCause(new InvalidOperationException("wrapped", new IOException("No space left on device", 28))));
        Assert.True(StorageFull.IsCause(new AggregateException(new TimeoutException(), new SqliteException("full", 13))));
        Assert.True(StorageFull.IsCause(new StoreException(StoreError.StorageFull, StorageFull.Message)));
        Assert.True(StorageFull.IsCause(new Npgsql.PostgresException("could not extend file", "ERROR", "ERROR", "53100")));

        Assert.False(StorageFull.IsCause(new SqliteException("database is locked", 5)));
        Assert.False(StorageFull.IsCause(new IOException("Input/output error", 5)));
        Assert.False(StorageFull.IsCause(new Npgsql.PostgresException("deadlock detected", "ERROR", "ERROR", "40P01")));
        Assert.False(StorageFull.IsCause(new StoreException(StoreError.NotFound, "no such folder")));
        Assert.IsType<InvalidOperationException>(StorageFull.Translate(new InvalidOperationException("other")));
        Assert.Equal(StoreError.StorageFull, Assert.IsType<StoreException>(StorageFull.Translate(new SqliteException("full", 13))).Error);
    }

    private static byte[] Message(int n)
    {
        var body = new StringBuilder();
        var random = new Random(n);
        while (body.Length < 20_000)
        {
            body.Append(Convert.ToBase64String(BitConverter.GetBytes(random.NextInt64()))).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes($"Subject: message {n}\r\nMessage-ID: <{n}@full.test>\r\n\r\n{body}");
    }
}
