using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Fetch;

namespace AkkaImap.Protocol.Parsing;

/// <summary>FETCH (RFC 9051 §6.4.5) with BINARY (RFC 3516), CONDSTORE/QRESYNC modifiers (RFC 7162), PREVIEW (RFC 8970), SAVEDATE (RFC 8514), OBJECTID (RFC 8474).</summary>
internal static class FetchParser
{
    /// <summary>fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")") [fetch-modifiers].</summary>
    public static ImapCommand? ParseFetch(ref ImapReader r, string tag, bool uid)
    {
        string name = uid ? "UID FETCH" : "FETCH";
        if (!r.Sp($"Expected SP and sequence set after {name}")) return null;
        if (!SequenceParsing.TrySet(ref r, out var set, "message set")) return null;
        if (!r.Sp("Expected SP and fetch attributes after sequence set")) return null;
        var attributes = new List<FetchAttribute>();
        if (r.TryByte((byte)'('))
        {
            while (true)
            {
                if (!TryAttribute(ref r, attributes, macros: false)) return null;
                if (r.TryByte((byte)')')) break;
                if (r.AtLineEnd) { r.Fail("Missing ) after fetch attributes"); return null; }
                if (!r.Sp("Expected SP or ) in fetch attributes")) return null;
            }
        }
        else if (!TryAttribute(ref r, attributes, macros: true)) return null;

        ulong? changedSince = null;
        bool vanished = false;
        if (r.TryByte((byte)' '))
        {
            // fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")" (RFC 7162 §7).
            if (!r.Expect((byte)'(', "Expected ( before FETCH modifiers")) return null;
            while (true)
            {
                if (!r.TryAtom(out string modifier, "FETCH modifier", upper: true)) return null;
                if (modifier == "CHANGEDSINCE")
                {
                    if (!r.Sp("Expected SP after CHANGEDSINCE")) return null;
                    if (!r.TryNumber64(out ulong value, "CHANGEDSINCE")) return null;
                    changedSince = value;
                }
                else if (modifier == "VANISHED") vanished = true;
                else { r.Fail($"Unknown FETCH modifier {modifier}"); return null; }
                if (r.TryByte((byte)')')) break;
                if (!r.Sp("Expected SP or ) in FETCH modifiers")) return null;
            }
            // RFC 7162 §3.2.6: VANISHED only with UID FETCH and CHANGEDSINCE.
            if (vanished && !uid) { r.Fail("VANISHED is only allowed in UID FETCH"); return null; }
            if (vanished && changedSince is null) { r.Fail("VANISHED requires CHANGEDSINCE"); return null; }
        }
        return r.ExpectEnd(name) ? new FetchCommand(tag, uid, set, attributes, changedSince, vanished) : null;
    }

