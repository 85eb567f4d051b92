using AkkaImap.Protocol.Commands;

namespace AkkaImap.Server.Commands;

// The mailbox-level commands of RFC 9051 §6.3 and EXPUNGE / UID EXPUNGE of §6.4.3 and RFC 4315.
public sealed partial class CommandRegistry
{
    static partial void AddMailboxCommands(CommandRegistry registry)
    {
        var select = new SelectHandler();
        var subscribe = new SubscribeHandler();
        var expunge = new ExpungeHandler();
        var setAcl = new SetAclHandler();
        registry
            .Add<SelectCommand>("SELECT", CommandStates.AuthenticatedOrSelected, select)
            .Add<ExamineCommand>("EXAMINE", CommandStates.AuthenticatedOrSelected, select)
            .Add("CREATE", CommandStates.AuthenticatedOrSelected, new CreateHandler())
            .Add("DELETE", CommandStates.AuthenticatedOrSelected, new DeleteHandler())
            .Add("RENAME", CommandStates.AuthenticatedOrSelected, new RenameHandler())
            .Add<SubscribeCommand>("SUBSCRIBE", CommandStates.AuthenticatedOrSelected, subscribe)
            .Add<UnsubscribeCommand>("UNSUBSCRIBE", CommandStates.AuthenticatedOrSelected, subscribe)
            .Add("LIST", CommandStates.AuthenticatedOrSelected, new ListHandler())
            .Add("LSUB", CommandStates.AuthenticatedOrSelected, new LsubHandler())
            .Add("XLIST", CommandStates.AuthenticatedOrSelected, new XListHandler())
            .Add("STATUS", CommandStates.AuthenticatedOrSelected, new StatusHandler())
            .Add("APPEND", CommandStates.AuthenticatedOrSelected, new AppendHandler())
            // RFC 9208 QUOTA: limits are set by the administrator; users read them.
            .Add("GETQUOTA", CommandStates.AuthenticatedOrSelected, new GetQuotaHandler())
            .Add("GETQUOTAROOT", CommandStates.AuthenticatedOrSelected, new GetQuotaRootHandler())
            .Add("SETQUOTA", CommandStates.AuthenticatedOrSelected, new SetQuotaHandler())
            // RFC 4314 ACL: lists on public folders; a mailbox's own folders have every right and are not shared.
            .Add<SetAclCommand>("SETACL", CommandStates.AuthenticatedOrSelected, setAcl)
            .Add<DeleteAclCommand>("DELETEACL", CommandStates.AuthenticatedOrSelected, setAcl)
            .Add("GETACL", CommandStates.AuthenticatedOrSelected, new GetAclHandler())
            .Add("LISTRIGHTS", CommandStates.AuthenticatedOrSelected, new ListRightsHandler())
            .Add("MYRIGHTS", CommandStates.AuthenticatedOrSelected, new MyRightsHandler())
            // Not UsesSequenceNumbers: the EXPUNGE responses are the point of these commands (RFC 9051 §7.5.1).
            .Add<ExpungeCommand>("EXPUNGE", CommandStates.Selected, expunge)
            .Add<UidExpungeCommand>("UID EXPUNGE", CommandStates.Selected, expunge);
    }
}
