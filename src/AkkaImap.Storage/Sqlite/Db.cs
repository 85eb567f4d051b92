using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Sqlite;

/// <summary>Small helpers so every statement is parameterised (folder names are data, never SQL).</summary>
internal static class Db
{
    /// <summary>Statements kept prepared per connection, at most this many each.</summary>
    private const int MaxPreparedPerConnection = 128;

    // Microsoft.Data.Sqlite prepares a command's SQL again for every new SqliteCommand; parsing and
    // planning were a fifth of SQLite's time under the mixed benchmark. A connection is used by one
    // thread at a time, so its cache needs no lock.
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Prepared = [];

    /// <summary>
    /// The statement <paramref name="sql"/> on <paramref name="c"/> with these parameters, prepared
    /// once per connection: disposing it returns it to the connection's cache.
    /// </summary>
    public static Statement Cmd(this SqliteConnection c, string sql, params (string Name, object? Value)[] args)
    {
        var cache = Prepared.GetValue(c, _ => new Dictionary<string, SqliteCommand>(StringComparer.Ordinal));
        // Taken out while in use, so a nested use of the same SQL gets a command of its own.
        if (cache.Remove(sql, out var cmd))
        {
            cmd.Parameters.Clear();
        }
        else
        {
            cmd = c.CreateCommand();
            cmd.CommandText = sql;
        }
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return new Statement(cmd, cache);
    }

    /// <summary>A rented prepared command; <see cref="Dispose"/> gives it back.</summary>
    public readonly struct Statement(SqliteCommand command, Dictionary<string, SqliteCommand> cache) : IDisposable
    {
        public SqliteParameterCollection Parameters => command.Parameters;
        public SqliteDataReader ExecuteReader() => command.ExecuteReader();
        public int ExecuteNonQuery() => command.ExecuteNonQuery();
        public object? ExecuteScalar() => command.ExecuteScalar();

        public void Dispose()
        {
            if (cache.Count >= MaxPreparedPerConnection || !cache.TryAdd(command.CommandText, command)) command.Dispose();
        }
    }

    public static int Exec(this SqliteConnection c, string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = c.Cmd(sql, args);
        return cmd.ExecuteNonQuery();
    }

    public static T? Scalar<T>(this SqliteConnection c, string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = c.Cmd(sql, args);
        var value = cmd.ExecuteScalar();
        if (value is null or DBNull) return default;
        return (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Runs <paramref name="sql"/>, a statement on one key named <c>@key</c>, once for each of
    /// <paramref name="keys"/>, and returns the integers its RETURNING clause gives (none without one).
    /// For the writer's deletes by key: <c>key IN (SELECT value FROM json_each(@keys))</c> has
    /// SQLite build a temporary b-tree of the list, with a page cache of its own, on every run (an
    /// EXPUNGE of one message built five; issue 17), where a prepared statement on one key is a lookup.
    /// </summary>
    public static List<long> EachKey(this SqliteConnection c, string sql, IEnumerable<long> keys, params (string Name, object Value)[] args)
    {
        // Straight through SQLite's C API (NativeRows), without a Microsoft.Data.Sqlite reader per key.
        var returned = new List<long>();
        foreach (var key in keys)
        {
            using var r = new NativeRows(c, sql, [("@key", key), .. args]);
            while (r.Read()) returned.Add(r.Int64(0));
        }
        return returned;
    }

    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>A random RFC 8474 object id: a letter then 24 hex digits (only [A-Za-z0-9_-] allowed).</summary>
    public static string NewObjectId(char prefix) =>
        prefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
}