    private static bool TryAttribute(ref ImapReader r, List<FetchAttribute> into, bool macros)
    {
        string word = r.Word();
        if (r.Peek >= 0x80) return r.Fail("8-bit character in fetch attribute");
        if (word.Length == 0)
            return r.Fail(r.AtLineEnd ? "Missing fetch attribute" : r.Peek >= 0x80 ? "8-bit character in fetch attribute" : "Invalid fetch attribute");
        switch (word)
        {
            // RFC 9051 §6.4.5: the macros, valid only on their own.
            case "ALL" or "FAST" or "FULL":
                if (!macros) return r.Fail($"{word} is a macro and cannot appear in a list");
                into.Add(new SimpleAttribute(FetchItem.Flags));
                into.Add(new SimpleAttribute(FetchItem.InternalDate));
                into.Add(new SimpleAttribute(FetchItem.Rfc822Size));
                if (word != "FAST") into.Add(new SimpleAttribute(FetchItem.Envelope));
                if (word == "FULL") into.Add(new SimpleAttribute(FetchItem.Body));
                return EndOfName(ref r, word);
            case "ENVELOPE": return Simple(ref r, into, word, FetchItem.Envelope);
            case "FLAGS": return Simple(ref r, into, word, FetchItem.Flags);
            case "INTERNALDATE": return Simple(ref r, into, word, FetchItem.InternalDate);
            case "RFC822": return Simple(ref r, into, word, FetchItem.Rfc822);
            case "RFC822.HEADER": return Simple(ref r, into, word, FetchItem.Rfc822Header);
            case "RFC822.SIZE": return Simple(ref r, into, word, FetchItem.Rfc822Size);
            case "RFC822.TEXT": return Simple(ref r, into, word, FetchItem.Rfc822Text);
            case "BODYSTRUCTURE": return Simple(ref r, into, word, FetchItem.BodyStructure);
            case "UID": return Simple(ref r, into, word, FetchItem.Uid);
            case "MODSEQ": return Simple(ref r, into, word, FetchItem.ModSeq);
            case "SAVEDATE": return Simple(ref r, into, word, FetchItem.SaveDate);
            case "EMAILID": return Simple(ref r, into, word, FetchItem.EmailId);
            case "THREADID": return Simple(ref r, into, word, FetchItem.ThreadId);
            case "BODY" when r.Peek != '[': return Simple(ref r, into, word, FetchItem.Body);
            case "BODY" or "BODY.PEEK":
            {
                if (!TrySection(ref r, out var section)) return false;
                if (!TryPartial(ref r, out var partial)) return false;
                into.Add(new BodySectionAttribute(section, word == "BODY.PEEK", partial));
                return EndOfName(ref r, word);
            }
            case "BINARY" or "BINARY.PEEK":
            {
                if (!TryBinaryPart(ref r, out int[] part)) return false;
                if (!TryPartial(ref r, out var partial)) return false;
                into.Add(new BinaryAttribute(part, word == "BINARY.PEEK", partial));
                return EndOfName(ref r, word);
            }
            case "BINARY.SIZE":
            {
                if (!TryBinaryPart(ref r, out int[] part)) return false;
                into.Add(new BinarySizeAttribute(part));
                return EndOfName(ref r, word);
            }
            case "PREVIEW":
            {
                // RFC 8970 §7: "PREVIEW" [SP "(" preview-mod *(SP preview-mod) ")"], preview-mod = "LAZY".
                bool lazy = false;
                if (r.Peek == ' ' && r.PeekAt(1) == '(' && IsLazyNext(ref r))
                {
                    r.Pos += 2;
                    while (true)
                    {
                        if (!r.TryAtom(out string mod, "PREVIEW modifier", upper: true)) return false;
                        if (mod != "LAZY") return r.Fail($"Unknown PREVIEW modifier {mod}");
                        lazy = true;
                        if (r.TryByte((byte)')')) break;
                        if (!r.Sp("Expected SP or ) in PREVIEW modifiers")) return false;
                    }
                }
                into.Add(new PreviewAttribute(lazy));
                return EndOfName(ref r, word);
            }
            default:
                return r.Fail($"Unknown fetch attribute {word}");
        }
    }

    private static bool IsLazyNext(ref ImapReader r)
    {
        int save = r.Pos;
        r.Pos += 2;
        bool lazy = r.TryKeyword("LAZY");
        r.Pos = save;
        return lazy;
    }

    private static bool Simple(ref ImapReader r, List<FetchAttribute> into, string word, FetchItem item)
    {
        into.Add(new SimpleAttribute(item));
        return EndOfName(ref r, word);
    }

    /// <summary>An attribute must be followed by SP, ")" or the line end: catches <c>FLAGSX</c> and <c>UID[</c>.</summary>
    private static bool EndOfName(ref ImapReader r, string word) =>
        r.Peek is ' ' or ')' || r.AtLineEnd || r.Fail($"Unexpected character after {word}");

