using Akka.Actor;
using AkkaImap.Server.Workers;
using AkkaImap.Storage;

namespace AkkaImap.Server.Accounts;

/// <summary>
/// The only entry point to accounts: takes <see cref="AccountEnvelope"/> and forwards its command,
/// keeping the original sender, to the <see cref="AccountActor"/> of that account, created on
/// first use. Sessions never hold an account's ref, so in cluster mode this becomes a sharding
/// region (message extractor on <see cref="AccountEnvelope.AccountId"/>) without touching them.
/// An account actor with no selected folder for the idle timeout is stopped (passivated); commands
/// that arrive while it stops are kept and replayed, in order, to its successor.
/// </summary>
public sealed class AccountRegion : ReceiveActor
{
    /// <summary>How long an account actor with no selected folder lives on (default).</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Messages of unselected folders an account keeps loaded (default of <c>cache.unselected-messages</c>).</summary>
    public const int DefaultUnselectedMessages = 100_000;

    private readonly IMailStore _store;
    private readonly TimeSpan? _idleTimeout;
    private readonly int _unselectedMessages;
    private readonly Dictionary<long, IActorRef> _accounts = [];
    private readonly Dictionary<IActorRef, long> _ids = [];
    /// <summary>Commands for accounts whose actor is stopping, replayed in order to its successor.</summary>
    private readonly Dictionary<long, List<(IAccountCommand Command, IActorRef Sender)>> _stopping = [];

    public AccountRegion(IMailStore store, TimeSpan? idleTimeout, int unselectedMessages)
    {
        _store = store;
        _idleTimeout = idleTimeout;
        _unselectedMessages = unselectedMessages;
        Receive<AccountEnvelope>(e =>
        {
            if (_stopping.TryGetValue(e.AccountId, out var buffer)) buffer.Add((e.Command, Sender));
            else AccountFor(e.AccountId).Forward(e.Command);
        });
        Receive<AccountIdle>(_ =>
        {
            if (!_ids.TryGetValue(Sender, out var id) || !_accounts.TryGetValue(id, out var current) || !current.Equals(Sender)) return;
            _accounts.Remove(id);
            _stopping[id] = [];
            Sender.Tell(StopAccount.Instance);
        });
        Receive<AccountBusy>(_ =>
        {
            if (!_ids.TryGetValue(Sender, out var id) || !_stopping.Remove(id, out var buffer)) return;
            _accounts[id] = Sender;
            foreach (var (command, sender) in buffer) Sender.Tell(command, sender);
        });
        Receive<Terminated>(t =>
        {
            if (!_ids.Remove(t.ActorRef, out var id)) return;
            if (_accounts.TryGetValue(id, out var current) && current.Equals(t.ActorRef)) _accounts.Remove(id);
            if (_stopping.Remove(id, out var buffer) && buffer.Count > 0)
            {
                var successor = AccountFor(id);
                foreach (var (command, sender) in buffer) successor.Tell(command, sender);
            }
        });
    }

    /// <param name="idleTimeout">An account actor with no selected folder for this long is stopped
    /// (its state is only a cache); default <see cref="DefaultIdleTimeout"/>.</param>
    /// <param name="unselectedMessages">Messages of folders no session has selected each account keeps loaded.</param>
    public static Props Props(IMailStore store, TimeSpan? idleTimeout = null, int unselectedMessages = DefaultUnselectedMessages) =>
        Akka.Actor.Props.Create(() => new AccountRegion(store, idleTimeout ?? DefaultIdleTimeout, unselectedMessages));

    /// <summary>An account actor that fails is restarted empty; its sessions keep their views.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);

    private IActorRef AccountFor(long accountId)
    {
        if (_accounts.TryGetValue(accountId, out var account)) return account;
        account = Context.ActorOf(
            AccountActor.Props(_store, MailboxOwner.ForAccount(accountId), _idleTimeout, _unselectedMessages).OnImapDispatcher(Context.System),
            "account-" + accountId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Context.Watch(account);
        _accounts.Add(accountId, account);
        _ids.Add(account, accountId);
        return account;
    }
}
