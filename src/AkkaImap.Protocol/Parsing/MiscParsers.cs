using AkkaImap.Protocol.Commands;

namespace AkkaImap.Protocol.Parsing;

/// <summary>ID (RFC 2971) and COMPRESS (RFC 4978).</summary>
internal static class MiscParsers
{
    /// <summary>id = "ID" SP id_params_list; id_params_list = "(" #(string SP nstring) ")" / nil (RFC 2971 §4).</summary>
    public static ImapCommand? ParseId(ref ImapReader r, string tag, bool uid)
    {
        if (!r.Sp("Expected SP and parameter list after ID")) return null;
        if (r.TryKeyword("NIL")) return r.ExpectEnd("ID") ? new IdCommand(tag, null) : null;
        if (!r.Expect((byte)'(', "Expected ( or NIL after ID")) return null;
        var pairs = new List<KeyValuePair<string, string?>>();
        if (!r.TryByte((byte)')'))
        {
            while (true)
            {
                if (!r.TryString(out string key, "ID field name")) return null;
                if (!r.Sp("Expected SP and value after ID field name")) return null;
                if (!r.TryNString(out string? value, "ID field value")) return null;
                pairs.Add(new(key, value));
                if (r.TryByte((byte)')')) break;
                if (!r.Sp("Expected SP or ) in ID parameters")) return null;
            }
        }
        return r.ExpectEnd("ID") ? new IdCommand(tag, pairs) : null;
    }

    /// <summary>compress = "COMPRESS" SP algorithm (RFC 4978 §4).</summary>
    public static ImapCommand? ParseCompress(ref ImapReader r, string tag, bool uid)
    {
        if (!r.Sp("Expected SP and algorithm after COMPRESS")) return null;
        if (!r.TryAtom(out string algorithm, "compression algorithm", upper: true)) return null;
        return r.ExpectEnd("COMPRESS") ? new CompressCommand(tag, algorithm) : null;
    }
}
