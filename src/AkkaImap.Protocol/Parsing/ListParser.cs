using AkkaImap.Protocol.Commands;

namespace AkkaImap.Protocol.Parsing;

/// <summary>LIST (RFC 9051 §6.3.9 with RFC 5258, RFC 5819, RFC 6154), LSUB and XLIST.</summary>
internal static class ListParser
{
    /// <summary>
    /// list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]
    /// (RFC 5258 §6).
    /// </summary>
    public static ImapCommand? ParseList(ref ImapReader r, string tag, bool uid)
    {
        if (!r.Sp("Expected SP after LIST")) return null;
        var select = ListSelectOptions.None;
        bool extended = false;
        if (r.Peek == '(')
        {
            extended = true;
            if (!TrySelectOptions(ref r, out select)) return null;
            if (!r.Sp("Expected SP and reference name after selection options")) return null;
        }
        if (!r.TryAstring(out string reference, "reference name")) return null;
        if (!r.Sp("Expected SP and mailbox pattern")) return null;
        var patterns = new List<string>();
        if (r.TryByte((byte)'('))
        {
            extended = true;
            while (true)
            {
                if (!r.TryListMailbox(out string pattern, "mailbox pattern")) return null;
                patterns.Add(pattern);
                if (r.TryByte((byte)')')) break;
                if (!r.Sp("Expected SP or ) in mailbox patterns")) return null;
            }
        }
        else
        {
            if (!r.TryListMailbox(out string pattern, "mailbox pattern")) return null;
            patterns.Add(pattern);
        }

        var returns = ListReturnOptions.None;
        var status = new List<StatusItem>();
        if (r.TryByte((byte)' '))
        {
            extended = true;
            if (!r.TryKeyword("RETURN")) { r.Fail("Expected RETURN"); return null; }
            if (!r.Sp("Expected SP after RETURN")) return null;
            if (!TryReturnOptions(ref r, out returns, status)) return null;
        }
        if (!r.ExpectEnd("LIST")) return null;
        return new ListCommand(tag, reference, patterns, select, returns, status, extended);
    }

    public static ImapCommand? ParseLsub(ref ImapReader r, string tag, bool uid) =>
        TryReferenceAndPattern(ref r, "LSUB", out var reference, out var pattern) ? new LsubCommand(tag, reference, pattern) : null;

    public static ImapCommand? ParseXList(ref ImapReader r, string tag, bool uid) =>
        TryReferenceAndPattern(ref r, "XLIST", out var reference, out var pattern) ? new XListCommand(tag, reference, pattern) : null;

    private static bool TryReferenceAndPattern(ref ImapReader r, string command, out string reference, out string pattern)
    {
        pattern = "";
        reference = "";
        return r.Sp($"Expected SP after {command}")
            && r.TryAstring(out reference, "reference name")
            && r.Sp("Expected SP and mailbox pattern")
            && r.TryListMailbox(out pattern, "mailbox pattern")
            && r.ExpectEnd(command);
    }

    /// <summary>list-select-opts = "(" [list-select-opt *(SP list-select-opt)] ")" (RFC 5258 §6, RFC 6154 §6).</summary>
    private static bool TrySelectOptions(ref ImapReader r, out ListSelectOptions options)
    {
        options = ListSelectOptions.None;
        r.Pos++;
        if (r.TryByte((byte)')')) return true;
        while (true)
        {
            if (!r.TryAtom(out string name, "LIST selection option", upper: true)) return false;
            options |= name switch
            {
                "SUBSCRIBED" => ListSelectOptions.Subscribed,
                "REMOTE" => ListSelectOptions.Remote,
                "RECURSIVEMATCH" => ListSelectOptions.RecursiveMatch,
                "SPECIAL-USE" => ListSelectOptions.SpecialUse,
                _ => ListSelectOptions.None,
            };
            if (name is not ("SUBSCRIBED" or "REMOTE" or "RECURSIVEMATCH" or "SPECIAL-USE"))
                return r.Fail($"Unknown LIST selection option {name}");
            if (r.TryByte((byte)')')) break;
            if (!r.Sp("Expected SP or ) in selection options")) return false;
        }
        // RFC 5258 §3.1: RECURSIVEMATCH alone (or with only REMOTE) is a syntax error.
        if (options.HasFlag(ListSelectOptions.RecursiveMatch)
            && (options & (ListSelectOptions.Subscribed | ListSelectOptions.SpecialUse)) == 0)
            return r.Fail("RECURSIVEMATCH needs another selection option");
        return true;
    }

    /// <summary>list-return-opts = "RETURN" SP "(" [return-option *(SP return-option)] ")" (RFC 5258 §6, RFC 5819 §3).</summary>
    private static bool TryReturnOptions(ref ImapReader r, out ListReturnOptions options, List<StatusItem> status)
    {
        options = ListReturnOptions.None;
        if (!r.Expect((byte)'(', "Expected ( after RETURN")) return false;
        if (r.TryByte((byte)')')) return true;
        while (true)
        {
            if (!r.TryAtom(out string name, "LIST return option", upper: true)) return false;
            switch (name)
            {
                case "SUBSCRIBED": options |= ListReturnOptions.Subscribed; break;
                case "CHILDREN": options |= ListReturnOptions.Children; break;
                case "SPECIAL-USE": options |= ListReturnOptions.SpecialUse; break;
                case "STATUS":
                    options |= ListReturnOptions.Status;
                    if (!r.Sp("Expected SP and status items after STATUS")) return false;
                    if (!MailboxParsers.TryStatusItems(ref r, out var items)) return false;
                    status.AddRange(items);
                    break;
                default: return r.Fail($"Unknown LIST return option {name}");
            }
            if (r.TryByte((byte)')')) return true;
            if (!r.Sp("Expected SP or ) in return options")) return false;
        }
    }
}
