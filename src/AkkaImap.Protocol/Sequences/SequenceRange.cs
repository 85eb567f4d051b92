namespace AkkaImap.Protocol.Sequences;

/// <summary>
/// One seq-number or seq-range of a sequence set (RFC 9051 §9). <see cref="SequenceSet.Star"/>
/// (0, which is never a valid number) stands for <c>*</c>, the largest number in use.
/// <c>a:b</c> and <c>b:a</c> mean the same set.
/// </summary>
public readonly record struct SequenceRange(uint First, uint Last)
{
    public static SequenceRange Single(uint number) => new(number, number);

    public (uint Low, uint High) Resolve(uint max)
    {
        uint a = First == SequenceSet.Star ? max : First;
        uint b = Last == SequenceSet.Star ? max : Last;
        return a <= b ? (a, b) : (b, a);
    }

    public override string ToString() =>
        First == Last ? Format(First) : Format(First) + ":" + Format(Last);

    private static string Format(uint n) => n == SequenceSet.Star ? "*" : n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
