using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace AkkaImap.Server.Configuration;

/// <summary>
/// Reads scalar and list values under one HOCON root, parsing them itself so that every bad value
/// gives one line naming the full key. Remembers which keys were read so that a misspelt key in the
/// operator's file is reported rather than silently ignored.
/// </summary>
internal sealed class HoconReader(Config config, string root)
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public string Key(string relative) => $"{root}.{relative}";

    public SettingsException Error(string relative, string expected, string? got) =>
        new(got is null
            ? $"{Key(relative)}: {expected}"
            : $"{Key(relative)}: {expected}, got {Quote(got)}");

    /// <summary>The scalar text of a key, or null when it is absent or an empty string.</summary>
    public string? Scalar(string relative)
    {
        var value = Value(relative);
        if (value is null)
        {
            return null;
        }

        if (value.IsObject() || value.IsArray())
        {
            throw Error(relative, "expected a single value, not a list or a block", null);
        }

        var text = value.GetString()?.Trim();
        return string.IsNullOrEmpty(text) ? null : text;
    }

    /// <summary>The items of a list key (a single string counts as a one-item list), or null when absent.</summary>
    public IReadOnlyList<string>? List(string relative)
    {
        var value = Value(relative);
        if (value is null)
        {
            return null;
        }

        if (value.IsObject())
        {
            throw Error(relative, "expected a list such as [\"a\", \"b\"], not a block", null);
        }

        if (!value.IsArray())
        {
            var single = value.GetString()?.Trim();
            return string.IsNullOrEmpty(single) ? [] : [single];
        }

        var items = new List<string>();
        foreach (var item in value.GetArray())
        {
            if (item.IsObject() || item.IsArray())
            {
                throw Error(relative, "expected a list of plain values", null);
            }

            items.Add(item.GetString()?.Trim() ?? string.Empty);
        }

        return items;
    }

    /// <summary>
    /// The first leaf key under the root that no reader asked for (a typo in the operator's file),
    /// or a plain value where a block belongs (<c>tls = off</c>); null when there is none.
    /// </summary>
    public SettingsException? FirstUnknownKey()
    {
        HoconValue? top;
        try
        {
            top = config.GetValue(root);
        }
        catch (Exception)
        {
            return null;
        }

        if (top is null || top.IsEmpty)
        {
            return null;
        }

        if (!top.IsObject())
        {
            return new SettingsException($"{root}: expected a block such as {root} {{ port = 143 }}, not a plain value");
        }

        foreach (var leaf in Leaves(string.Empty, top))
        {
            if (_known.Contains(leaf))
            {
                continue;
            }

            return _known.Any(k => k.StartsWith(leaf + ".", StringComparison.Ordinal))
                ? Error(leaf, $"expected a block such as {leaf.Split('.')[^1]} {{ ... }}, not a plain value", null)
                : Error(leaf, "unknown setting; check its spelling against reference.conf (akkaimap config check lists every key)", null);
        }

        return null;
    }

    private static IEnumerable<string> Leaves(string prefix, HoconValue value)
    {
        if (!value.IsObject())
        {
            yield return prefix;
            yield break;
        }

        foreach (var (name, child) in value.GetObject().Items)
        {
            foreach (var leaf in Leaves(prefix.Length == 0 ? name : $"{prefix}.{name}", child))
            {
                yield return leaf;
            }
        }
    }

    private HoconValue? Value(string relative)
    {
        _known.Add(relative);
        try
        {
            var value = config.GetValue(Key(relative));
            return value is null || value.IsEmpty ? null : value;
        }
        catch (Exception ex) when (ex is not SettingsException)
        {
            // A parent key set to a plain value (e.g. `tls = off`) makes the path unreadable.
            throw Error(relative, "cannot be read; is one of its parent keys set to a plain value?", null);
        }
    }

    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\r", "\\r").Replace("\n", "\\n") + "\"";
}
