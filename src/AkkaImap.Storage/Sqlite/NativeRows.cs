using System.Runtime.CompilerServices;
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
/// <para>
/// Statements are kept prepared per connection, as <see cref="Db.Cmd"/> keeps its commands:
/// preparing the SQL again for each use was half of a STORE's time on the writer (the flag rows'
/// query, 108 of 202 us, issue 17). They are finalized when the connection closes.
/// </para>
/// </summary>
internal sealed partial class NativeRows : IDisposable
{
    private const int Row = 100;
    private const int Done = 101;
    private const int NullType = 5;

    /// <summary>Statements kept prepared per connection, at most this many each.</summary>
    private const int MaxPreparedPerConnection = 64;

    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, sqlite3_stmt>> Prepared = [];

    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, sqlite3_stmt> _cache;
    private readonly string _sql;
    private readonly sqlite3_stmt _statement;
    private readonly nint _handle;
    private bool _referenced;

    /// <summary>Prepares <paramref name="sql"/> (or takes it prepared) and binds each named parameter, an integer or a text.</summary>
    public NativeRows(SqliteConnection connection, string sql, params (string Name, object Value)[] args)
    {
        _connection = connection;
        _sql = sql;
        _cache = Prepared.GetValue(connection, Track);
        // Taken out while in use, so that a nested read of the same SQL prepares one of its own.
        if (!_cache.Remove(sql, out var statement))
        {
            var rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out statement);
            if (rc != raw.SQLITE_OK)
            {
                statement.Dispose();
                Check(rc);
            }
        }
        _statement = statement;
        try
        {
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
        }
        catch
        {
            _statement.Dispose();
            throw;
        }

        _statement.DangerousAddRef(ref _referenced);
        _handle = _statement.DangerousGetHandle();
    }

    /// <summary>A connection's cache, emptied (its statements finalized) when the connection closes.</summary>
    private static Dictionary<string, sqlite3_stmt> Track(SqliteConnection connection)
    {
        var cache = new Dictionary<string, sqlite3_stmt>(StringComparer.Ordinal);
        connection.StateChange += (_, change) =>
        {
            if (change.CurrentState != System.Data.ConnectionState.Closed) return;
            foreach (var statement in cache.Values) statement.Dispose();
            cache.Clear();
        };
        return cache;
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

    /// <summary>Ends the read (its snapshot released at once) and gives the statement back to the connection's cache.</summary>
    public void Dispose()
    {
        if (!_referenced) return;
        _statement.DangerousRelease();
        _referenced = false;
        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
        if (_connection.State != System.Data.ConnectionState.Open || _cache.Count >= MaxPreparedPerConnection || !_cache.TryAdd(_sql, _statement))
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
