using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Sqlite;

/// <summary>What a backup or restore copied.</summary>
public sealed record BackupSummary(int SchemaVersion, long Messages, long Bytes);

/// <summary>
/// <c>akkaimap backup</c> and <c>restore</c> for the embedded store. Everything the store keeps is
/// in its one database file (messages' bytes are rows of <c>blobs</c>, staged bodies too), so a
/// backup is one SQLite file. It is taken with SQLite's online backup API
/// (<c>sqlite3_backup_step(-1)</c>), which copies every page inside one read transaction: in WAL
/// mode that is a snapshot of the last commit before it began, taken while <c>serve</c> goes on
/// writing (readers never block the writer), so every change acknowledged before the backup began
/// is in it, and no change half-made. The copy is written beside its final name and renamed once
/// complete and synced, so a backup file that exists is whole.
/// </summary>
public static class SqliteBackup
{
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static BackupSummary Backup(string dataFolder, string file)
    {
        var source = Path.GetFullPath(Path.Combine(dataFolder, SqliteStore.FileName));
        if (!File.Exists(source)) throw new FileNotFoundException($"there is no store in {dataFolder}");
        var temp = file + ".partial";
        CreatePrivate(temp);
        try
        {
            using (var from = Open(source, SqliteOpenMode.ReadOnly))
            using (var to = Open(temp, SqliteOpenMode.ReadWrite))
            {
                from.BackupDatabase(to);
                // One self-contained file: the copy's header still says WAL, which would make a -wal beside it.
                to.Exec("PRAGMA journal_mode=DELETE");
            }
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite)) stream.Flush(flushToDisk: true);
            var summary = Describe(temp);
            File.Move(temp, file);
            return summary;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// Fills the empty <paramref name="dataFolder"/> (created by the caller, private) from a backup.
    /// The caller opens the store afterwards, which migrates an older backup's schema.
    /// </summary>
    public static BackupSummary Restore(string file, string dataFolder)
    {
        var summary = Describe(file);
        if (summary.SchemaVersion > SqliteStore.SchemaVersion)
            throw new StoreVersionException(summary.SchemaVersion, SqliteStore.SchemaVersion);
        var target = Path.GetFullPath(Path.Combine(dataFolder, SqliteStore.FileName));
        CreatePrivate(target);
        try
        {
            using var from = Open(file, SqliteOpenMode.ReadOnly);
            using var to = Open(target, SqliteOpenMode.ReadWrite);
            from.BackupDatabase(to);
            to.Exec("PRAGMA journal_mode=WAL");
        }
        catch
        {
            File.Delete(target);
            throw;
        }
        return summary;
    }

    /// <summary>The schema version, messages and bytes of a store file; refuses a file that is not an AkkaImap store.</summary>
    public static BackupSummary Describe(string file)
    {
        try
        {
            using var c = Open(file, SqliteOpenMode.ReadOnly);
            var version = (int)c.Scalar<long>("PRAGMA user_version");
            if (version <= 0 || c.Scalar<long>("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('messages', 'blobs', 'accounts')") != 3)
                throw new InvalidDataException($"{file} is not an AkkaImap store backup");
            return new BackupSummary(version, c.Scalar<long>("SELECT count(*) FROM messages"), c.Scalar<long>("SELECT coalesce(sum(size), 0) FROM messages"));
        }
        catch (SqliteException ex)
        {
            throw new InvalidDataException($"{file} is not an AkkaImap store backup ({ex.Message})");
        }
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, DefaultTimeout = 30 }.ToString());
        c.Open();
        return c;
    }

    /// <summary>A new empty file, 0600 from its first byte (it will hold every mailbox).</summary>
    private static void CreatePrivate(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = PrivateFile;
        using var _ = new FileStream(path, options);
    }
}
