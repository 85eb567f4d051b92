namespace AkkaImap.Storage;

/// <summary>
/// The one entry object a host opens: directory plus mail. <see cref="Sqlite.SqliteStore"/> is
/// the embedded implementation; a PostgreSQL store implements the same interface later.
/// </summary>
public interface IStore : IDirectoryStore, IMailStore, IPublicFolderStore, IChangeFeed, IAsyncDisposable;
