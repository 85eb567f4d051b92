using System.Globalization;

namespace AkkaImap.Protocol.Parsing;

/// <summary>IMAP dates: date (<c>1-Feb-1994</c>) and date-time (<c>"17-Jul-1996 02:44:25 -0700"</c>) of RFC 9051 §9.</summary>
public static class DateParser
{
    private static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

    /// <summary>date-text = date-day "-" date-month "-" date-year, without quotes.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> text, out DateOnly date)
    {
        date = default;
        int dash1 = text.IndexOf('-');
        if (dash1 is < 1 or > 2) return false;
        if (!TryDigits(text[..dash1], out int day)) return false;
        var rest = text[(dash1 + 1)..];
        if (rest.Length != 8 || rest[3] != '-') return false;
        int month = MonthOf(rest[..3]);
        if (month == 0 || !TryDigits(rest[4..], out int year)) return false;
        return TryMake(year, month, day, out date);
    }

    /// <summary>date-time contents (without the DQUOTEs): date-day-fixed "-" date-month "-" date-year SP time SP zone.</summary>
    public static bool TryParseDateTime(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        // date-day-fixed = (SP DIGIT) / 2DIGIT; a single digit without the space is accepted too.
        if (text.Length > 0 && text[0] == ' ') text = text[1..];
        int space = text.IndexOf(' ');
        if (space < 0 || !TryParseDate(text[..space], out var date)) return false;
        var rest = text[(space + 1)..];
        if (rest.Length != 14 || rest[2] != ':' || rest[5] != ':' || rest[8] != ' ') return false;
        if (!TryDigits(rest[..2], out int hour) || !TryDigits(rest[3..5], out int minute) || !TryDigits(rest[6..8], out int second)) return false;
        if (hour > 23 || minute > 59 || second > 60) return false;
        char sign = rest[9];
        if ((sign != '+' && sign != '-') || !TryDigits(rest[10..12], out int zh) || !TryDigits(rest[12..14], out int zm)) return false;
        if (zm > 59 || zh > 14 || (zh == 14 && zm > 0)) return false;
        var offset = new TimeSpan(zh, zm, 0);
        if (sign == '-') offset = -offset;
        // A leap second is folded into the next minute's start; IMAP clients rarely send one.
        var local = date.ToDateTime(new TimeOnly(hour, minute, Math.Min(second, 59)));
        value = new DateTimeOffset(local, offset);
        return true;
    }

    /// <summary>Reads a date (quoted or not) for SEARCH (RFC 9051 §9: date = date-text / DQUOTE date-text DQUOTE).</summary>
    internal static bool TryRead(ref ImapReader r, out DateOnly date, string what)
    {
        date = default;
        bool quoted = r.TryByte((byte)'"');
        int start = r.Pos;
        while (r.Peek >= 0 && (char.IsAsciiLetterOrDigit((char)r.Peek) || r.Peek == '-')) r.Pos++;
        Span<char> chars = stackalloc char[16];
        int length = r.Pos - start;
        if (length == 0) return r.Fail(r.AtLineEnd ? $"Missing {what}" : $"Invalid {what}");
        if (length > chars.Length) return r.Fail($"Invalid {what}");
        var bytes = r.Span.Slice(start, length);
        for (int i = 0; i < length; i++) chars[i] = (char)bytes[i];
        if (quoted && !r.TryByte((byte)'"')) return r.Fail($"Invalid {what}");
        if (r.Peek >= 0 && ImapChars.IsAtomChar((byte)r.Peek)) return r.Fail($"Invalid {what}");
        return TryParseDate(chars[..length], out date) || r.Fail($"Invalid {what} {chars[..length].ToString()}");
    }

    /// <summary>Reads a quoted date-time (APPEND, RFC 9051 §6.3.12).</summary>
    internal static bool TryReadDateTime(ref ImapReader r, out DateTimeOffset value)
    {
        value = default;
        if (!r.TryQuoted(out string text, "date-time")) return false;
        return TryParseDateTime(text, out value) || r.Fail($"Invalid date-time \"{text}\"");
    }

    private static int MonthOf(ReadOnlySpan<char> name)
    {
        Span<char> upper = stackalloc char[3];
        name.ToUpperInvariant(upper);
        for (int i = 0; i < Months.Length; i++)
            if (upper.SequenceEqual(Months[i])) return i + 1;
        return 0;
    }

    private static bool TryDigits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        if (text.IsEmpty) return false;
        foreach (char c in text)
            if (c is < '0' or > '9') return false;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryMake(int year, int month, int day, out DateOnly date)
    {
        date = default;
        if (year < 1 || year > 9999 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        date = new DateOnly(year, month, day);
        return true;
    }
}
