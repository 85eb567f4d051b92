using AkkaImap.Protocol.Search;
using AkkaImap.Protocol.Sequences;

namespace AkkaImap.Protocol.Parsing;

/// <summary>
/// search-key (RFC 9051 §9 and RFC 3501 §9) with MODSEQ (RFC 7162), OLDER/YOUNGER (RFC 5032),
/// SAVED* (RFC 8514) and EMAILID/THREADID (RFC 8474).
/// </summary>
internal static class SearchKeyParser
{
    /// <summary>Deeper nesting than this is refused, so hostile input cannot exhaust the stack.</summary>
    private const int MaxDepth = 64;

    /// <summary>search-key *(SP search-key) up to the line end; several keys are an <see cref="AndKey"/>.</summary>
    public static bool TryProgram(ref ImapReader r, out SearchKey key)
    {
        var keys = new List<SearchKey>();
        key = AllKey.Instance;
        while (true)
        {
            if (!TryKey(ref r, 0, out var next)) return false;
            keys.Add(next);
            if (r.AtLineEnd) break;
            if (r.Peek == ')') return r.Fail("Unbalanced ) in search keys");
            if (!r.Sp("Expected SP between search keys")) return false;
        }
        key = keys.Count == 1 ? keys[0] : new AndKey(keys);
        return true;
    }

    public static bool TryKey(ref ImapReader r, int depth, out SearchKey key)
    {
        key = AllKey.Instance;
        if (depth > MaxDepth) return r.Fail("Search keys nested too deeply");
        int b = r.Peek;
        if (b == '(') return TryList(ref r, depth, out key);
        if (b is (>= '0' and <= '9') or '*' or '$')
        {
            if (!SequenceParsing.TrySet(ref r, out var set, "search")) return false;
            key = new SequenceKey(set, false);
            return true;
        }
        if (!r.TryAtom(out string name, "search key", upper: true)) return false;
        switch (name)
        {
            case "ALL": key = AllKey.Instance; return true;
            case "ANSWERED": key = new FlagKey(@"\Answered", true); return true;
            case "DELETED": key = new FlagKey(@"\Deleted", true); return true;
            case "DRAFT": key = new FlagKey(@"\Draft", true); return true;
            case "FLAGGED": key = new FlagKey(@"\Flagged", true); return true;
            case "SEEN": key = new FlagKey(@"\Seen", true); return true;
            case "RECENT": key = new FlagKey(@"\Recent", true); return true;
            case "UNANSWERED": key = new FlagKey(@"\Answered", false); return true;
            case "UNDELETED": key = new FlagKey(@"\Deleted", false); return true;
            case "UNDRAFT": key = new FlagKey(@"\Draft", false); return true;
            case "UNFLAGGED": key = new FlagKey(@"\Flagged", false); return true;
            case "UNSEEN": key = new FlagKey(@"\Seen", false); return true;
            // RFC 3501 §6.4.4: NEW is "RECENT UNSEEN", OLD is "NOT RECENT".
            case "NEW": key = new AndKey([new FlagKey(@"\Recent", true), new FlagKey(@"\Seen", false)]); return true;
            case "OLD": key = new FlagKey(@"\Recent", false); return true;
            case "KEYWORD":
            case "UNKEYWORD":
            {
                if (!r.Sp($"Expected SP and keyword after {name}")) return false;
                if (!r.TryAtom(out string keyword, "keyword")) return false;
                key = new FlagKey(keyword, name == "KEYWORD");
                return true;
            }
            case "BCC": return TryHeader(ref r, name, "Bcc", out key);
            case "CC": return TryHeader(ref r, name, "Cc", out key);
            case "FROM": return TryHeader(ref r, name, "From", out key);
            case "SUBJECT": return TryHeader(ref r, name, "Subject", out key);
            case "TO": return TryHeader(ref r, name, "To", out key);
            case "HEADER":
            {
                if (!r.Sp("Expected SP and field name after HEADER")) return false;
                if (!r.TryAstring(out string field, "header field name")) return false;
                if (!r.Sp("Expected SP and string after header field name")) return false;
                if (!r.TryAstring(out string value, "search string")) return false;
                key = new HeaderKey(field, value);
                return true;
            }
            case "BODY":
            case "TEXT":
            {
                if (!r.Sp($"Expected SP and string after {name}")) return false;
                if (!r.TryAstring(out string value, "search string")) return false;
                key = new TextKey(name == "BODY" ? TextScope.Body : TextScope.Text, value);
                return true;
            }
            case "BEFORE": return TryDate(ref r, name, DateField.Internal, DateComparison.Before, out key);
            case "ON": return TryDate(ref r, name, DateField.Internal, DateComparison.On, out key);
            case "SINCE": return TryDate(ref r, name, DateField.Internal, DateComparison.Since, out key);
            case "SENTBEFORE": return TryDate(ref r, name, DateField.Sent, DateComparison.Before, out key);
            case "SENTON": return TryDate(ref r, name, DateField.Sent, DateComparison.On, out key);
            case "SENTSINCE": return TryDate(ref r, name, DateField.Sent, DateComparison.Since, out key);
            case "SAVEDBEFORE": return TryDate(ref r, name, DateField.Saved, DateComparison.Before, out key);
            case "SAVEDON": return TryDate(ref r, name, DateField.Saved, DateComparison.On, out key);
            case "SAVEDSINCE": return TryDate(ref r, name, DateField.Saved, DateComparison.Since, out key);
            case "SAVEDATESUPPORTED": key = SaveDateSupportedKey.Instance; return true;
            case "LARGER":
            case "SMALLER":
            {
                if (!r.Sp($"Expected SP and size after {name}")) return false;
                if (!r.TryNumber64(out ulong size, name)) return false;
                key = new SizeKey(name == "LARGER", size);
                return true;
            }
            case "OLDER":
            case "YOUNGER":
            {
                if (!r.Sp($"Expected SP and interval after {name}")) return false;
                if (!r.TryNzNumber(out uint seconds, name)) return false;
                key = new WithinKey(name == "OLDER", seconds);
                return true;
            }
            case "UID":
            {
                if (!r.Sp("Expected SP and UID set after UID")) return false;
                if (!SequenceParsing.TrySet(ref r, out var set, "UID")) return false;
                key = new SequenceKey(set, true);
                return true;
            }
            case "NOT":
            {
                if (!r.Sp("Expected SP and search key after NOT")) return false;
                if (!TryKey(ref r, depth + 1, out var inner)) return false;
                key = new NotKey(inner);
                return true;
            }
            case "OR":
            {
                if (!r.Sp("Expected SP and search key after OR")) return false;
                if (!TryKey(ref r, depth + 1, out var left)) return false;
                if (!r.Sp("Expected SP and second search key of OR")) return false;
                if (!TryKey(ref r, depth + 1, out var right)) return false;
                key = new OrKey(left, right);
                return true;
            }
            case "MODSEQ": return TryModSeq(ref r, out key);
            case "EMAILID":
            case "THREADID":
            {
                if (!r.Sp($"Expected SP and id after {name}")) return false;
                if (!r.TryAtom(out string id, "object id")) return false;
                key = new ObjectIdKey(name == "EMAILID" ? ObjectIdKind.Email : ObjectIdKind.Thread, id);
                return true;
            }
            default:
                return r.Fail($"Unknown search key {name}");
        }
    }

