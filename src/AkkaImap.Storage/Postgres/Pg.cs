using Npgsql;
using NpgsqlTypes;

namespace AkkaImap.Storage.Postgres;

/// <summary>
/// Small async helpers so every statement is parameterised (folder names are data, never SQL).
/// Npgsql prepares statements used often on its own (<c>Max Auto Prepare</c>, set by the store).
/// </summary>
internal static class Pg
{
    /// <summary>A null of a known type: PostgreSQL cannot always infer the type of an untyped null.</summary>
    public readonly record struct TypedNull(NpgsqlDbType Type);

    public static readonly TypedNull NullBigint = new(NpgsqlDbType.Bigint);
    public static readonly TypedNull NullBytea = new(NpgsqlDbType.Bytea);
    public static readonly TypedNull NullText = new(NpgsqlDbType.Text);
    public static readonly TypedNull NullBigintArray = new(NpgsqlDbType.Array | NpgsqlDbType.Bigint);

    /// <summary>A bigint parameter that may be null.</summary>
    public static object Big(long? value) => value is { } v ? v : NullBigint;
    public static object Bytes(byte[]? value) => value is { } v ? v : NullBytea;
    public static object Text(string? value) => value is { } v ? v : NullText;

    /// <summary>UIDs as a bigint[] parameter (<c>uid = ANY(@uids)</c>).</summary>
    public static long[] Uids(IReadOnlyCollection<uint>? uids)
    {
        if (uids is null) return [];
        var array = new long[uids.Count];
        var i = 0;
        foreach (var uid in uids) array[i++] = uid;
        return array;
    }

    public static NpgsqlCommand Command(this NpgsqlConnection c, string sql, params (string Name, object? Value)[] args)
    {
        var cmd = new NpgsqlCommand(sql, c);
        foreach (var (name, value) in args)
        {
            var parameter = Parameter(value);
            parameter.ParameterName = name;
            cmd.Parameters.Add(parameter);
        }
        return cmd;
    }

    /// <summary>A parameter for <paramref name="value"/>: a <see cref="TypedNull"/> is a typed NULL, a ready parameter is taken as it is.</summary>
    public static NpgsqlParameter Parameter(object? value) => value switch
    {
        null => new NpgsqlParameter { Value = DBNull.Value },
        TypedNull t => new NpgsqlParameter { NpgsqlDbType = t.Type, Value = DBNull.Value },
        NpgsqlParameter ready => ready,
        _ => new NpgsqlParameter { Value = value },
    };

    public static async Task<int> ExecAsync(this NpgsqlConnection c, string sql, params (string Name, object? Value)[] args)
    {
        await using var cmd = c.Command(sql, args);
        return await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>The first column of the first row; default when no row or NULL.</summary>
    public static async Task<T?> ScalarAsync<T>(this NpgsqlConnection c, string sql, params (string Name, object? Value)[] args)
    {
        await using var cmd = c.Command(sql, args);
        var value = await cmd.ExecuteScalarAsync().ConfigureAwait(false);
        if (value is null or DBNull) return default;
        return (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every row, mapped by <paramref name="map"/>.</summary>
    public static async Task<List<T>> ListAsync<T>(this NpgsqlConnection c, string sql, Func<NpgsqlDataReader, T> map, params (string Name, object? Value)[] args)
    {
        await using var cmd = c.Command(sql, args);
        await using var r = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
        var list = new List<T>();
        while (await r.ReadAsync().ConfigureAwait(false)) list.Add(map(r));
        return list;
    }

    public static async Task<List<long>> IdsAsync(this NpgsqlConnection c, string sql, params (string Name, object? Value)[] args) =>
        await c.ListAsync(sql, r => r.GetInt64(0), args).ConfigureAwait(false);

    public static async Task<List<uint>> UidListAsync(this NpgsqlConnection c, string sql, params (string Name, object? Value)[] args) =>
        await c.ListAsync(sql, r => (uint)r.GetInt64(0), args).ConfigureAwait(false);

    /// <summary>Deadlock or serialization failure: the statement may simply be run again.</summary>
    public static bool IsRetryable(Exception e) => e is PostgresException { SqlState: "40P01" or "40001" };
}
