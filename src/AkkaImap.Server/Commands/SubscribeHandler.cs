using AkkaImap.Protocol.Commands;
using AkkaImap.Server.Accounts;

namespace AkkaImap.Server.Commands;

/// <summary>
/// SUBSCRIBE and UNSUBSCRIBE (RFC 9051 §6.3.7/§6.3.8). Subscriptions are names: a folder need not
/// exist to be subscribed (the RFC lets the server choose; LIST (SUBSCRIBED) then shows it as
/// \NonExistent), and unsubscribing a name that is not subscribed succeeds, as in Dovecot.
/// </summary>
internal sealed class SubscribeHandler : ICommandHandler<SubscribeCommand>, ICommandHandler<UnsubscribeCommand>
{
    public CommandOutcome Handle(SubscribeCommand command, SessionContext context) =>
        Set(command.Mailbox, subscribed: true, context);

    public CommandOutcome Handle(UnsubscribeCommand command, SessionContext context) =>
        Set(command.Mailbox, subscribed: false, context);

    private static CommandOutcome Set(string mailbox, bool subscribed, SessionContext context)
    {
        if (!MailboxNames.TryParse(context, mailbox, out var name, out var refusal))
        {
            return refusal;
        }
        var verb = subscribed ? "SUBSCRIBE" : "UNSUBSCRIBE";
        return CommandOutcome.AskAccount(new SetSubscribed(name, subscribed), reply => reply switch
        {
            SubscriptionChanged => CommandOutcome.Ok($"{verb} completed"),
            AccountCommandFailed failed => CommandOutcome.No(failed.Text, failed.Code.ToResponseCode()),
            _ => CommandOutcome.ServerBug(),
        });
    }
}
