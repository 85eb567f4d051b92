using System.CommandLine;
using AkkaImap.Server.Configuration;
using AkkaImap.Storage;
using AkkaImap.Storage.Sqlite;

namespace AkkaImap.Host.Cli;

/// <summary>
/// <c>akkaimap backup FILE</c> and <c>akkaimap restore FILE</c>: a consistent copy of the embedded
/// store, taken while <c>serve</c> runs (<see cref="SqliteBackup"/>), and an empty data folder
/// filled from one. A PostgreSQL store is backed up with PostgreSQL's own tools (README, Backup).
/// </summary>
internal static class BackupCommands
{
    public static Command Backup()
    {
        var file = new Argument<string>("FILE") { Description = "The backup file to write (must not exist yet)" };
        var command = new Command("backup", "Copy the embedded store to one file, consistently, while serve runs or not") { file };
        command.SetAction((parsed, ct) =>
        {
            var storage = AkkaImapCli.LoadConfig(parsed).Settings.Storage;
            RefusePostgres(storage, "pg_dump -Fc -f FILE DBNAME");
            var path = parsed.GetRequiredValue(file);
            if (File.Exists(path) || Directory.Exists(path))
                throw new OperatorException($"{path} exists; name a new backup file (a backup never overwrites one)");
            if (SqliteStore.ReadSchemaVersionOrZero(storage.Path) == 0)
                throw new OperatorException($"there is no store in {storage.Path} (akka-imap.storage.path) to back up");
            try
            {
                var summary = SqliteBackup.Backup(storage.Path, path);
                Console.WriteLine($"backed up {summary.Messages} message{(summary.Messages == 1 ? "" : "s")} ({Size(summary.Bytes)}) from {storage.Path} to {path}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                throw new OperatorException($"cannot back up to {path}: {ex.Message.ReplaceLineEndings(" ")}");
            }
            return Task.FromResult(0);
        });
        return command;
    }

    public static Command Restore()
    {
        var file = new Argument<string>("FILE") { Description = "A file written by akkaimap backup" };
        var command = new Command("restore", "Fill an empty data folder (akka-imap.storage.path) from a backup") { file };
        command.SetAction(async (parsed, ct) =>
        {
            var storage = AkkaImapCli.LoadConfig(parsed).Settings.Storage;
            RefusePostgres(storage, "pg_restore -d DBNAME FILE");
            var path = parsed.GetRequiredValue(file);
            if (!File.Exists(path)) throw new OperatorException($"{path} does not exist; name a file written by akkaimap backup");
            if (Directory.Exists(storage.Path) && Directory.EnumerateFileSystemEntries(storage.Path).Any())
                throw new OperatorException($"the data folder {storage.Path} is not empty; restore fills an empty one only: point akka-imap.storage.path at a new folder");
            BackupSummary summary;
            try
            {
                summary = SqliteBackup.Describe(path);
                DataFolder.Prepare(storage.Path);
                summary = SqliteBackup.Restore(path, storage.Path);
            }
            catch (InvalidDataException ex)
            {
                throw new OperatorException(ex.Message);
            }
            catch (StoreVersionException ex)
            {
                throw new OperatorException($"{path} has schema version {ex.Found}, newer than this AkkaImap knows ({ex.Known}): restore it with a newer AkkaImap");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                throw new OperatorException($"cannot restore into {storage.Path}: {ex.Message.ReplaceLineEndings(" ")}");
            }
            // Opening migrates a backup taken by an older AkkaImap, as serve would.
            await using (await StoreAccess.OpenAsync(storage, ct)) { }
            Console.WriteLine($"restored {summary.Messages} message{(summary.Messages == 1 ? "" : "s")} ({Size(summary.Bytes)}) from {path} into {storage.Path}");
            return 0;
        });
        return command;
    }

    private static void RefusePostgres(StorageSettings storage, string tool)
    {
        if (storage.Provider == "postgresql")
            throw new OperatorException($"the store is PostgreSQL: back it up and restore it with PostgreSQL's tools ({tool}; see README, Backup)");
    }

    private static string Size(long bytes) => bytes >= 1 << 20 ? $"{bytes / (1024.0 * 1024):0.0} MB" : $"{bytes / 1024.0:0.0} KB";
}
