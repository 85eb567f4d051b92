using System.Globalization;
using System.Text;

namespace AkkaImap.Protocol.Writing;

/// <summary>
/// Formats numbers as an IMAP sequence-set (RFC 9051 §9), joining ascending consecutive runs
/// into ranges: 1,2,3,5 → <c>1:3,5</c>. Order is kept (COPYUID pairs source and destination
/// sets by position, RFC 4315 §3), so pass sorted input where order does not matter.
/// </summary>
public static class SequenceSetFormatter
{
    public static string Format(IEnumerable<uint> values)
    {
        var builder = new StringBuilder();
        uint first = 0, last = 0;
        var open = false;
        foreach (var value in values)
        {
            if (open && last != uint.MaxValue && value == last + 1)
            {
                last = value;
                continue;
            }
            if (open)
            {
                Append(builder, first, last);
            }
            first = last = value;
            open = true;
        }
        if (open)
        {
            Append(builder, first, last);
        }
        return builder.ToString();
    }

    /// <summary>Formats (first, last) ranges as given: (4, 4) → <c>4</c>, (5, 9) → <c>5:9</c>.</summary>
    public static string FormatRanges(IEnumerable<(uint First, uint Last)> ranges)
    {
        var builder = new StringBuilder();
        foreach (var (first, last) in ranges)
        {
            Append(builder, first, last);
        }
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, uint first, uint last)
    {
        if (builder.Length > 0)
        {
            builder.Append(',');
        }
        builder.Append(first.ToString(CultureInfo.InvariantCulture));
        if (last != first)
        {
            builder.Append(':').Append(last.ToString(CultureInfo.InvariantCulture));
        }
    }
}
