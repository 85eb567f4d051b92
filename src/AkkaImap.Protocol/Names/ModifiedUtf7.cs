using System.Text;

namespace AkkaImap.Protocol.Names;

/// <summary>
/// Modified UTF-7 for mailbox names (RFC 3501 §5.1.3): printable US-ASCII stands for itself,
/// "&amp;" is "&amp;-", everything else is UTF-16BE in modified base64 (',' for '/', no padding)
/// between "&amp;" and "-". Decoding accepts only the one canonical form, so two spellings can
/// never name the same mailbox.
/// </summary>
public static class ModifiedUtf7
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

    public static string Encode(string value)
    {
        if (IsDirect(value))
        {
            return value;
        }
        var builder = new StringBuilder(value.Length + 8);
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            if (c == '&')
            {
                builder.Append("&-");
                i++;
            }
            else if (IsPrintable(c))
            {
                builder.Append(c);
                i++;
            }
            else
            {
                var end = i;
                while (end < value.Length && !IsPrintable(value[end]))
                {
                    end++;
                }
                AppendBase64(builder, value.AsSpan(i, end - i));
                i = end;
            }
        }
        return builder.ToString();
    }

    /// <summary>
    /// Decodes a wire name. Fails on 8-bit or control characters, an unterminated "&amp;", bad
    /// base64, non-zero padding bits or a partial UTF-16 unit, an encoded printable ASCII
    /// character, unpaired surrogates, and two adjacent encoded runs (not the shortest form).
    /// </summary>
    public static bool TryDecode(string value, out string decoded)
    {
        decoded = value;
        if (value.IndexOf('&') < 0)
        {
            // Fast path: plain ASCII names need no work, but must still be printable.
            return IsAllPrintable(value);
        }
        var builder = new StringBuilder(value.Length);
        var i = 0;
        var previousWasEncoded = false;
        while (i < value.Length)
        {
            var c = value[i];
            if (!IsPrintable(c))
            {
                return false;
            }
            if (c != '&')
            {
                builder.Append(c);
                previousWasEncoded = false;
                i++;
                continue;
            }
            var end = value.IndexOf('-', i + 1);
            if (end < 0)
            {
                return false;
            }
            if (end == i + 1)
            {
                builder.Append('&');
                previousWasEncoded = false;
            }
            else
            {
                if (previousWasEncoded || !TryAppendBase64(builder, value.AsSpan(i + 1, end - i - 1)))
                {
                    return false;
                }
                previousWasEncoded = true;
            }
            i = end + 1;
        }
        decoded = builder.ToString();
        return true;
    }

    private static bool IsPrintable(char c) => c is >= (char)0x20 and <= (char)0x7E;

    private static bool IsDirect(string value)
    {
        foreach (var c in value)
        {
            if (c == '&' || !IsPrintable(c))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsAllPrintable(string value)
    {
        foreach (var c in value)
        {
            if (!IsPrintable(c))
            {
                return false;
            }
        }
        return true;
    }

    private static void AppendBase64(StringBuilder builder, ReadOnlySpan<char> units)
    {
        builder.Append('&');
        int bits = 0, buffer = 0;
        foreach (var unit in units)
        {
            buffer = (buffer << 16) | unit;
            bits += 16;
            while (bits >= 6)
            {
                bits -= 6;
                builder.Append(Alphabet[(buffer >> bits) & 0x3F]);
            }
            buffer &= (1 << bits) - 1;
        }
        if (bits > 0)
        {
            builder.Append(Alphabet[(buffer << (6 - bits)) & 0x3F]);
        }
        builder.Append('-');
    }

    private static bool TryAppendBase64(StringBuilder builder, ReadOnlySpan<char> encoded)
    {
        int bits = 0, buffer = 0;
        var start = builder.Length;
        foreach (var c in encoded)
        {
            var sextet = Alphabet.IndexOf(c);
            if (sextet < 0)
            {
                return false;
            }
            buffer = (buffer << 6) | sextet;
            bits += 6;
            if (bits >= 16)
            {
                bits -= 16;
                var unit = (char)((buffer >> bits) & 0xFFFF);
                if (IsPrintable(unit))
                {
                    return false;
                }
                builder.Append(unit);
                buffer &= (1 << bits) - 1;
            }
        }
        // Shortest form: fewer than 6 leftover bits, all zero.
        if (bits >= 6 || buffer != 0)
        {
            return false;
        }
        return HasPairedSurrogates(builder, start);
    }

    private static bool HasPairedSurrogates(StringBuilder builder, int start)
    {
        for (var i = start; i < builder.Length; i++)
        {
            var c = builder[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= builder.Length || !char.IsLowSurrogate(builder[i + 1]))
                {
                    return false;
                }
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }
        return true;
    }
}
