using System.Globalization;
using AkkaImap.Protocol.Commands;
using AkkaImap.Server.Sasl;
using AkkaImap.Server.Sessions;

namespace AkkaImap.Server.Commands;

/// <summary>
/// The one place the capability list is computed (RFC 9051 §7.2.2), from the settings, the
/// connection and the session state. An extension is advertised only when its command has a
/// handler in the registry, so a half-built server never promises what it cannot do.
/// Before authentication only what a client needs to log in is listed, as Dovecot does; the
/// full list follows in the OK of LOGIN/AUTHENTICATE (<c>[CAPABILITY ...]</c>).
/// </summary>
public static class Capabilities
{
    public static IReadOnlyList<string> For(SessionContext context)
    {
        var registry = context.Registry;
        var list = new List<string> { "IMAP4rev1", "IMAP4rev2" };
        // RFC 7888: the receiver accepts {n+} on every command.
        list.Add("LITERAL+");
        if (context.State == SessionState.NotAuthenticated)
        {
            AddAuthentication(context, list);
        }
        AddIf(list, registry.Handles<IdCommand>(), "ID");
        AddIf(list, registry.Handles<EnableCommand>(), "ENABLE");
        AddIf(list, registry.Handles<IdleCommand>(), "IDLE");
        // RFC 6855: enabled by ENABLE (authenticated state); then names travel as UTF-8 and APPEND takes UTF8 (...).
        AddIf(list, registry.Handles<EnableCommand>() && registry.Handles<AppendCommand>() && context.State != SessionState.NotAuthenticated, "UTF8=ACCEPT");
        if (context.State == SessionState.NotAuthenticated)
        {
            return list;
        }

        AddIf(list, registry.Handles<NamespaceCommand>(), "NAMESPACE");
        AddIf(list, registry.Handles<UnselectCommand>(), "UNSELECT");
        // RFC 4315: UID EXPUNGE plus the APPENDUID/COPYUID codes of APPEND and COPY.
        AddIf(list, registry.Handles<UidExpungeCommand>() && registry.Handles<AppendCommand>() && registry.Handles<CopyCommand>(), "UIDPLUS");
        AddIf(list, registry.Handles<MoveCommand>(), "MOVE");
        if (registry.Handles<ListCommand>())
        {
            // RFC 3348, RFC 6154, RFC 5258: all answered by the LIST handler.
            list.AddRange(["CHILDREN", "SPECIAL-USE", "LIST-EXTENDED"]);
            AddIf(list, registry.Handles<StatusCommand>(), "LIST-STATUS");
        }
        AddIf(list, registry.Handles<CreateCommand>(), "CREATE-SPECIAL-USE");
        AddIf(list, registry.Handles<XListCommand>() && context.Settings.Xlist, "XLIST");
        if (registry.Handles<SearchCommand>())
        {
            list.AddRange(["ESEARCH", "SEARCHRES"]);
            // RFC 5032: OLDER/YOUNGER are evaluated by the SEARCH handler.
            list.Add("WITHIN");
        }
        // RFC 5256 with RFC 5957's DISPLAYFROM/DISPLAYTO and ESORT's RETURN options (RFC 5267 §3);
        // CONTEXT=SEARCH/SORT (live UPDATE results, PARTIAL) is not offered.
        AddIf(list, registry.Handles<SortCommand>(), "SORT");
        AddIf(list, registry.Handles<SortCommand>(), "SORT=DISPLAY");
        AddIf(list, registry.Handles<SortCommand>() && registry.Handles<SearchCommand>(), "ESORT");
        if (registry.Handles<ThreadCommand>())
        {
            list.AddRange(ThreadHandler.Algorithms.Select(a => "THREAD=" + a));
        }
        AddIf(list, registry.Handles<StatusCommand>(), "STATUS=SIZE");
        // RFC 9208: GETQUOTA/GETQUOTAROOT, OVERQUOTA on APPEND, COPY and LMTP, STATUS DELETED and DELETED-STORAGE.
        if (registry.Handles<GetQuotaRootCommand>() && registry.Handles<GetQuotaCommand>())
        {
            list.AddRange(["QUOTA", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE"]);
        }
        if (registry.Handles<AppendCommand>())
        {
            // RFC 7889: the literal cap of the receiver is the largest message APPEND takes.
            list.Add("APPENDLIMIT=" + context.Settings.Limits.MaxLiteral.ToString(CultureInfo.InvariantCulture));
            list.Add("MULTIAPPEND");
        }
        // RFC 4314: the ACL commands, each right checked by the commands it governs; RIGHTS=texk
        // says t, e, x and k stand alone ("create" is k and x, "delete" is t and e, §2.1.1).
        if (registry.Handles<SetAclCommand>() && registry.Handles<DeleteAclCommand>() && registry.Handles<GetAclCommand>()
            && registry.Handles<ListRightsCommand>() && registry.Handles<MyRightsCommand>())
        {
            list.AddRange(["ACL", "RIGHTS=texk"]);
        }
        AddIf(list, registry.Handles<FetchCommand>(), "BINARY");
        // RFC 7162: MODSEQ in FETCH/STORE/SEARCH/STATUS and SELECT; QRESYNC's SELECT, VANISHED and ENABLE.
        bool condStore = registry.Handles<SelectCommand>() && registry.Handles<FetchCommand>() && registry.Handles<StoreCommand>()
            && registry.Handles<SearchCommand>() && registry.Handles<StatusCommand>();
        AddIf(list, condStore, "CONDSTORE");
        AddIf(list, condStore && registry.Handles<EnableCommand>() && registry.Handles<UidExpungeCommand>(), "QRESYNC");
        // RFC 8970: FETCH PREVIEW (and LAZY) from the text computed at append time.
        AddIf(list, registry.Handles<FetchCommand>(), "PREVIEW");
        // RFC 8474: MAILBOXID in SELECT/EXAMINE, STATUS and CREATE; FETCH EMAILID/THREADID (THREADID is
        // NIL: no thread ids are kept, which §5.2 allows); SEARCH EMAILID/THREADID.
        AddIf(list, registry.Handles<FetchCommand>() && registry.Handles<SearchCommand>() && registry.Handles<StatusCommand>(), "OBJECTID");
        // RFC 8514: FETCH SAVEDATE and SEARCH SAVED*/SAVEDATESUPPORTED from the time the message was stored.
        AddIf(list, registry.Handles<FetchCommand>() && registry.Handles<SearchCommand>(), "SAVEDATE");
        // RFC 4978: deflate in the connection (ConnectionActor.Deflate), over TLS too; listed until it is on.
        AddIf(list, registry.Handles<CompressCommand>() && context.Settings.CompressLevel > 0 && !context.CompressionActive, "COMPRESS=DEFLATE");
        return list;
    }

    /// <summary>
    /// RFC 9051 §6.2.1/§11.1: STARTTLS on a plain endpoint before TLS; LOGINDISABLED where
    /// plaintext passwords are refused (no TLS and not a trusted network). AUTH= lists the SASL
    /// mechanisms switched on (<c>auth.*</c>), PLAIN and LOGIN only where plaintext is allowed.
    /// </summary>
    private static void AddAuthentication(SessionContext context, List<string> list)
    {
        if (context.CanStartTls)
        {
            list.Add("STARTTLS");
        }
        if (!context.PlaintextAuthAllowed)
        {
            list.Add("LOGINDISABLED");
        }
        if (!context.Registry.Handles<AuthenticateCommand>())
        {
            return;
        }
        foreach (var mechanism in SaslMechanisms.Enabled(context.Settings.Auth, context.PlaintextAuthAllowed))
        {
            list.Add("AUTH=" + mechanism);
        }
        // RFC 4959: initial responses are taken by the AUTHENTICATE handler.
        list.Add("SASL-IR");
    }

    private static void AddIf(List<string> list, bool condition, string capability)
    {
        if (condition)
        {
            list.Add(capability);
        }
    }
}
