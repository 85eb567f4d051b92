using System.Globalization;

namespace AkkaImap.Server.Configuration;

/// <summary>
/// Parsers and formatters for the value kinds of the settings file. They follow the HOCON spec's
/// duration and size formats (number, optional space, unit) but refuse a bare number for a
/// duration: "idle-timeout = 30" would otherwise silently mean 30 milliseconds.
/// </summary>
public static class SettingValues
{
    private static readonly Dictionary<string, TimeSpan> DurationUnits = new(StringComparer.Ordinal)
    {
        ["ms"] = TimeSpan.FromMilliseconds(1),
        ["millis"] = TimeSpan.FromMilliseconds(1),
        ["millisecond"] = TimeSpan.FromMilliseconds(1),
        ["milliseconds"] = TimeSpan.FromMilliseconds(1),
        ["s"] = TimeSpan.FromSeconds(1),
        ["second"] = TimeSpan.FromSeconds(1),
        ["seconds"] = TimeSpan.FromSeconds(1),
        ["m"] = TimeSpan.FromMinutes(1),
        ["minute"] = TimeSpan.FromMinutes(1),
        ["minutes"] = TimeSpan.FromMinutes(1),
        ["h"] = TimeSpan.FromHours(1),
        ["hour"] = TimeSpan.FromHours(1),
        ["hours"] = TimeSpan.FromHours(1),
        ["d"] = TimeSpan.FromDays(1),
        ["day"] = TimeSpan.FromDays(1),
        ["days"] = TimeSpan.FromDays(1),
    };

    // HOCON spec "Size in bytes format": single letters and the "i" forms are powers of two,
    // "kB"/"MB"/"GB" powers of ten. Case matters only for the power-of-ten forms.
    private static readonly Dictionary<string, long> SizeUnits = new(StringComparer.Ordinal)
    {
        [""] = 1, ["b"] = 1, ["B"] = 1, ["byte"] = 1, ["bytes"] = 1,
        ["k"] = 1L << 10, ["K"] = 1L << 10, ["Ki"] = 1L << 10, ["KiB"] = 1L << 10, ["kB"] = 1000,
        ["m"] = 1L << 20, ["M"] = 1L << 20, ["Mi"] = 1L << 20, ["MiB"] = 1L << 20, ["MB"] = 1000_000,
        ["g"] = 1L << 30, ["G"] = 1L << 30, ["Gi"] = 1L << 30, ["GiB"] = 1L << 30, ["GB"] = 1000_000_000,
    };

    public static bool TryParseBool(string text, out bool value)
    {
        switch (text.ToLowerInvariant())
        {
            case "on" or "true" or "yes":
                value = true;
                return true;
            case "off" or "false" or "no":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = default;
        var (number, unit) = Split(text);
        if (unit.Length == 0 || !DurationUnits.TryGetValue(unit, out var scale)
            || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        var ticks = amount * scale.Ticks;
        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    public static bool TryParseSize(string text, out long value)
    {
        value = default;
        var (number, unit) = Split(text);
        if (!SizeUnits.TryGetValue(unit, out var scale)
            || !long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            || amount > long.MaxValue / scale)
        {
            return false;
        }

        value = amount * scale;
        return true;
    }

    /// <summary>Formats a duration in the largest unit that divides it exactly ("30m", "1500ms").</summary>
    public static string FormatDuration(TimeSpan value)
    {
        foreach (var (unit, scale) in new[] { ("d", TimeSpan.FromDays(1)), ("h", TimeSpan.FromHours(1)), ("m", TimeSpan.FromMinutes(1)), ("s", TimeSpan.FromSeconds(1)) })
        {
            if (value.Ticks != 0 && value.Ticks % scale.Ticks == 0)
            {
                return (value.Ticks / scale.Ticks).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
    }

    /// <summary>Formats a size in the largest power-of-two unit that divides it exactly ("64k", "50M").</summary>
    public static string FormatSize(long value)
    {
        foreach (var (unit, shift) in new[] { ("G", 30), ("M", 20), ("k", 10) })
        {
            if (value != 0 && value % (1L << shift) == 0)
            {
                return (value >> shift).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return value.ToString(CultureInfo.InvariantCulture);
    }

    public static string FormatBool(bool value) => value ? "on" : "off";

    private static (string Number, string Unit) Split(string text)
    {
        var trimmed = text.Trim();
        var end = 0;
        while (end < trimmed.Length && (char.IsAsciiDigit(trimmed[end]) || trimmed[end] == '.'))
        {
            end++;
        }

        return (trimmed[..end], trimmed[end..].TrimStart());
    }
}
