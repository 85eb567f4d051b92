using System.Text;

namespace AkkaImap.Protocol.Sequences;

/// <summary>
/// A sequence set (RFC 9051 §9 sequence-set) of message sequence numbers or UIDs, or the
/// SEARCHRES marker <c>$</c> (RFC 5182 §2.1) which the server resolves to its saved result.
/// </summary>
public sealed class SequenceSet : IEquatable<SequenceSet>
{
    /// <summary>The value standing for <c>*</c> in a <see cref="SequenceRange"/>.</summary>
    public const uint Star = 0;

    private SequenceSet(IReadOnlyList<SequenceRange> ranges, bool isSaved)
    {
        Ranges = ranges;
        IsSaved = isSaved;
    }

    public SequenceSet(IReadOnlyList<SequenceRange> ranges) : this(ranges, false) { }

    /// <summary>The SEARCHRES marker <c>$</c>.</summary>
    public static SequenceSet Saved { get; } = new([], true);

    /// <summary>The ranges as sent; empty for <see cref="Saved"/>.</summary>
    public IReadOnlyList<SequenceRange> Ranges { get; }

    /// <summary>True for <c>$</c>: the server must substitute its saved search result.</summary>
    public bool IsSaved { get; }

    /// <summary>Parses an ASCII sequence set; false (never an exception) when it is malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out SequenceSet set)
    {
        set = Saved;
        if (text.Length == 1 && text[0] == '$') return true;
        var ranges = new List<SequenceRange>();
        int i = 0;
        while (true)
        {
            if (!TryNumber(text, ref i, out uint first)) return false;
            uint last = first;
            if (i < text.Length && text[i] == ':')
            {
                i++;
                if (!TryNumber(text, ref i, out last)) return false;
            }
            ranges.Add(new SequenceRange(first, last));
            if (i == text.Length) break;
            if (text[i] != ',') return false;
            i++;
        }
        set = new SequenceSet(ranges);
        return true;
    }

    public static bool TryParse(string text, out SequenceSet set)
    {
        foreach (char c in text)
            if (c > 0x7F)
            {
                set = Saved;
                return false;
            }
        return TryParse(Encoding.ASCII.GetBytes(text), out set);
    }

    /// <summary>The compressed set of the given numbers: sorted, without duplicates, runs as ranges (<c>1:3,5</c>).</summary>
    public static SequenceSet FromNumbers(IEnumerable<uint> numbers)
    {
        var sorted = numbers.Where(n => n != 0).Distinct().Order().ToList();
        var ranges = new List<SequenceRange>();
        int i = 0;
        while (i < sorted.Count)
        {
            uint first = sorted[i], last = first;
            while (i + 1 < sorted.Count && sorted[i + 1] == last + 1) last = sorted[++i];
            ranges.Add(new SequenceRange(first, last));
            i++;
        }
        return new SequenceSet(ranges);
    }

    /// <summary>
    /// The same members as a canonical set: <c>*</c> resolved against <paramref name="max"/>,
    /// ranges ascending, overlapping and adjacent ones merged (<c>5,1:3,4</c> becomes <c>1:5</c>).
    /// Works on ranges, so <c>1:*</c> over four billion UIDs costs nothing. <c>$</c> stays <c>$</c>.
    /// </summary>
    public SequenceSet Normalize(uint max)
    {
        if (IsSaved) return this;
        var merged = new List<SequenceRange>();
        foreach (var (low, high) in Ranges.Select(r => r.Resolve(max)).Where(r => r.Low != 0).OrderBy(r => r.Low))
        {
            if (merged.Count > 0 && (ulong)merged[^1].Last + 1 >= low)
            {
                if (high > merged[^1].Last) merged[^1] = merged[^1] with { Last = high };
            }
            else merged.Add(new SequenceRange(low, high));
        }
        return new SequenceSet(merged);
    }

    /// <summary>Whether <paramref name="number"/> is in the set when <paramref name="max"/> is the largest number in use (<c>*</c>). False for <c>$</c>.</summary>
    public bool Contains(uint number, uint max)
    {
        foreach (var range in Ranges)
        {
            var (low, high) = range.Resolve(max);
            if (number >= low && number <= high) return true;
        }
        return false;
    }

    /// <summary>The members from 1 to <paramref name="max"/>, ascending and distinct. Numbers above max are left out (RFC 9051 §6.4.8 allows non-existent UIDs).</summary>
    public IEnumerable<uint> Enumerate(uint max)
    {
        if (max == 0) yield break;
        var resolved = Ranges.Select(r => r.Resolve(max)).OrderBy(r => r.Low).ToList();
        uint next = 1;
        foreach (var (low, high) in resolved)
        {
            uint from = Math.Max(low, next);
            uint to = Math.Min(high, max);
            for (uint n = from; n <= to; n++)
            {
                yield return n;
                if (n == uint.MaxValue) yield break;
            }
            if (to >= next) next = to + 1;
        }
    }

    /// <summary>The set as it is written on the wire: <c>$</c> or comma-separated ranges.</summary>
    public override string ToString() => IsSaved ? "$" : string.Join(',', Ranges);

    public bool Equals(SequenceSet? other) =>
        other is not null && IsSaved == other.IsSaved && Ranges.SequenceEqual(other.Ranges);

    public override bool Equals(object? obj) => Equals(obj as SequenceSet);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    private static bool TryNumber(ReadOnlySpan<byte> text, ref int i, out uint value)
    {
        value = 0;
        if (i >= text.Length) return false;
        if (text[i] == '*')
        {
            i++;
            value = Star;
            return true;
        }
        // nz-number = digit-nz *DIGIT, at most 2^32-1 (RFC 9051 §9).
        if (text[i] < '1' || text[i] > '9') return false;
        ulong v = 0;
        while (i < text.Length && text[i] >= '0' && text[i] <= '9')
        {
            v = v * 10 + (ulong)(text[i] - '0');
            if (v > uint.MaxValue) return false;
            i++;
        }
        value = (uint)v;
        return true;
    }
}
