namespace AkkaImap.Protocol.Receiving;

/// <summary>
/// The literal announcement that may end a line: <c>{n}</c>, <c>{n+}</c>, <c>{n-}</c>
/// (RFC 9051 §4.3, RFC 7888) or the literal8 forms <c>~{n}</c>/<c>~{n+}</c> (RFC 3516).
/// </summary>
internal readonly record struct LiteralMarker(long Size, bool Synchronizing)
{
    /// <summary>Sizes with more digits than this are treated as too large rather than parsed.</summary>
    private const int MaxDigits = 18;

    public static LiteralMarker? Find(ReadOnlySpan<byte> line)
    {
        int i = line.Length - 1;
        if (i < 0 || line[i] != '}') return null;
        i--;
        bool sync = true;
        if (i >= 0 && (line[i] == '+' || line[i] == '-'))
        {
            sync = false;
            i--;
        }
        int digitsEnd = i + 1;
        while (i >= 0 && line[i] >= '0' && line[i] <= '9') i--;
        int digits = digitsEnd - (i + 1);
        if (digits == 0 || i < 0 || line[i] != '{') return null;
        long size = 0;
        if (digits > MaxDigits) size = long.MaxValue;
        else
            foreach (byte b in line[(i + 1)..digitsEnd])
                size = size * 10 + (b - '0');
        return new LiteralMarker(size, sync);
    }
}
