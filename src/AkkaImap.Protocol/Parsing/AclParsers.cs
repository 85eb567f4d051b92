using AkkaImap.Protocol.Commands;

namespace AkkaImap.Protocol.Parsing;

/// <summary>The ACL commands of RFC 4314 §3; identifiers and rights are astrings (§4, formal syntax).</summary>
internal static class AclParsers
{
    /// <summary>setacl = "SETACL" SP mailbox SP identifier SP mod-rights.</summary>
    public static ImapCommand? ParseSetAcl(ref ImapReader r, string tag, bool uid)
    {
        if (!MailboxAndIdentifier(ref r, "SETACL", out var mailbox, out var identifier)) return null;
        if (!r.Sp("Expected SP and rights after identifier")) return null;
        if (!r.TryAstring(out string rights, "rights")) return null;
        return r.ExpectEnd("SETACL") ? new SetAclCommand(tag, mailbox, identifier, rights) : null;
    }

    /// <summary>deleteacl = "DELETEACL" SP mailbox SP identifier.</summary>
    public static ImapCommand? ParseDeleteAcl(ref ImapReader r, string tag, bool uid)
    {
        if (!MailboxAndIdentifier(ref r, "DELETEACL", out var mailbox, out var identifier)) return null;
        return r.ExpectEnd("DELETEACL") ? new DeleteAclCommand(tag, mailbox, identifier) : null;
    }

    /// <summary>listrights = "LISTRIGHTS" SP mailbox SP identifier.</summary>
    public static ImapCommand? ParseListRights(ref ImapReader r, string tag, bool uid)
    {
        if (!MailboxAndIdentifier(ref r, "LISTRIGHTS", out var mailbox, out var identifier)) return null;
        return r.ExpectEnd("LISTRIGHTS") ? new ListRightsCommand(tag, mailbox, identifier) : null;
    }

    /// <summary>getacl = "GETACL" SP mailbox.</summary>
    public static ImapCommand? ParseGetAcl(ref ImapReader r, string tag, bool uid)
    {
        if (!r.Sp("Expected SP and mailbox after GETACL")) return null;
        if (!r.TryAstring(out string mailbox, "mailbox name")) return null;
        return r.ExpectEnd("GETACL") ? new GetAclCommand(tag, mailbox) : null;
    }

    /// <summary>myrights = "MYRIGHTS" SP mailbox.</summary>
    public static ImapCommand? ParseMyRights(ref ImapReader r, string tag, bool uid)
    {
        if (!r.Sp("Expected SP and mailbox after MYRIGHTS")) return null;
        if (!r.TryAstring(out string mailbox, "mailbox name")) return null;
        return r.ExpectEnd("MYRIGHTS") ? new MyRightsCommand(tag, mailbox) : null;
    }

    private static bool MailboxAndIdentifier(ref ImapReader r, string verb, out string mailbox, out string identifier)
    {
        identifier = "";
        mailbox = "";
        if (!r.Sp($"Expected SP and mailbox after {verb}")) return false;
        if (!r.TryAstring(out mailbox, "mailbox name")) return false;
        if (!r.Sp("Expected SP and identifier after mailbox")) return false;
        return r.TryAstring(out identifier, "identifier");
    }
}
