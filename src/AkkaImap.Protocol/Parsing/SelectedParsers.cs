using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Sequences;

namespace AkkaImap.Protocol.Parsing;

/// <summary>EXPUNGE/UID EXPUNGE, STORE, COPY and MOVE (RFC 9051 §6.4, RFC 4315, RFC 6851, RFC 7162).</summary>
internal static class SelectedParsers
{
    public static ImapCommand? ParseExpunge(ref ImapReader r, string tag, bool uid)
    {
        if (!uid) return CommandParser.NoArgs(ref r, "EXPUNGE", new ExpungeCommand(tag));
        if (!r.Sp("Expected SP and UID set after UID EXPUNGE")) return null;
        if (!SequenceParsing.TrySet(ref r, out var set, "UID set")) return null;
        return r.ExpectEnd("UID EXPUNGE") ? new UidExpungeCommand(tag, set) : null;
    }

    public static ImapCommand? ParseCopy(ref ImapReader r, string tag, bool uid) =>
        TrySetAndMailbox(ref r, uid ? "UID COPY" : "COPY", out var set, out var mailbox) ? new CopyCommand(tag, uid, set, mailbox) : null;

    public static ImapCommand? ParseMove(ref ImapReader r, string tag, bool uid) =>
        TrySetAndMailbox(ref r, uid ? "UID MOVE" : "MOVE", out var set, out var mailbox) ? new MoveCommand(tag, uid, set, mailbox) : null;

    /// <summary>
    /// store = "STORE" SP sequence-set [store-modifiers] SP store-att-flags (RFC 7162 §7);
    /// store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag))).
    /// </summary>
    public static ImapCommand? ParseStore(ref ImapReader r, string tag, bool uid)
    {
        string name = uid ? "UID STORE" : "STORE";
        if (!r.Sp($"Expected SP and sequence set after {name}")) return null;
        if (!SequenceParsing.TrySet(ref r, out var set, "message set")) return null;
        if (!r.Sp("Expected SP and flags item after sequence set")) return null;
        ulong? unchangedSince = null;
        if (r.TryByte((byte)'('))
        {
            if (!r.TryAtom(out string modifier, "STORE modifier", upper: true)) return null;
            if (modifier != "UNCHANGEDSINCE") { r.Fail($"Unknown STORE modifier {modifier}"); return null; }
            if (!r.Sp("Expected SP after UNCHANGEDSINCE")) return null;
            if (!r.TryNumber64(out ulong value, "UNCHANGEDSINCE")) return null;
            unchangedSince = value;
            if (!r.Expect((byte)')', "Expected ) after STORE modifiers")) return null;
            if (!r.Sp("Expected SP and flags item after STORE modifiers")) return null;
        }
        var mode = StoreMode.Replace;
        if (r.TryByte((byte)'+')) mode = StoreMode.Add;
        else if (r.TryByte((byte)'-')) mode = StoreMode.Remove;
        if (!r.TryAtom(out string item, "flags item", upper: true)) return null;
        bool silent = item == "FLAGS.SILENT";
        if (!silent && item != "FLAGS") { r.Fail($"Invalid STORE item {item}"); return null; }
        if (!r.Sp("Expected SP and flags")) return null;
        List<string> flags;
        if (r.Peek == '(')
        {
            if (!r.TryFlagList(out flags)) return null;
        }
        else
        {
            flags = [];
            do
            {
                if (!r.TryFlag(out string flag)) return null;
                flags.Add(flag);
            }
            while (r.TryByte((byte)' '));
        }
        return r.ExpectEnd(name) ? new StoreCommand(tag, uid, set, unchangedSince, mode, silent, flags) : null;
    }

    private static bool TrySetAndMailbox(ref ImapReader r, string name, out SequenceSet set, out string mailbox)
    {
        set = SequenceSet.Saved;
        mailbox = "";
        return r.Sp($"Expected SP and sequence set after {name}")
            && SequenceParsing.TrySet(ref r, out set, "message set")
            && r.Sp("Expected SP and mailbox after sequence set")
            && r.TryAstring(out mailbox, "mailbox name")
            && r.ExpectEnd(name);
    }
}
