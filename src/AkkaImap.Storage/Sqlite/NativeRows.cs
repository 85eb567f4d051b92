using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace AkkaImap.Storage.Sqlite;

/// <summary>
/// A query whose many rows are read straight from SQLite's C API, for the bulk reads that load a
/// whole folder (100,000 rows when a large folder is first selected) or the headers of a FETCH's
/// piece (hundreds of messages). Microsoft.Data.Sqlite
/// reaches SQLite through SQLitePCL's <see cref="SafeHandle"/>s, which take and release a
/// reference around every call, one per step and one per column value: with SQLite's own mutex,
/// two thirds of the CPU of such a load went there (bench/README.md, issue 17). Here the statement
/// is prepared and bound through SQLitePCL as usual, its handle is referenced once for the whole
/// read, and the per-row calls go to the same native library without a handle to count. Use it
/// like a reader: on the connection's own thread, disposed before the connection is used again.
/// </summary>
internal sealed partial class NativeRows : IDisposable
{
    private const int Row = 100;
    private const int Done = 101;
    private const int NullType = 5;

    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;
    private readonly nint _handle;
    private bool _referenced;

    /// <summary>Prepares <paramref name="sql"/> and binds each named parameter, an integer or a text.</summary>
    public NativeRows(SqliteConnection connection, string sql, params (string Name, object Value)[] args)
    {
        _connection = connection;
        Check(raw.sqlite3_prepare_v2(connection.Handle, sql, out _statement));
        foreach (var (name, value) in args)
        {
            var index = raw.sqlite3_bind_parameter_index(_statement, name);
            Check(value switch
            {
                long number => raw.sqlite3_bind_int64(_statement, index, number),
                string text => raw.sqlite3_bind_text(_statement, index, text),
                _ => throw new ArgumentException($"parameter {name}: an integer or a text", nameof(args)),
            });
        }

        _statement.DangerousAddRef(ref _referenced);
        _handle = _statement.DangerousGetHandle();
    }

    /// <summary>Moves to the next row; false after the last.</summary>
    public bool Read()
    {
        var rc = sqlite3_step(_handle);
        if (rc == Row) return true;
        if (rc == Done) return false;
        Check(rc);
        return false;
    }

    public long Int64(int column) => sqlite3_column_int64(_handle, column);

    /// <summary>The column as text, or null when it is NULL.</summary>
    public unsafe string? Text(int column)
    {
        if (sqlite3_column_type(_handle, column) == NullType) return null;
        var text = sqlite3_column_text(_handle, column);
        return Encoding.UTF8.GetString((byte*)text, sqlite3_column_bytes(_handle, column));
    }

    /// <summary>
    /// The column's bytes where SQLite holds them, without a copy: valid until the next
    /// <see cref="Read"/> or <see cref="Dispose"/>. Empty for NULL and for a zero-length value.
    /// </summary>
    public unsafe ReadOnlySpan<byte> BlobSpan(int column)
    {
        var data = sqlite3_column_blob(_handle, column);
        var length = sqlite3_column_bytes(_handle, column);
        return data == 0 ? [] : new ReadOnlySpan<byte>((byte*)data, length);
    }

    public void Dispose()
    {
        if (_referenced)
        {
            _statement.DangerousRelease();
            _referenced = false;
        }

        _statement.Dispose();
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(_connection.Handle).utf8_to_string(), rc);
        }
    }

    [LibraryImport("e_sqlite3")]
    private static partial int sqlite3_step(nint statement);

    [LibraryImport("e_sqlite3")]
    private static partial long sqlite3_column_int64(nint statement, int column);

    [LibraryImport("e_sqlite3")]
    private static partial int sqlite3_column_type(nint statement, int column);

    [LibraryImport("e_sqlite3")]
    private static partial nint sqlite3_column_text(nint statement, int column);

    [LibraryImport("e_sqlite3")]
    private static partial nint sqlite3_column_blob(nint statement, int column);

    [LibraryImport("e_sqlite3")]
    private static partial int sqlite3_column_bytes(nint statement, int column);
}