    private static bool TryList(ref ImapReader r, int depth, out SearchKey key)
    {
        key = AllKey.Instance;
        r.Pos++;
        var keys = new List<SearchKey>();
        while (true)
        {
            if (!TryKey(ref r, depth + 1, out var next)) return false;
            keys.Add(next);
            if (r.TryByte((byte)')')) break;
            if (r.AtLineEnd) return r.Fail("Missing ) in search keys");
            if (!r.Sp("Expected SP or ) in search keys")) return false;
        }
        key = keys.Count == 1 ? keys[0] : new AndKey(keys);
        return true;
    }

    private static bool TryHeader(ref ImapReader r, string name, string field, out SearchKey key)
    {
        key = AllKey.Instance;
        if (!r.Sp($"Expected SP and string after {name}")) return false;
        if (!r.TryAstring(out string value, "search string")) return false;
        key = new HeaderKey(field, value);
        return true;
    }

    private static bool TryDate(ref ImapReader r, string name, DateField field, DateComparison comparison, out SearchKey key)
    {
        key = AllKey.Instance;
        if (!r.Sp($"Expected SP and date after {name}")) return false;
        if (!DateParser.TryRead(ref r, out var date, "date")) return false;
        key = new DateKey(field, comparison, date);
        return true;
    }

    /// <summary>"MODSEQ" [search-modseq-ext] SP mod-sequence-valzer; search-modseq-ext = SP entry-name SP entry-type-req (RFC 7162 §7).</summary>
    private static bool TryModSeq(ref ImapReader r, out SearchKey key)
    {
        key = AllKey.Instance;
        if (!r.Sp("Expected SP after MODSEQ")) return false;
        string? entryName = null, entryType = null;
        if (r.Peek == '"')
        {
            if (!r.TryQuoted(out string entry, "MODSEQ entry name")) return false;
            if (!r.Sp("Expected SP and entry type after entry name")) return false;
            if (!r.TryAtom(out string type, "MODSEQ entry type")) return false;
            string lower = type.ToLowerInvariant();
            if (lower is not ("priv" or "shared" or "all")) return r.Fail($"Invalid MODSEQ entry type {type}");
            if (!r.Sp("Expected SP and mod-sequence after entry type")) return false;
            entryName = entry;
            entryType = lower;
        }
        if (!r.TryNumber64(out ulong modSeq, "MODSEQ")) return false;
        key = new ModSeqKey(modSeq, entryName, entryType);
        return true;
    }
}
