using System.Text;
using AkkaImap.Storage.Sqlite;

namespace AkkaImap.Storage.Tests;

/// <summary>
/// The store's callers are actors whose threads must not block: reads, PBKDF2 and MIME analysis
/// run on the store's reader threads. With one reader held busy, each of these calls returns at
/// once and waits for that reader, even behind a plain write queued after it that has
/// already committed (had the caller done the preparation, its write would have been queued
/// first and committed first).
/// </summary>
public sealed class SqliteCallerThreadTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkaimap-store-tests", Guid.NewGuid().ToString("N"));
    private readonly ManualResetEventSlim _release = new();
    private SqliteStore _store = null!;
    private Account _alice = null!;
    private FolderInfo _inbox = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteStore.OpenAsync(_folder, new StoreOptions { Fsync = false, Readers = 1 });
        await _store.AddPostOfficeAsync("example.com", publicFolders: false);
        _alice = await _store.AddAccountAsync("alice@example.com", "pw");
        _inbox = (await _store.GetFolderAsync(_alice.Owner, "INBOX"))!;
    }

    public async Task DisposeAsync()
    {
        _release.Set();
        await _store.DisposeAsync();
        _release.Dispose();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* best effort: temp folder */ }
    }

    [Fact]
    public async Task Append_analyses_mime_on_a_reader_thread()
    {
        var busy = await HoldTheOnlyReaderAsync();

        var append = _store.AppendAsync(_inbox.Id, [new AppendRequest(Encoding.UTF8.GetBytes("Subject: hi\r\n\r\nhello\r\n"))]);
        await _store.SetSubscribedAsync(_alice.Owner, "Sent", false);

        Assert.False(append.IsCompleted);
        _release.Set();
        await busy;
        Assert.Equal([1u], (await append.WaitAsync(Bound)).Uids);
    }

    [Fact]
    public async Task Adding_an_account_and_setting_a_password_hash_on_a_reader_thread()
    {
        var busy = await HoldTheOnlyReaderAsync();

        var add = _store.AddAccountAsync("bob@example.com", "bob-pw");
        var passwd = _store.SetPasswordAsync("alice@example.com", "new-pw");
        await _store.SetSubscribedAsync(_alice.Owner, "Sent", false);

        Assert.False(add.IsCompleted);
        Assert.False(passwd.IsCompleted);
        _release.Set();
        await busy;
        Assert.Equal("bob@example.com", (await add.WaitAsync(Bound)).Login);
        Assert.True(await passwd.WaitAsync(Bound));
        Assert.NotNull(await _store.VerifyPasswordAsync("alice@example.com", "new-pw"));
    }

    [Fact]
    public async Task Verifying_a_password_waits_for_a_reader_thread()
    {
        var busy = await HoldTheOnlyReaderAsync();

        var verify = _store.VerifyPasswordAsync("alice@example.com", "pw");
        var read = _store.GetFolderAsync(_inbox.Id);
        await _store.SetSubscribedAsync(_alice.Owner, "Sent", false);

        Assert.False(verify.IsCompleted);
        Assert.False(read.IsCompleted);
        _release.Set();
        await busy;
        Assert.Equal(_alice.Id, (await verify.WaitAsync(Bound))?.Id);
        Assert.Equal(_inbox.Id, (await read.WaitAsync(Bound))?.Id);
    }

    private async Task<Task<bool>> HoldTheOnlyReaderAsync()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var busy = _store.OnReaderThreadAsync(() =>
        {
            started.SetResult();
            return _release.Wait(Bound);
        });
        await started.Task.WaitAsync(Bound);
        return busy;
    }
}
