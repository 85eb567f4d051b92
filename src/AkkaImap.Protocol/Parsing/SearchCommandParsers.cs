using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Search;

namespace AkkaImap.Protocol.Parsing;

/// <summary>SEARCH (RFC 9051 §6.4.4, RFC 4731, RFC 5182), SORT and THREAD (RFC 5256, RFC 5267).</summary>
internal static class SearchCommandParsers
{
    /// <summary>search = "SEARCH" [search-return-opts] SP search-program; search-program = ["CHARSET" SP charset SP] search-key *(SP search-key).</summary>
    public static ImapCommand? ParseSearch(ref ImapReader r, string tag, bool uid)
    {
        string name = uid ? "UID SEARCH" : "SEARCH";
        if (!r.Sp($"Expected SP and search keys after {name}")) return null;
        SearchReturnOptions? options = null;
        if (r.TryKeyword("RETURN"))
        {
            if (!TryReturnOptions(ref r, out var value)) return null;
            options = value;
            if (!r.Sp("Expected SP and search keys after RETURN options")) return null;
        }
        string? charset = null;
        if (r.TryKeyword("CHARSET"))
        {
            if (!r.Sp("Expected SP and charset after CHARSET")) return null;
            if (!TryCharset(ref r, out charset)) return null;
            if (!r.Sp("Expected SP and search keys after charset")) return null;
        }
        if (!SearchKeyParser.TryProgram(ref r, out var criteria)) return null;
        return r.ExpectEnd(name) ? new SearchCommand(tag, uid, charset, options, criteria) : null;
    }

    /// <summary>sort = ["UID" SP] "SORT" [SP sort-return-opts] SP sort-criteria SP search-criteria (RFC 5256 §5, RFC 5267 §3).</summary>
    public static ImapCommand? ParseSort(ref ImapReader r, string tag, bool uid)
    {
        string name = uid ? "UID SORT" : "SORT";
        if (!r.Sp($"Expected SP and sort criteria after {name}")) return null;
        SearchReturnOptions? options = null;
        if (r.TryKeyword("RETURN"))
        {
            if (!TryReturnOptions(ref r, out var value)) return null;
            options = value;
            if (!r.Sp("Expected SP and sort criteria after RETURN options")) return null;
        }
        if (!r.Expect((byte)'(', "Expected ( before sort criteria")) return null;
        var criteria = new List<SortCriterion>();
        while (true)
        {
            bool reverse = r.TryKeyword("REVERSE");
            if (reverse && !r.Sp("Expected SP and sort key after REVERSE")) return null;
            if (!r.TryAtom(out string keyName, "sort key", upper: true)) return null;
            SortKey? key = keyName switch
            {
                "ARRIVAL" => SortKey.Arrival,
                "CC" => SortKey.Cc,
                "DATE" => SortKey.Date,
                "FROM" => SortKey.From,
                "SIZE" => SortKey.Size,
                "SUBJECT" => SortKey.Subject,
                "TO" => SortKey.To,
                "DISPLAYFROM" => SortKey.DisplayFrom,
                "DISPLAYTO" => SortKey.DisplayTo,
                _ => null,
            };
            if (key is null) { r.Fail($"Unknown sort key {keyName}"); return null; }
            criteria.Add(new SortCriterion(key.Value, reverse));
            if (r.TryByte((byte)')')) break;
            if (!r.Sp("Expected SP or ) in sort criteria")) return null;
        }
        if (!r.Sp("Expected SP and charset after sort criteria")) return null;
        if (!TryCharset(ref r, out string charset)) return null;
        if (!r.Sp("Expected SP and search keys after charset")) return null;
        if (!SearchKeyParser.TryProgram(ref r, out var search)) return null;
        return r.ExpectEnd(name) ? new SortCommand(tag, uid, criteria, charset, options, search) : null;
    }

    /// <summary>thread = ["UID" SP] "THREAD" SP thread-alg SP search-charset 1*(SP search-key) (RFC 5256 §5).</summary>
    public static ImapCommand? ParseThread(ref ImapReader r, string tag, bool uid)
    {
        string name = uid ? "UID THREAD" : "THREAD";
        if (!r.Sp($"Expected SP and algorithm after {name}")) return null;
        if (!r.TryAtom(out string algorithm, "threading algorithm", upper: true)) return null;
        if (!r.Sp("Expected SP and charset after threading algorithm")) return null;
        if (!TryCharset(ref r, out string charset)) return null;
        if (!r.Sp("Expected SP and search keys after charset")) return null;
        if (!SearchKeyParser.TryProgram(ref r, out var search)) return null;
        return r.ExpectEnd(name) ? new ThreadCommand(tag, uid, algorithm, charset, search) : null;
    }

    /// <summary>search-return-opts = SP "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")" (RFC 4731 §3, RFC 5182 §2.1).</summary>
    private static bool TryReturnOptions(ref ImapReader r, out SearchReturnOptions options)
    {
        options = SearchReturnOptions.None;
        if (!r.Sp("Expected SP after RETURN") || !r.Expect((byte)'(', "Expected ( after RETURN")) return false;
        if (r.TryByte((byte)')'))
        {
            // RFC 4731 §3.1: an empty list means ALL.
            options = SearchReturnOptions.All;
            return true;
        }
        while (true)
        {
            if (!r.TryAtom(out string name, "RETURN option", upper: true)) return false;
            options |= name switch
            {
                "MIN" => SearchReturnOptions.Min,
                "MAX" => SearchReturnOptions.Max,
                "ALL" => SearchReturnOptions.All,
                "COUNT" => SearchReturnOptions.Count,
                "SAVE" => SearchReturnOptions.Save,
                _ => SearchReturnOptions.None,
            };
            if (name is not ("MIN" or "MAX" or "ALL" or "COUNT" or "SAVE")) return r.Fail($"Unknown RETURN option {name}");
            if (r.TryByte((byte)')')) return true;
            if (!r.Sp("Expected SP or ) in RETURN options")) return false;
        }
    }

    /// <summary>Only US-ASCII and UTF-8 are supported; others get NO [BADCHARSET] (RFC 9051 §6.4.4).</summary>
    private static bool TryCharset(ref ImapReader r, out string charset)
    {
        if (!r.TryAstring(out charset, "charset")) return false;
        string upper = charset.ToUpperInvariant();
        if (upper is "US-ASCII" or "UTF-8")
        {
            charset = upper;
            return true;
        }
        return r.Fail($"Unsupported charset {charset}", ParseErrorKind.BadCharset);
    }
}
