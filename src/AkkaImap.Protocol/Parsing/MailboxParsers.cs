using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Sequences;

namespace AkkaImap.Protocol.Parsing;

/// <summary>The commands that name one mailbox (RFC 9051 §6.3) and ENABLE.</summary>
internal static class MailboxParsers
{
    /// <summary>enable = "ENABLE" 1*(SP capability) (RFC 5161 §4).</summary>
    public static ImapCommand? ParseEnable(ref ImapReader r, string tag, bool uid)
    {
        var capabilities = new List<string>();
        if (!r.Sp("Expected SP and capability after ENABLE")) return null;
        do
        {
            if (!r.TryAtom(out string capability, "capability", upper: true)) return null;
            capabilities.Add(capability);
        }
        while (r.TryByte((byte)' '));
        return r.ExpectEnd("ENABLE") ? new EnableCommand(tag, capabilities) : null;
    }

    public static ImapCommand? ParseSelect(ref ImapReader r, string tag, bool uid) =>
        TrySelect(ref r, "SELECT", out var mailbox, out var parameters) ? new SelectCommand(tag, mailbox, parameters) : null;

    public static ImapCommand? ParseExamine(ref ImapReader r, string tag, bool uid) =>
        TrySelect(ref r, "EXAMINE", out var mailbox, out var parameters) ? new ExamineCommand(tag, mailbox, parameters) : null;

    public static ImapCommand? ParseDelete(ref ImapReader r, string tag, bool uid) =>
        TryOneMailbox(ref r, "DELETE", out var mailbox) ? new DeleteCommand(tag, mailbox) : null;

    public static ImapCommand? ParseSubscribe(ref ImapReader r, string tag, bool uid) =>
        TryOneMailbox(ref r, "SUBSCRIBE", out var mailbox) ? new SubscribeCommand(tag, mailbox) : null;

    public static ImapCommand? ParseUnsubscribe(ref ImapReader r, string tag, bool uid) =>
        TryOneMailbox(ref r, "UNSUBSCRIBE", out var mailbox) ? new UnsubscribeCommand(tag, mailbox) : null;

    /// <summary>rename = "RENAME" SP mailbox SP mailbox.</summary>
    public static ImapCommand? ParseRename(ref ImapReader r, string tag, bool uid)
    {
        if (!r.Sp("Expected SP and mailbox after RENAME")) return null;
        if (!r.TryAstring(out string from, "mailbox name")) return null;
        if (!r.Sp("Expected SP and new mailbox name")) return null;
        if (!r.TryAstring(out string to, "new mailbox name")) return null;
        return r.ExpectEnd("RENAME") ? new RenameCommand(tag, from, to) : null;
    }

    /// <summary>create = "CREATE" SP mailbox [create-params] (RFC 4466 §2.2); the USE parameter of RFC 6154 §3.</summary>
    public static ImapCommand? ParseCreate(ref ImapReader r, string tag, bool uid)
    {
        if (!r.Sp("Expected SP and mailbox after CREATE")) return null;
        if (!r.TryAstring(out string mailbox, "mailbox name")) return null;
        var uses = new List<string>();
        if (r.TryByte((byte)' '))
        {
            if (!r.Expect((byte)'(', "Expected ( before CREATE parameters")) return null;
            while (true)
            {
                if (!r.TryAtom(out string name, "CREATE parameter", upper: true)) return null;
                if (name != "USE") { r.Fail($"Unknown CREATE parameter {name}"); return null; }
                if (!r.Sp("Expected SP after USE")) return null;
                if (!r.TryFlagList(out var flags)) return null;
                uses.AddRange(flags);
                if (r.TryByte((byte)')')) break;
                if (!r.Sp("Expected SP or ) in CREATE parameters")) return null;
            }
        }
        return r.ExpectEnd("CREATE") ? new CreateCommand(tag, mailbox, uses) : null;
    }

    /// <summary>status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")".</summary>
    public static ImapCommand? ParseStatus(ref ImapReader r, string tag, bool uid)
    {
        if (!r.Sp("Expected SP and mailbox after STATUS")) return null;
        if (!r.TryAstring(out string mailbox, "mailbox name")) return null;
        if (!r.Sp("Expected SP and status items")) return null;
        if (!TryStatusItems(ref r, out var items)) return null;
        return r.ExpectEnd("STATUS") ? new StatusCommand(tag, mailbox, items) : null;
    }

