using AkkaImap.Protocol.Commands;

namespace AkkaImap.Protocol.Parsing;

/// <summary>APPEND with MULTIAPPEND (RFC 3502), literal8 (RFC 3516) and UTF8 (RFC 6855).</summary>
internal static class AppendParser
{
    /// <summary>
    /// append = "APPEND" SP mailbox 1*append-message (RFC 3502 §6);
    /// append-message = [SP flag-list] [SP date-time] SP append-data;
    /// append-data = literal / literal8 / "UTF8" SP "(" literal8 ")".
    /// </summary>
    public static ImapCommand? ParseAppend(ref ImapReader r, string tag, bool uid)
    {
        if (!r.Sp("Expected SP and mailbox after APPEND")) return null;
        if (!r.TryAstring(out string mailbox, "mailbox name")) return null;
        var messages = new List<AppendMessage>();
        while (r.TryByte((byte)' '))
        {
            IReadOnlyList<string> flags = [];
            DateTimeOffset? date = null;
            if (r.Peek == '(')
            {
                if (!r.TryFlagList(out var list)) return null;
                flags = list;
                if (!r.Sp("Expected SP and message literal after flags")) return null;
            }
            if (r.Peek == '"')
            {
                if (!DateParser.TryReadDateTime(ref r, out var value)) return null;
                date = value;
                if (!r.Sp("Expected SP and message literal after date-time")) return null;
            }
            bool utf8 = false;
            if (r.TryKeyword("UTF8"))
            {
                utf8 = true;
                if (!r.Sp("Expected SP after UTF8") || !r.Expect((byte)'(', "Expected ( after UTF8")) return null;
                if (r.Peek != '~') { r.Fail("Expected literal8 in UTF8 data"); return null; }
            }
            if (r.Peek is not ('{' or '~'))
            {
                r.Fail(r.AtLineEnd ? "Missing message literal" : "Expected message literal");
                return null;
            }
            if (!r.TryLiteral(out var content, out bool binary, allowBinary: true)) return null;
            if (utf8 && !r.Expect((byte)')', "Expected ) after UTF8 literal")) return null;
            messages.Add(new AppendMessage(flags, date, content, binary, utf8));
        }
        if (messages.Count == 0)
        {
            r.Fail(r.AtLineEnd ? "Missing message literal" : "Expected SP and message literal after mailbox");
            return null;
        }
        return r.ExpectEnd("APPEND") ? new AppendCommand(tag, mailbox, messages) : null;
    }
}