    /// <summary>section = "[" [section-spec] "]"; section-spec = section-msgtext / (section-part ["." section-text]).</summary>
    private static bool TrySection(ref ImapReader r, out BodySection section)
    {
        section = BodySection.Whole;
        if (!r.Expect((byte)'[', "Expected [ after BODY.PEEK")) return false;
        var parts = new List<int>();
        var text = SectionText.All;
        IReadOnlyList<string> fields = [];
        if (r.Peek is >= '0' and <= '9')
        {
            while (true)
            {
                if (!r.TryNzNumber(out uint n, "section part", strict: false)) return false;
                if (n > int.MaxValue) return r.Fail("Section part number too large");
                parts.Add((int)n);
                if (r.Peek == '.' && r.PeekAt(1) is >= '0' and <= '9')
                {
                    r.Pos++;
                    continue;
                }
                break;
            }
            if (r.Peek == '.')
            {
                r.Pos++;
                if (!TrySectionText(ref r, allowMime: true, out text, out fields)) return false;
            }
        }
        else if (r.Peek != ']')
        {
            if (!TrySectionText(ref r, allowMime: false, out text, out fields)) return false;
        }
        if (!r.Expect((byte)']', "Expected ] after section")) return false;
        section = new BodySection([.. parts], text, fields);
        return true;
    }

    private static bool TrySectionText(ref ImapReader r, bool allowMime, out SectionText text, out IReadOnlyList<string> fields)
    {
        fields = [];
        text = SectionText.All;
        string name = r.Word();
        switch (name)
        {
            case "HEADER": text = SectionText.Header; return true;
            case "TEXT": text = SectionText.Text; return true;
            case "MIME" when allowMime: text = SectionText.Mime; return true;
            case "HEADER.FIELDS" or "HEADER.FIELDS.NOT":
            {
                text = name == "HEADER.FIELDS" ? SectionText.HeaderFields : SectionText.HeaderFieldsNot;
                // header-list = "(" header-fld-name *(SP header-fld-name) ")"; header-fld-name = astring.
                if (!r.Sp($"Expected SP and header list after {name}")) return false;
                if (!r.Expect((byte)'(', "Expected ( before header list")) return false;
                var list = new List<string>();
                while (true)
                {
                    if (!r.TryAstring(out string field, "header field name")) return false;
                    list.Add(field);
                    if (r.TryByte((byte)')')) break;
                    if (!r.Sp("Expected SP or ) in header list")) return false;
                }
                fields = list;
                return true;
            }
            default:
                return r.Fail(name.Length == 0 ? "Invalid section" : $"Invalid section {name}");
        }
    }

    /// <summary>section-binary = "[" [section-part] "]" (RFC 3516 §6).</summary>
    private static bool TryBinaryPart(ref ImapReader r, out int[] part)
    {
        part = [];
        if (!r.Expect((byte)'[', "Expected [ after BINARY")) return false;
        var parts = new List<int>();
        if (r.Peek != ']')
        {
            while (true)
            {
                if (!r.TryNzNumber(out uint n, "section part", strict: false)) return false;
                if (n > int.MaxValue) return r.Fail("Section part number too large");
                parts.Add((int)n);
                if (!r.TryByte((byte)'.')) break;
            }
        }
        if (!r.Expect((byte)']', "Expected ] after BINARY section")) return false;
        part = [.. parts];
        return true;
    }

    /// <summary>partial = "&lt;" number64 "." nz-number64 "&gt;" (RFC 9051 §9).</summary>
    private static bool TryPartial(ref ImapReader r, out Partial? partial)
    {
        partial = null;
        if (!r.TryByte((byte)'<')) return true;
        if (!TryPartialNumber(ref r, out ulong origin, "partial origin")) return false;
        if (!r.Expect((byte)'.', "Expected . in partial")) return false;
        if (!TryPartialNumber(ref r, out ulong length, "partial length")) return false;
        if (length == 0) return r.Fail("Partial length must not be zero");
        if (!r.Expect((byte)'>', "Expected > after partial")) return false;
        partial = new Partial(origin, length);
        return true;
    }

    private static bool TryPartialNumber(ref ImapReader r, out ulong value, string what)
    {
        value = 0;
        int start = r.Pos;
        while (r.Peek is >= '0' and <= '9')
        {
            ulong next = value * 10 + (ulong)(r.Peek - '0');
            if (value > long.MaxValue / 10 || next > long.MaxValue) return r.Fail($"Number too large for {what}");
            value = next;
            r.Pos++;
        }
        return r.Pos > start || r.Fail($"Expected number for {what}");
    }
}
