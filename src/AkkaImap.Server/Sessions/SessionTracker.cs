using Akka.Actor;
using Akka.Event;
using AkkaImap.Server.DirectoryFeed;

namespace AkkaImap.Server.Sessions;

/// <summary>
/// Knows the live sessions of one server (they announce themselves with
/// <see cref="SessionStarted"/>; the tracker watches them), so that stopping the server can tell
/// each to say BYE and wait until they are gone. Sessions are children of connection actors
/// created by the transport, so nothing else can reach them all. It also knows whose each
/// logged-in session is (<see cref="SessionAuthenticated"/>) and passes on the directory changes
/// that concern them (<see cref="DirectoryNotices"/>): a removed mailbox's sessions end at once.
/// </summary>
internal sealed class SessionTracker : ReceiveActor
{
    private readonly HashSet<IActorRef> _sessions = [];
    private readonly Dictionary<IActorRef, SessionAuthenticated> _accounts = [];
    private readonly List<TaskCompletionSource> _waiting = [];
    private bool _stopping;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public SessionTracker()
    {
        Receive<SessionStarted>(_ =>
        {
            if (_stopping)
            {
                Sender.Tell(ServerShuttingDown.Instance);
            }
            if (_sessions.Add(Sender))
            {
                Context.Watch(Sender);
            }
        });
        Receive<SessionAuthenticated>(m =>
        {
            if (_sessions.Contains(Sender))
            {
                _accounts[Sender] = m;
            }
        });
        Receive<IDirectoryChanged>(change =>
        {
            if (DirectoryNotices.For(change) is not { } notice)
            {
                return;
            }
            var told = 0;
            foreach (var (session, account) in _accounts)
            {
                if (notice.Concerns(account))
                {
                    session.Tell(notice.Message);
                    told++;
                }
            }
            if (told > 0)
            {
                _log.Info("{Sessions} sessions told of the directory change ({What}): those it ends get BYE", told, DirectoryEvents.Describe(change));
            }
        });
        Receive<Terminated>(t =>
        {
            _sessions.Remove(t.ActorRef);
            _accounts.Remove(t.ActorRef);
            CompleteIfEmpty();
        });
        Receive<ShutDownSessions>(m =>
        {
            _stopping = true;
            _log.Info("telling {Sessions} sessions the server is shutting down: idle ones get BYE now, running commands finish first", _sessions.Count);
            foreach (var session in _sessions)
            {
                session.Tell(ServerShuttingDown.Instance);
            }
            _waiting.Add(m.AllGone);
            CompleteIfEmpty();
        });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new SessionTracker());

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(IDirectoryChanged));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private void CompleteIfEmpty()
    {
        if (_sessions.Count > 0)
        {
            return;
        }
        foreach (var waiter in _waiting)
        {
            waiter.TrySetResult();
        }
        _waiting.Clear();
    }

    /// <summary>Tells every session (and any that starts later) to BYE; completes when none is left.</summary>
    public sealed record ShutDownSessions(TaskCompletionSource AllGone) : INoSerializationVerificationNeeded;
}
