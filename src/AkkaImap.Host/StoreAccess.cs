using AkkaImap.Server.Configuration;
using AkkaImap.Storage;
using AkkaImap.Storage.Sqlite;

namespace AkkaImap.Host;

/// <summary>Opens the store that <c>akka-imap.storage</c> names, turning failures into one operator line.</summary>
internal static class StoreAccess
{
    public static async Task<SqliteStore> OpenAsync(StorageSettings storage, CancellationToken ct)
    {
        if (storage.Provider != "sqlite")
        {
            throw new OperatorException($"akka-imap.storage.provider: {storage.Provider} is not available yet; use sqlite");
        }

        DataFolder.Prepare(storage.Path);
        try
        {
            return await SqliteStore.OpenAsync(storage.Path, new StoreOptions
            {
                Fsync = storage.Fsync, MaxBatch = storage.WriteBatch, Readers = storage.Readers, ChangeRetention = storage.ChangeRetention,
            }, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OperatorException)
        {
            throw new OperatorException($"cannot open the store in {storage.Path} (akka-imap.storage.path): {ex.Message.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>Maps the store's refusals to the line the operator reads.</summary>
    public static async Task<T> Run<T>(Func<Task<T>> work, Func<StoreException, string> describe)
    {
        try
        {
            return await work();
        }
        catch (StoreException ex)
        {
            throw new OperatorException(describe(ex));
        }
    }
}
