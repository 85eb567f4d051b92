using Microsoft.Data.Sqlite;
using Npgsql;

namespace AkkaImap.Storage;

/// <summary>
/// Tells a full disk from other failures, wherever it shows: SQLite's SQLITE_FULL (13; SQLite
/// turns ENOSPC from a write into it), PostgreSQL's disk_full (SQLSTATE 53100), or an
/// <see cref="IOException"/> from a file the server writes itself whose error is ENOSPC (28) or
/// EDQUOT (122) on Linux, ERROR_DISK_FULL or ERROR_HANDLE_DISK_FULL on Windows.
/// </summary>
public static class StorageFull
{
    public const string Message = "The mail store's disk is full, try again later";

    private const int SqliteFull = 13;
    private const int Enospc = 28;
    private const int Edquot = 122;
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);

    /// <summary>True when <paramref name="error"/>, or an exception inside it, says the disk is full.</summary>
    public static bool IsCause(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StoreException { Error: StoreError.StorageFull }:
                case SqliteException { SqliteErrorCode: SqliteFull }:
                case PostgresException { SqlState: PostgresErrorCodes.DiskFull }:
                case IOException { HResult: Enospc or Edquot or WindowsDiskFull or WindowsHandleDiskFull }:
                    return true;
                case AggregateException { InnerExceptions.Count: > 1 } many:
                    return many.InnerExceptions.Any(IsCause);
            }
        }

        return false;
    }

    /// <summary>A full disk as <see cref="StoreException"/> with <see cref="StoreError.StorageFull"/>; anything else unchanged.</summary>
    public static Exception Translate(Exception error) =>
        error is not StoreException && IsCause(error) ? new StoreException(StoreError.StorageFull, Message) : error;
}
