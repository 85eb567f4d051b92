namespace AkkaImap.Protocol.Writing;

/// <summary>
/// The IMAP date-time format (RFC 9051 §9): <c>"17-Jul-1996 02:44:25 -0700"</c>, used by
/// INTERNALDATE and SAVEDATE, and by APPEND's optional date argument. The day is space-padded (date-day-fixed), the zone is the
/// value's own offset.
/// </summary>
public static class ImapDateTime
{
    /// <summary>Length of the unquoted text.</summary>
    public const int Length = 26;

    /// <summary>Length with the surrounding double quotes.</summary>
    public const int QuotedLength = Length + 2;

    private static ReadOnlySpan<byte> Months => "JanFebMarAprMayJunJulAugSepOctNovDec"u8;

    /// <summary>Writes the 26 unquoted bytes into <paramref name="destination"/>.</summary>
    public static void Format(DateTimeOffset value, Span<byte> destination)
    {
        var d = destination[..Length];
        var day = value.Day;
        d[0] = day < 10 ? (byte)' ' : (byte)('0' + (day / 10));
        d[1] = (byte)('0' + (day % 10));
        d[2] = (byte)'-';
        Months.Slice((value.Month - 1) * 3, 3).CopyTo(d[3..]);
        d[6] = (byte)'-';
        Digits(d[7..], value.Year, 4);
        d[11] = (byte)' ';
        Digits(d[12..], value.Hour, 2);
        d[14] = (byte)':';
        Digits(d[15..], value.Minute, 2);
        d[17] = (byte)':';
        Digits(d[18..], value.Second, 2);
        d[20] = (byte)' ';
        var offset = (int)value.Offset.TotalMinutes;
        d[21] = offset < 0 ? (byte)'-' : (byte)'+';
        offset = Math.Abs(offset);
        Digits(d[22..], offset / 60, 2);
        Digits(d[24..], offset % 60, 2);
    }

    /// <summary>The unquoted text, for logs and tests.</summary>
    public static string Format(DateTimeOffset value)
    {
        Span<byte> buffer = stackalloc byte[Length];
        Format(value, buffer);
        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    /// <summary>
    /// Parses the unquoted date-time text (as in APPEND, RFC 9051 §6.3.12): day space-padded or
    /// two digits, month name case-insensitive. False for anything else, including offsets beyond
    /// ±14:00 that <see cref="DateTimeOffset"/> cannot hold.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length != Length || text[2] != '-' || text[6] != '-' || text[11] != ' '
            || text[14] != ':' || text[17] != ':' || text[20] != ' ' || text[21] is not ('+' or '-'))
        {
            return false;
        }
        var dayText = text[0] == ' ' ? text.Slice(1, 1) : text[..2];
        if (!TryDigits(dayText, out var day) || !TryMonth(text.Slice(3, 3), out var month)
            || !TryDigits(text.Slice(7, 4), out var year) || !TryDigits(text.Slice(12, 2), out var hour)
            || !TryDigits(text.Slice(15, 2), out var minute) || !TryDigits(text.Slice(18, 2), out var second)
            || !TryDigits(text.Slice(22, 2), out var zoneHours) || !TryDigits(text.Slice(24, 2), out var zoneMinutes))
        {
            return false;
        }
        // Years 1 and 9999 are refused so that no offset can push the instant out of range.
        if (year is < 2 or > 9998 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59
            || second > 59 || zoneMinutes > 59 || zoneHours * 60 + zoneMinutes > 14 * 60)
        {
            return false;
        }
        var offset = TimeSpan.FromMinutes((zoneHours * 60 + zoneMinutes) * (text[21] == '-' ? -1 : 1));
        value = new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified), offset);
        return true;
    }

    private static bool TryMonth(ReadOnlySpan<char> name, out int month)
    {
        for (month = 1; month <= 12; month++)
        {
            var candidate = Months.Slice((month - 1) * 3, 3);
            if (char.ToLowerInvariant(name[0]) == char.ToLowerInvariant((char)candidate[0])
                && char.ToLowerInvariant(name[1]) == (char)candidate[1]
                && char.ToLowerInvariant(name[2]) == (char)candidate[2])
            {
                return true;
            }
        }
        return false;
    }

    private static bool TryDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        return true;
    }

    private static void Digits(Span<byte> destination, int value, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
