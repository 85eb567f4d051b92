using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Sqlite;

// The directory's change feed (IChangeFeed): rows written beside each change, a signal file that
// wakes the watchers of every process on the same data folder.
public sealed partial class SqliteStore
{
    /// <summary>
    /// The folder of the signal file, inside the data folder. A folder of its own so that the
    /// watch (inotify watches a directory) is not woken by every write to the database and its WAL.
    /// </summary>
    public const string SignalFolderName = "watch";

    /// <summary>Written (one byte) after every commit that wrote change rows, by whichever process made it.</summary>
    public const string SignalFileName = "changes.signal";

    private const string ChangeColumns = "id, kind, account_id, post_office_id, folder_id, time";

    /// <summary>Set on the writer thread when an operation of the current transaction wrote a change row.</summary>
    private bool _changesWritten;

    /// <summary>Full path of the signal file.</summary>
    public string SignalPath => Path.Combine(Path.GetDirectoryName(DatabasePath)!, SignalFolderName, SignalFileName);

    public Task<long> GetLatestChangeIdAsync(CancellationToken ct = default) =>
        // AUTOINCREMENT keeps the highest id ever given in sqlite_sequence, also once rows are trimmed.
        Read(c => c.Scalar<long>("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)"), ct);

    public Task<IReadOnlyList<DirectoryChange>> GetChangesSinceAsync(long afterId, int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return Read<IReadOnlyList<DirectoryChange>>(c =>
        {
            using var cmd = c.Cmd($"SELECT {ChangeColumns} FROM changes WHERE id > @id ORDER BY id LIMIT @n", ("@id", afterId), ("@n", limit));
            using var r = cmd.ExecuteReader();
            var changes = new List<DirectoryChange>();
            while (r.Read())
            {
                changes.Add(new DirectoryChange(r.GetInt64(0), (DirectoryChangeKind)r.GetInt32(1),
                    r.IsDBNull(2) ? null : r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3), r.IsDBNull(4) ? null : r.GetInt64(4),
                    Db.FromMs(r.GetInt64(5))));
            }
            return changes;
        }, ct);
    }

    /// <summary>
    /// Watches the signal file with a <see cref="FileSystemWatcher"/>: on Linux an inotify watch on
    /// <see cref="SignalFolderName"/>, read by a thread that blocks in the kernel until a process
    /// writes the file (no polling, no timer: an idle server does not wake up for it).
    /// </summary>
    public IDisposable Watch(Action onSignal, Action<Exception>? onError = null)
    {
        ArgumentNullException.ThrowIfNull(onSignal);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var watcher = new FileSystemWatcher(Path.GetDirectoryName(SignalPath)!, SignalFileName)
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
            IncludeSubdirectories = false,
        };
        watcher.Changed += (_, _) => onSignal();
        watcher.Created += (_, _) => onSignal();
        watcher.Error += (_, e) =>
        {
            // An overflowed or lost watch may have swallowed signals: say so, then have the feed read.
            onError?.Invoke(e.GetException());
            onSignal();
        };
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    public Task RecordMailAddedAsync(long accountId, long postOfficeId, long folderId, CancellationToken ct = default) =>
        Write(c =>
        {
            RecordChange(c, DirectoryChangeKind.MailAdded, accountId, postOfficeId, folderId);
            return true;
        }, ct);

    /// <summary>
    /// Writes one change row inside the running write operation (so in the change's own
    /// transaction), first trimming rows older than <see cref="StoreOptions.ChangeRetention"/>.
    /// The oldest row is found through the primary key; the scan that deletes only runs when there
    /// is something to delete, so a bulk import does not rescan the table per row.
    /// </summary>
    private void RecordChange(SqliteConnection c, DirectoryChangeKind kind, long? accountId = null, long? postOfficeId = null, long? folderId = null)
    {
        var now = Db.NowMs();
        var retention = (long)Math.Min(_options.ChangeRetention.TotalMilliseconds, now);
        var cutoff = now - retention;
        if (c.Scalar<long?>("SELECT time FROM changes ORDER BY id LIMIT 1") is { } oldest && oldest < cutoff)
        {
            c.Exec("DELETE FROM changes WHERE time < @t", ("@t", cutoff));
        }
        c.Exec("INSERT INTO changes(kind, account_id, post_office_id, folder_id, time) VALUES (@k, @a, @p, @f, @t)",
            ("@k", (int)kind), ("@a", accountId), ("@p", postOfficeId), ("@f", folderId), ("@t", now));
        _changesWritten = true;
    }

    /// <summary>
    /// After each write transaction (writer thread): when it committed change rows, wake the
    /// watchers. Before the callers are completed, so a CLI command has signalled before it exits.
    /// </summary>
    private void OnBatchEnded(bool committed)
    {
        // An index pass is alone in its transaction: what it took is done, or is to be done again.
        if (committed) _passTaken.Clear();
        else GiveBackPass();
        if (!_changesWritten)
        {
            return;
        }
        _changesWritten = false;
        if (committed)
        {
            Signal();
        }
    }

    private void Signal()
    {
        try
        {
            // One byte written in place: inotify reports IN_MODIFY; the content does not matter.
            using var file = new FileStream(SignalPath, SignalFileOptions());
            file.WriteByte((byte)'\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The change itself is committed. Watchers miss this wake-up only; the next change's
            // signal makes them read everything since the last id they saw, this one included.
        }
    }

    private static FileStreamOptions SignalFileOptions()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        return options;
    }

    private static void CreateSignalFolder(string dataFolder) => CreatePrivateFolder(Path.Combine(dataFolder, SignalFolderName));
}
