using AkkaImap.Protocol.Commands;

namespace AkkaImap.Protocol.Parsing;

/// <summary>The QUOTA commands of RFC 9208 §4.</summary>
internal static class QuotaParsers
{
    public static ImapCommand? ParseGetQuota(ref ImapReader r, string tag, bool uid)
    {
        if (!r.Sp("Expected SP and quota root after GETQUOTA")) return null;
        if (!r.TryAstring(out string root, "quota root")) return null;
        return r.ExpectEnd("GETQUOTA") ? new GetQuotaCommand(tag, root) : null;
    }

    public static ImapCommand? ParseGetQuotaRoot(ref ImapReader r, string tag, bool uid)
    {
        if (!r.Sp("Expected SP and mailbox after GETQUOTAROOT")) return null;
        if (!r.TryAstring(out string mailbox, "mailbox name")) return null;
        return r.ExpectEnd("GETQUOTAROOT") ? new GetQuotaRootCommand(tag, mailbox) : null;
    }

    /// <summary>setquota = "SETQUOTA" SP quota-root SP setquota-list; setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")".</summary>
    public static ImapCommand? ParseSetQuota(ref ImapReader r, string tag, bool uid)
    {
        if (!r.Sp("Expected SP and quota root after SETQUOTA")) return null;
        if (!r.TryAstring(out string root, "quota root")) return null;
        if (!r.Sp("Expected SP and resource limits")) return null;
        if (!r.Expect((byte)'(', "Expected ( before resource limits")) return null;
        var limits = new List<QuotaLimit>();
        if (!r.TryByte((byte)')'))
        {
            while (true)
            {
                if (!r.TryAtom(out string resource, "resource name", upper: true)) return null;
                if (!r.Sp("Expected SP and limit after resource name")) return null;
                if (!r.TryNumber64(out ulong limit, "resource limit")) return null;
                limits.Add(new QuotaLimit(resource, limit));
                if (r.TryByte((byte)')')) break;
                if (!r.Sp("Expected SP or ) in resource limits")) return null;
            }
        }
        return r.ExpectEnd("SETQUOTA") ? new SetQuotaCommand(tag, root, limits) : null;
    }
}
