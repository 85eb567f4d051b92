using System.Text.Json.Serialization;

namespace AkkaImap.Storage.Sqlite;

/// <summary>
/// Keyword sets stored as one space-separated text column (keywords are atoms, RFC 9051 §9
/// flag-keyword, so they cannot contain spaces). Keywords compare case-insensitively; the
/// first spelling seen is kept.
/// </summary>
internal static class Keywords
{
    public static readonly string[] Empty = [];

    public static string? Join(IReadOnlyList<string> keywords) => keywords.Count == 0 ? null : string.Join(' ', keywords);

    public static IReadOnlyList<string> Merge(IReadOnlyList<string> current, IReadOnlyList<string> add)
    {
        if (add.Count == 0) return current;
        var result = new List<string>(current);
        foreach (var k in add)
            if (k.Length > 0 && !result.Contains(k, StringComparer.OrdinalIgnoreCase)) result.Add(k);
        return result.Count == current.Count ? current : result;
    }

    public static IReadOnlyList<string> Remove(IReadOnlyList<string> current, IReadOnlyList<string> remove)
    {
        if (remove.Count == 0 || current.Count == 0) return current;
        var result = current.Where(k => !remove.Contains(k, StringComparer.OrdinalIgnoreCase)).ToArray();
        return result.Length == current.Count ? current : result;
    }

    public static bool SameSet(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.Count == b.Count && a.All(k => b.Contains(k, StringComparer.OrdinalIgnoreCase));

    /// <summary>Parses stored keyword text, sharing one array per distinct text within a read.</summary>
    public sealed class Cache
    {
        private readonly Dictionary<string, string[]> _seen = new(StringComparer.Ordinal);

        public IReadOnlyList<string> Get(string? text)
        {
            if (text is null) return Empty;
            if (!_seen.TryGetValue(text, out var parsed))
            {
                parsed = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                _seen[text] = parsed;
            }
            return parsed;
        }
    }
}

[JsonSerializable(typeof(List<long>))]
[JsonSerializable(typeof(uint[]))]
internal sealed partial class StorageJson : JsonSerializerContext;
