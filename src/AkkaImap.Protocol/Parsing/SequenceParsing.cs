using AkkaImap.Protocol.Sequences;

namespace AkkaImap.Protocol.Parsing;

internal static class SequenceParsing
{
    /// <summary>sequence-set (RFC 9051 §9), or "$" (RFC 5182).</summary>
    public static bool TrySet(ref ImapReader r, out SequenceSet set, string what)
    {
        var token = r.SequenceToken();
        if (token.IsEmpty)
        {
            set = SequenceSet.Saved;
            return r.Fail(r.AtLineEnd ? $"Missing {what}" : $"Invalid sequence set for {what}");
        }
        if (SequenceSet.TryParse(token, out set)) return true;
        return r.Fail($"Invalid sequence set {Show(token)}");
    }

    internal static string Show(ReadOnlySpan<byte> token)
    {
        var s = System.Text.Encoding.ASCII.GetString(token.Length > 40 ? token[..40] : token);
        return token.Length > 40 ? s + "..." : s;
    }
}
