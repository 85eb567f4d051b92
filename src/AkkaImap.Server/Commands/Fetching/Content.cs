using MimeKit.Encodings;

namespace AkkaImap.Server.Commands.Fetching;

/// <summary>Byte-level helpers for section data: header field filtering, partial ranges, CTE decoding.</summary>
internal static class Content
{
    /// <summary>
    /// HEADER.FIELDS / HEADER.FIELDS.NOT (RFC 9051 §6.4.5): the fields of <paramref name="header"/>
    /// whose names are (or are not) in <paramref name="names"/>, compared case-insensitively, each
    /// with its continuation lines, followed by the blank line that ends a header.
    /// </summary>
    public static byte[] FilterHeader(ReadOnlySpan<byte> header, IReadOnlyList<string> names, bool exclude)
    {
        var output = new List<byte>(Math.Min(header.Length, 4096));
        int i = 0;
        bool keep = false;
        while (i < header.Length)
        {
            int lineEnd = header[i..].IndexOf((byte)'\n');
            int next = lineEnd < 0 ? header.Length : i + lineEnd + 1;
            var line = header[i..next];
            if (IsBlank(line))
            {
                break;
            }
            if (line[0] is not ((byte)' ' or (byte)'\t'))
            {
                // A new field; a line without ':' is not a field and never matches.
                int colon = line.IndexOf((byte)':');
                keep = colon > 0 && Matches(line[..colon].TrimEnd(" \t"u8), names) != exclude;
            }
            if (keep)
            {
                output.AddRange(line);
                if (line[^1] != (byte)'\n')
                {
                    output.Add((byte)'\r');
                    output.Add((byte)'\n');
                }
            }
            i = next;
        }
        output.Add((byte)'\r');
        output.Add((byte)'\n');
        return [.. output];
    }

    /// <summary>The &lt;origin.length&gt; slice of <paramref name="data"/>: empty when origin is past the end (RFC 9051 §6.4.5).</summary>
    public static ReadOnlyMemory<byte> Slice(ReadOnlyMemory<byte> data, ulong origin, ulong length)
    {
        if (origin >= (ulong)data.Length)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
        int start = (int)origin;
        int count = (int)Math.Min(length, (ulong)(data.Length - start));
        return data.Slice(start, count);
    }

    /// <summary>
    /// Removes a Content-Transfer-Encoding (RFC 3516 §4.2, RFC 2045 §6): identity for none, 7bit,
    /// 8bit and binary; base64 and quoted-printable decoded. False for any other encoding (the
    /// command then ends with NO [UNKNOWN-CTE]).
    /// </summary>
    public static bool TryDecode(string? encoding, ReadOnlyMemory<byte> data, out ReadOnlyMemory<byte> decoded)
    {
        decoded = data;
        switch (encoding)
        {
            case null or "" or "7bit" or "8bit" or "binary":
                return true;
            case "base64":
                decoded = Run(new Base64Decoder(), data.Span);
                return true;
            case "quoted-printable":
                decoded = DecodeQuotedPrintable(data.Span);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Quoted-printable as RFC 2045 §6.7 defines it, line by line: whitespace at the end of an
    /// encoded line was added in transport and goes (rule 3); a line ending in "=" is a soft break
    /// and joins the next (rule 5), keeping any whitespace before the "="; "=XX" (either case) is
    /// the byte XX (rule 1); other line ends are hard breaks, CRLF. An "=" that starts no valid
    /// escape is kept as it is (§6.7 note on robust decoders).
    /// </summary>
    public static byte[] DecodeQuotedPrintable(ReadOnlySpan<byte> input)
    {
        // At most one byte out per byte in, plus one where a bare LF becomes CRLF.
        var output = new byte[input.Length + input.Count((byte)'\n')];
        int written = 0;
        while (!input.IsEmpty)
        {
            int lf = input.IndexOf((byte)'\n');
            bool hasBreak = lf >= 0;
            var line = hasBreak ? input[..lf] : input;
            input = hasBreak ? input[(lf + 1)..] : ReadOnlySpan<byte>.Empty;
            if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
            line = line.TrimEnd(" \t"u8);
            bool soft = !line.IsEmpty && line[^1] == (byte)'=';
            if (soft) line = line[..^1];
            for (int i = 0; i < line.Length; i++)
            {
                byte b = line[i];
                if (b == (byte)'=' && i + 2 < line.Length && IsHex(line[i + 1]) && IsHex(line[i + 2]))
                {
                    output[written++] = (byte)(HexValue(line[i + 1]) << 4 | HexValue(line[i + 2]));
                    i += 2;
                }
                else
                {
                    output[written++] = b;
                }
            }
            if (hasBreak && !soft)
            {
                output[written++] = (byte)'\r';
                output[written++] = (byte)'\n';
            }
        }
        return written == output.Length ? output : output.AsSpan(0, written).ToArray();
    }

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'A' and <= (byte)'F' or >= (byte)'a' and <= (byte)'f';

    private static int HexValue(byte b) => b <= (byte)'9' ? b - '0' : (b | 0x20) - 'a' + 10;

    /// <summary>
    /// BODY[...] and RFC822 data for a plain literal, which may not carry NUL (RFC 9051 §4.3): each
    /// NUL goes out as 0x80, as Dovecot sends it, so the length (RFC822.SIZE, partial offsets) is
    /// unchanged. BINARY[...] sends the true bytes as literal8 instead (RFC 3516 §4.3).
    /// </summary>
    public static ReadOnlyMemory<byte> WithoutNul(ReadOnlyMemory<byte> data)
    {
        if (!ContainsNul(data.Span)) return data;
        var copy = data.ToArray();
        copy.AsSpan().Replace((byte)0, (byte)0x80);
        return copy;
    }

    /// <summary>True when the data cannot go in a plain literal and needs literal8 (RFC 3516 §4.2).</summary>
    public static bool ContainsNul(ReadOnlySpan<byte> data) => data.Contains((byte)0);

    private static byte[] Run(IMimeDecoder decoder, ReadOnlySpan<byte> input)
    {
        var source = input.ToArray();
        var output = new byte[decoder.EstimateOutputLength(source.Length)];
        int count = decoder.Decode(source, 0, source.Length, output);
        return count == output.Length ? output : output.AsSpan(0, count).ToArray();
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) =>
        line.SequenceEqual("\r\n"u8) || line.SequenceEqual("\n"u8);

    private static bool Matches(ReadOnlySpan<byte> name, IReadOnlyList<string> names)
    {
        foreach (var wanted in names)
        {
            if (wanted.Length != name.Length) continue;
            bool equal = true;
            for (int k = 0; k < name.Length && equal; k++)
            {
                equal = char.ToUpperInvariant((char)name[k]) == char.ToUpperInvariant(wanted[k]);
            }
            if (equal) return true;
        }
        return false;
    }
}
