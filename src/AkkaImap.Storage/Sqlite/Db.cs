using Microsoft.Data.Sqlite;

namespace AkkaImap.Storage.Sqlite;

/// <summary>Small helpers so every statement is parameterised (folder names are data, never SQL).</summary>
internal static class Db
{
    public static SqliteCommand Cmd(this SqliteConnection c, string sql, params (string Name, object? Value)[] args)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
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

    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>A random RFC 8474 object id: a letter then 24 hex digits (only [A-Za-z0-9_-] allowed).</summary>
    public static string NewObjectId(char prefix) =>
        prefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
}
