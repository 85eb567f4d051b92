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
                decoded = Run(new QuotedPrintableDecoder(), data.Span);
                return true;
            default:
                return false;
        }
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