    /// <summary>"(" status-att *(SP status-att) ")" with the items of RFC 9051, RFC 3501, RFC 7162, RFC 7889.</summary>
    internal static bool TryStatusItems(ref ImapReader r, out List<StatusItem> items)
    {
        items = [];
        if (!r.Expect((byte)'(', "Expected ( before status items")) return false;
        while (true)
        {
            if (!r.TryAtom(out string name, "status item", upper: true)) return false;
            StatusItem? item = name switch
            {
                "MESSAGES" => StatusItem.Messages,
                "UIDNEXT" => StatusItem.UidNext,
                "UIDVALIDITY" => StatusItem.UidValidity,
                "UNSEEN" => StatusItem.Unseen,
                "DELETED" => StatusItem.Deleted,
                "DELETED-STORAGE" => StatusItem.DeletedStorage,
                "SIZE" => StatusItem.Size,
                "RECENT" => StatusItem.Recent,
                "HIGHESTMODSEQ" => StatusItem.HighestModSeq,
                "APPENDLIMIT" => StatusItem.AppendLimit,
                "MAILBOXID" => StatusItem.MailboxId,
                _ => null,
            };
            if (item is null) return r.Fail($"Unknown status item {name}");
            items.Add(item.Value);
            if (r.TryByte((byte)')')) return true;
            if (!r.Sp("Expected SP or ) in status items")) return false;
        }
    }

    private static bool TryOneMailbox(ref ImapReader r, string command, out string mailbox)
    {
        mailbox = "";
        return r.Sp($"Expected SP and mailbox after {command}")
            && r.TryAstring(out mailbox, "mailbox name")
            && r.ExpectEnd(command);
    }

    /// <summary>select = "SELECT" SP mailbox [select-params] (RFC 4466 §2.1; CONDSTORE, QRESYNC of RFC 7162).</summary>
    private static bool TrySelect(ref ImapReader r, string command, out string mailbox, out SelectParameters parameters)
    {
        parameters = SelectParameters.None;
        mailbox = "";
        if (!r.Sp($"Expected SP and mailbox after {command}")) return false;
        if (!r.TryAstring(out mailbox, "mailbox name")) return false;
        if (r.TryByte((byte)' '))
        {
            bool condStore = false;
            QResyncParameters? qresync = null;
            if (!r.Expect((byte)'(', $"Expected ( before {command} parameters")) return false;
            while (true)
            {
                if (!r.TryAtom(out string name, $"{command} parameter", upper: true)) return false;
                if (name == "CONDSTORE") condStore = true;
                else if (name == "QRESYNC")
                {
                    if (!r.Sp("Expected SP after QRESYNC")) return false;
                    if (!TryQResync(ref r, out qresync)) return false;
                }
                else return r.Fail($"Unknown {command} parameter {name}");
                if (r.TryByte((byte)')')) break;
                if (!r.Sp($"Expected SP or ) in {command} parameters")) return false;
            }
            parameters = new SelectParameters(condStore, qresync);
        }
        return r.ExpectEnd(command);
    }

    /// <summary>
    /// "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"
    /// with seq-match-data = "(" known-sequence-set SP known-uid-set ")" (RFC 7162 §7).
    /// </summary>
    private static bool TryQResync(ref ImapReader r, out QResyncParameters? qresync)
    {
        qresync = null;
        if (!r.Expect((byte)'(', "Expected ( after QRESYNC")) return false;
        if (!r.TryNzNumber(out uint uidValidity, "QRESYNC uidvalidity")) return false;
        if (!r.Sp("Expected SP and mod-sequence in QRESYNC")) return false;
        if (!r.TryNumber64(out ulong modSeq, "QRESYNC mod-sequence")) return false;
        SequenceSet? knownUids = null, knownSeq = null, knownSeqUids = null;
        if (r.TryByte((byte)' '))
        {
            if (r.Peek != '(')
            {
                if (!SequenceParsing.TrySet(ref r, out knownUids, "known UIDs")) return false;
                if (r.TryByte((byte)' ') && r.Peek != '(') return r.Fail("Expected ( before QRESYNC sequence match data");
            }
            if (r.TryByte((byte)'('))
            {
                if (!SequenceParsing.TrySet(ref r, out knownSeq, "known sequence set")) return false;
                if (!r.Sp("Expected SP and known UID set")) return false;
                if (!SequenceParsing.TrySet(ref r, out knownSeqUids, "known UID set")) return false;
                if (!r.Expect((byte)')', "Expected ) after QRESYNC sequence match data")) return false;
            }
        }
        if (!r.Expect((byte)')', "Expected ) after QRESYNC parameters")) return false;
        qresync = new QResyncParameters(uidValidity, modSeq, knownUids, knownSeq, knownSeqUids);
        return true;
    }
}
