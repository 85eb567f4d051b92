using AkkaImap.Server.Configuration;
using AkkaImap.Storage;
using AkkaImap.Storage.Postgres;
using AkkaImap.Storage.Sqlite;

namespace AkkaImap.Host;

/// <summary>
/// Opens the store that <c>akka-imap.storage</c> names (SQLite in the data folder, or PostgreSQL),
/// migrating its schema to this build's version, and turns failures into one operator line.
/// </summary>
internal static class StoreAccess
{
    /// <param name="serving">For <c>serve</c>: the store checks owner leases on every write (<see cref="StoreOptions.OwnerLeases"/>).</param>
    public static async Task<IStore> OpenAsync(StorageSettings storage, CancellationToken ct, bool serving = false)
    {
        // The data folder holds the self-signed certificate and the serve lock with either store.
        DataFolder.Prepare(storage.Path);
        var options = new StoreOptions
        {
            Fsync = storage.Fsync, MaxBatch = storage.WriteBatch, Readers = storage.Readers, ChangeRetention = storage.ChangeRetention,
            PoolSize = storage.PostgresPoolSize, Writers = storage.PostgresWriters, FullTextIndex = storage.FullTextIndex,
            FolderIndexMessages = storage.SqliteFolderIndexMessages, ReaderCacheBytes = storage.SqliteReaderCache,
            // Admin commands (import) index in the append: a process that exits soon after would
            // leave its bodies for serve to parse again.
            IndexDelay = !serving ? TimeSpan.Zero : storage.Provider == "postgresql" ? storage.PostgresIndexDelay : storage.SqliteIndexDelay,
            OwnerLeases = serving,
        };
        try
        {
            return storage.Provider == "postgresql"
                ? await PostgresStore.OpenAsync(storage.PostgresConnectionString!, options, ct)
                : await SqliteStore.OpenAsync(storage.Path, options, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OperatorException)
        {
            throw new OperatorException(Describe(storage, ex));
        }
    }

    /// <summary>
    /// <c>akkaimap store migrate</c>: the schema version found and the one it is now (opening the
    /// store migrates it, as serve does at start).
    /// </summary>
    public static async Task<(int Before, int After)> MigrateAsync(StorageSettings storage, CancellationToken ct)
    {
        int before;
        try
        {
            before = storage.Provider == "postgresql"
                ? (await PostgresStore.ReadSchemaVersionAsync(storage.PostgresConnectionString!, ct)).Found
                : SqliteStore.ReadSchemaVersion(storage.Path);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new OperatorException(Describe(storage, ex));
        }
        await using var store = await OpenAsync(storage, ct);
        return (before, storage.Provider == "postgresql" ? PostgresStore.SchemaVersion : SqliteStore.SchemaVersion);
    }

    private static string Describe(StorageSettings storage, Exception ex)
    {
        var where = storage.Provider == "postgresql"
            ? "the PostgreSQL store (akka-imap.storage.postgresql.connection-string)"
            : $"the store in {storage.Path} (akka-imap.storage.path)";
        return ex is StoreVersionException newer
            ? $"{where} has schema version {newer.Found}, newer than this AkkaImap knows ({newer.Known}): run a newer AkkaImap"
            : $"cannot open {where}: {ex.Message.ReplaceLineEndings(" ")}";
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
