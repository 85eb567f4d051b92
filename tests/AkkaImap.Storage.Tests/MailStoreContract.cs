using System.Text;

namespace AkkaImap.Storage.Tests;

/// <summary>
/// Behaviour every store must have. A concrete class supplies how to open a store on a data
/// folder and a few introspection hooks; all tests run against real files in a temp folder.
/// </summary>
public abstract partial class MailStoreContract : IAsyncLifetime
{
    private readonly List<IStore> _opened = [];

    protected string DataFolder { get; } = Path.Combine(Path.GetTempPath(), "akkaimap-store-tests", Guid.NewGuid().ToString("N"));
    protected IStore Store { get; private set; } = null!;

    /// <summary>Opens (creating when needed) the store kept in <paramref name="dataFolder"/>, with the full-text index kept up or not.</summary>
    protected abstract Task<IStore> OpenStoreAsync(string dataFolder, bool fullTextIndex = true);
    /// <summary>How many message bodies the store holds (copies share one).</summary>
    protected abstract Task<long> CountBlobsAsync(IStore store);
    /// <summary>How many write transactions the store has committed.</summary>
    protected abstract long CommitCount(IStore store);
    /// <summary>The files holding the store's data (to look for plaintext secrets).</summary>
    protected abstract IEnumerable<string> StoreFiles(string dataFolder);
    /// <summary>Takes the closed store on <see cref="DataFolder"/> back to its schema from before blobs had a sent date, keeping what it holds.</summary>
    protected abstract Task RollBackToBeforeTheSentDateAsync();
    /// <summary>Moves a folder's UIDNEXT forward as another program would (as a long-lived folder's would have gone).</summary>
    protected abstract Task SetUidNextAsync(long folderId, uint uidNext);
    /// <summary>Takes the (closed) store back to the schema before the folders' counts (SQLite 13, PostgreSQL 10).</summary>
    protected abstract Task RollBackToBeforeTheCountsAsync();

    public async Task InitializeAsync() => Store = await OpenAsync();

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _opened) await store.DisposeAsync();
        try { Directory.Delete(DataFolder, recursive: true); }
        catch (IOException) { /* best effort: temp folder */ }
    }

    /// <summary>A second, independent store on the same folder (as the CLI beside <c>serve</c>).</summary>
    protected async Task<IStore> OpenAsync(bool fullTextIndex = true)
    {
        var store = await OpenStoreAsync(DataFolder, fullTextIndex);
        _opened.Add(store);
        return store;
    }

    protected async Task ReopenAsync(bool fullTextIndex = true)
    {
        await Store.DisposeAsync();
        Store = await OpenAsync(fullTextIndex);
    }

    protected async Task<Account> NewAccountAsync(string login = "alice@example.com", string password = "correct horse")
    {
        var po = login[(login.IndexOf('@') + 1)..];
        if (await Store.FindPostOfficeAsync(po) is null) await Store.AddPostOfficeAsync(po, publicFolders: false);
        return await Store.AddAccountAsync(login, password);
    }

    protected async Task<FolderInfo> FolderAsync(Account account, string name) =>
        await Store.GetFolderAsync(account.Owner, name) ?? throw new InvalidOperationException($"no folder {name}");

    protected async Task<IReadOnlyList<uint>> AppendAsync(long folderId, params string[] messages) =>
        (await Store.AppendAsync(folderId, messages.Select(m => new AppendRequest(Encoding.UTF8.GetBytes(m))).ToArray())).Uids;

    protected static string Simple(string subject, string body = "Hello there.") =>
        $"From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nSubject: {subject}\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\n\r\n{body}\r\n";
}
