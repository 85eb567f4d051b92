using Akka.Actor;
using Akka.Event;
using AkkaImap.Protocol.Receiving;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Commands;
using AkkaImap.Server.Telemetry;
using AkkaImap.Server.Transport;
using AkkaImap.Storage;

namespace AkkaImap.Server.Sessions;

/// <summary>
/// One IMAP session, a child of its connection actor. It owns the command receiver, runs one
/// command at a time through the <see cref="CommandRegistry"/>, and switches behaviours with the
/// IMAP states (RFC 9051 §3): NotAuthenticated, Authenticated, Selected; plus Busy (a command awaits
/// work that is piped back), AwaitingLine (AUTHENTICATE), Idling (RFC 2177), WaitingForTls and
/// LoggingOut. Bytes that arrive while a command runs only accumulate in the receiver; the next
/// command is taken when the tagged response is written, so pipelined commands are answered in order.
/// This file holds the life cycle and the behaviours; SessionActor.Dispatch.cs runs the commands.
/// </summary>
public sealed partial class SessionActor : UntypedActor, IWithTimers
{
    private readonly SessionServices _services;
    private readonly IActorRef _connection;
    private readonly ResponseBuffer _output = new();
    private readonly SessionContext _context;
    /// <summary>Every line names the session and the client (<see cref="ConnectionLog"/>), handlers' lines too.</summary>
    private readonly ILoggingAdapter _log;
    private CommandReceiver _receiver;
    private SessionState _timeoutState = SessionState.NotAuthenticated;
    private bool _closing;
    private bool _tlsPending;
    /// <summary>Client bytes after the COMPRESS command line, returned to the connection once it compresses.</summary>
    private List<byte[]>? _compressedInput;
    private bool _shutdownPending;
    private bool _readingSuspended;
    private bool _outputBlocked;
    /// <summary>The client half-closed: answer what was received, then close (<see cref="ClientInputEnded"/>).</summary>
    private bool _inputEnded;
    private StepReady? _deferredStep;
    /// <summary>The state this session is counted in (<see cref="ImapMetrics.SessionMoved"/>); null once it stopped.</summary>
    private SessionState? _countedState;
    /// <summary>The owner of the selected folder, watched (<see cref="WatchOwner"/>).</summary>
    private IActorRef? _owner;
    private long _ownerFolderId;
    /// <summary>
    /// New commands wait for <see cref="Resubscribed"/>: the session learnt that its owner changed
    /// and its view may lack what the new owner did (<see cref="Resubscribe"/>).
    /// </summary>
    private bool _commandsHeld;
    /// <summary>Pieces of a large SELECT snapshot received so far.</summary>
    private List<Storage.MessageFlagState>? _snapshotRows;

    public SessionActor(SessionServices services, ConnectionInfo connection, IActorRef connectionActor)
    {
        _services = services;
        _connection = connectionActor;
        _log = ConnectionLog.For(Context.GetLogger(), connection);
        _receiver = NewReceiver();
        _context = new SessionContext(services, connection, _output, SendOutputThen, Self, _log);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(SessionServices services, ConnectionInfo connection, IActorRef connectionActor) =>
        Akka.Actor.Props.Create(() => new SessionActor(services, connection, connectionActor));

    /// <summary>The factory the transport calls for each new connection.</summary>
    public static SessionPropsFactory Factory(SessionServices services) =>
        (connection, connectionActor) => Props(services, connection, connectionActor);

    protected override void PreStart()
    {
        ImapMetrics.SessionOpened();
        ImapMetrics.SessionMoved(null, _countedState = SessionState.NotAuthenticated);
        _services.Tracker?.Tell(SessionStarted.Instance, Self);
        // RFC 9051 §7.1.1 greeting; the CAPABILITY code saves the client a round trip.
        _output.Write(new UntaggedStatusResponse(StatusKind.Ok, "AkkaImap ready", new CapabilityCode(_context.Capabilities)));
        SendOutput();
        // RFC 9051 §5.4 allows a shorter timer before login. It is a deadline from the connection's
        // start, not an idle timer: a client sending one byte a second must not keep it forever.
        Timers.StartSingleTimer(PreAuthTimer, PreAuthDeadline.Instance, _services.Settings.PreAuthTimeout);
        Become(NotAuthenticated);
    }

    protected override void PostStop()
    {
        if (_running?.Idle == true)
        {
            ImapMetrics.IdleEnded();
        }
        DropAhead();
        _context.Unselect();
        ImapMetrics.SessionClosed();
        ImapMetrics.SessionMoved(_countedState, null);
        _countedState = null;
    }

    protected override void OnReceive(object message) => NotAuthenticated(message);

    // ---- behaviours ----

    private void NotAuthenticated(object message) => Ready(message);

    private void Authenticated(object message) => Ready(message);

    private void Selected(object message)
    {
        if (message is FolderEvent folderEvent)
        {
            Enqueue(folderEvent);
            return;
        }
        Ready(message);
    }

    /// <summary>Between commands: client bytes are parsed at once.</summary>
    private void Ready(object message)
    {
        switch (message)
        {
            case ClientData data:
                OnClientData(data);
                break;
            case ReceiveTimeout:
                CloseWithBye("Idle timeout");
                break;
            case ServerShuttingDown:
                CloseWithBye("Server shutting down");
                break;
            default:
                Common(message);
                break;
        }
    }

    /// <summary>A command awaits a task, an account reply or a delay; nothing else is parsed meanwhile.</summary>
    private void Busy(object message)
    {
        switch (message)
        {
            case ClientData data:
                _receiver.Append(data.Data.Span);
                if (!_readingSuspended && _receiver.BufferedBytes > BusyBufferLimit)
                {
                    // Pipelined input beyond one command's worth waits in the socket, not in memory.
                    _readingSuspended = true;
                    _connection.Tell(SuspendReading.Instance);
                }
                TrySendAhead();
                break;
            case FolderEvent folderEvent:
                Enqueue(folderEvent);
                break;
            case StepReady ready when ready.Step == _step && _outputBlocked:
                // The client does not read: the next chunk of this command waits until it does.
                _deferredStep = ready;
                break;
            case StepReady ready when ready.Step == _step:
                Timers.Cancel(StepTimer);
                Continue(ready.Next);
                Pump();
                break;
            case OutputSent sent when sent.Step == _step && _running?.AfterSent is { } afterSent:
                _running.AfterSent = null;
                Continue(afterSent);
                Pump();
                break;
            case StepFailed failed when failed.Step == _step:
                LogFailure(failed.Cause);
                Apply(CommandOutcome.Failed(failed.Cause));
                Pump();
                break;
            case SnapshotRows rows when _running?.Awaits(rows.RequestId) == true:
                (_snapshotRows ??= []).AddRange(rows.Rows);
                break;
            case OwnerReply answer when _running?.Awaits(answer.RequestId) == true:
                TakeReply(_running, answer, Sender);
                Pump();
                break;
            case StepTimedOut timedOut when timedOut.Step == _step && _running?.AccountReply is not null:
                _running.AccountReply = null;
                _running.EndOwnerCall();
                _snapshotRows = null;
                _log.Warning("{0}: no reply from the account within {1} (akka-imap.limits.owner-reply-timeout)", _running.Name, _services.Settings.Limits.OwnerReplyTimeout);
                // Its reply may still come (in a cluster the owner was moving to another node); it
                // carries this request's id, so it is never taken for the next command's
                // (OnLateReply). The change may or may not be made: the client can look.
                Apply(CommandOutcome.No("The mailbox did not answer in time; the command may or may not have been done", ResponseCode.Unavailable));
                Pump();
                break;
            case ReceiveTimeout when _outputBlocked:
                // Neither reading what we sent nor sending anything for idle-timeout: gone or stuck.
                CloseWithBye("Idle timeout");
                break;
            case ReceiveTimeout:
                // The client is waiting for us, it is not idle.
                break;
            case ServerShuttingDown:
                _shutdownPending = true;
                break;
            default:
                Common(message);
                break;
        }
    }

    /// <summary>AUTHENTICATE waits for the client's next line (RFC 9051 §6.2.2).</summary>
    private void AwaitingLine(object message)
    {
        switch (message)
        {
            case FolderEvent folderEvent:
                Enqueue(folderEvent);
                break;
            default:
                Ready(message);
                break;
        }
    }

    /// <summary>IDLE (RFC 2177 §3): changes are sent as they arrive, until DONE.</summary>
    private void Idling(object message)
    {
        switch (message)
        {
            case FolderEvent folderEvent:
                Enqueue(folderEvent);
                FlushView(expungeAllowed: true);
                SendOutput();
                break;
            default:
                Ready(message);
                break;
        }
    }

    /// <summary>
    /// After STARTTLS's OK, until the handshake is done. Plaintext that arrives meanwhile was sent
    /// before the client could see the OK and is dropped (RFC 9051 §6.2.1, CVE-2011-0411).
    /// </summary>
    private void WaitingForTls(object message)
    {
        switch (message)
        {
            case ClientData:
                break;
            case TlsEstablished:
                _tlsPending = false;
                _context.TlsStarted();
                Become(NotAuthenticated);
                if (_shutdownPending)
                {
                    CloseWithBye("Server shutting down");
                }
                break;
            case ReceiveTimeout or ServerShuttingDown or PreAuthDeadline or CommandLineDeadline:
                // No BYE: the connection is mid-handshake.
                CloseConnection();
                break;
            default:
                Common(message);
                break;
        }
    }

    /// <summary>
    /// After COMPRESS's OK, until the connection has switched (<see cref="CompressionStarted"/>):
    /// bytes that arrive meanwhile were read before the switch, so they are still compressed and
    /// go back to the connection with the rest of what followed the command line.
    /// </summary>
    private void WaitingForCompression(object message)
    {
        switch (message)
        {
            case ClientData data:
                _compressedInput?.Add(data.Data.ToArray());
                break;
            case CompressionStarted:
                var pending = _compressedInput ?? [];
                _compressedInput = null;
                var joined = new byte[pending.Sum(p => p.Length)];
                var at = 0;
                foreach (var piece in pending)
                {
                    piece.CopyTo(joined, at);
                    at += piece.Length;
                }
                _connection.Tell(new CompressedInput(joined));
                _context.CompressionStarted();
                if (_shutdownPending)
                {
                    CloseWithBye("Server shutting down");
                    break;
                }
                BecomeForState();
                Pump();
                break;
            case FolderEvent folderEvent:
                Enqueue(folderEvent);
                break;
            case ServerShuttingDown:
                _shutdownPending = true;
                break;
            default:
                Common(message);
                break;
        }
    }

    /// <summary>BYE is sent and Close asked; the connection reports when it is gone.</summary>
    private void LoggingOut(object message)
    {
        // Anything else (late input, the end of input, account news) no longer matters.
        if (message is ConnectionClosed)
        {
            Context.Stop(Self);
        }
    }

    private void Common(object message)
    {
        switch (message)
        {
            case ConnectionClosed:
                Context.Stop(Self);
                break;
            case TimeoutChanged:
                break;
            case ClientInputEnded:
                _inputEnded = true;
                if (_running is null || _running.Line is not null)
                {
                    // Otherwise the running command's end pumps, and closes then.
                    Pump();
                }
                break;
            case EndSession end:
                CloseWithBye(end.Text);
                break;
            case PublicFolderWithdrawn withdrawn when HasSelected(withdrawn):
                // RFC 2180 §3.2 (a mailbox deleted while others have it selected): the server MAY
                // disconnect them with an untagged BYE, which RFC 9051 §7.1.5 lets it send at any
                // time. Here it is an operator's change that no owner announced (no EXPUNGEs, no
                // [CLOSED]); nothing the session holds of the folder is valid any more, and closing
                // is the one answer every client handles.
                CloseWithBye(withdrawn.Text);
                break;
            case PublicFolderWithdrawn:
                break;
            case PublicFolderRightsMayHaveChanged changed when IsSelectedPublic(changed.FolderId) && _context.Account is { } reader:
                _context.Store.GetRightsAsync(changed.FolderId, reader.Id).PipeTo(Self,
                    success: rights => new SelectedRightsRead(changed.FolderId, rights),
                    failure: _ => new SelectedRightsRead(changed.FolderId, Storage.AclRight.All));
                break;
            case PublicFolderRightsMayHaveChanged:
                break;
            case SelectedRightsRead read when IsSelectedPublic(read.FolderId) && (read.Rights & Storage.AclRight.Read) == 0:
                // As for a removed folder (above): r is what following the folder takes (RFC 4314 §4).
                CloseWithBye("Your right to read this public folder was withdrawn");
                break;
            case SelectedRightsRead:
                break;
            case OutputOverTotal:
                CloseWithBye("Too much output waits for clients that do not read; closing");
                break;
            case OutputBackedUp:
                // The client does not read what we write: take no new command until it does.
                _outputBlocked = true;
                break;
            case OutputDrained:
                _outputBlocked = false;
                if (_deferredStep is { } deferred)
                {
                    _deferredStep = null;
                    Self.Tell(deferred);
                }
                else if (!_closing)
                {
                    Pump();
                }
                break;
            case PreAuthDeadline when _context.State == SessionState.NotAuthenticated:
                CloseWithBye("Login timeout");
                break;
            case CommandLineDeadline:
                CloseWithBye("Command not completed in time");
                break;
            case PreAuthDeadline:
                break;
            case SubscriptionEnded ended:
                if (ended.FolderId == _ownerFolderId && Sender.Equals(_owner)) Resubscribe();
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_owner):
                Resubscribe();
                break;
            case Resubscribed resubscribed:
                OnResubscribed(resubscribed);
                break;
            case ResubscribeAgain:
                // Commands wait one retry at most: an owner on a node that died answers nothing,
                // and they would wait for it anyway.
                ReleaseHeldCommands();
                if (_owner is null) Resubscribe();
                break;
            case OwnerReply answer when _ahead?.Awaits(answer.RequestId) == true:
                // The command sent ahead is answered while the one before it still works (or
                // waits for a resubscription): its answer waits for its turn (PromoteAhead).
                _ahead.EarlyReply = (answer, Sender);
                break;
            case OwnerReply late:
                OnLateReply(late.Reply);
                break;
            case FolderEvent or StepReady or StepFailed or StepTimedOut or IAccountReply or SnapshotRows or Terminated or OutputSent:
                // Of a folder left meanwhile, or of a command already answered.
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    // ---- the selected folder's owner ----

    /// <summary>
    /// The reply to a command this session already answered <c>NO [UNAVAILABLE]</c> (its owner
    /// answered after <c>limits.owner-reply-timeout</c>). Its command is not run on, but what it did
    /// stays true: the owner told the other sessions of its changes and not this one, so they are
    /// queued for the selected folder as any other session's would be (the view ignores what it
    /// knows). A late SELECT subscribed this session to a folder it does not have selected: that
    /// subscription is ended, unless a command waits for that owner (its SELECT may be the newer).
    /// </summary>
    private void OnLateReply(IAccountReply reply)
    {
        var view = _context.Selected;
        switch (reply)
        {
            case IFolderChangeReply changed when view is not null:
                view.Enqueue(changed);
                break;
            case FlagsStored stored when view?.FolderId == stored.FolderId:
                view.Enqueue(new FlagsChanged(stored.Changed, stored.HighestModSeq));
                break;
            case FolderSelected selected when view?.FolderId != selected.Snapshot.FolderId && _running?.AccountReply is null && _context.Account is { } account:
                // Straight to the owner that answered (the account's or the post office's).
                Sender.Tell(new OwnerRequest(account.Id, new UnselectFolder(selected.Snapshot.FolderId)), Self);
                break;
        }
        if (_running is { Idle: true, Line: not null })
        {
            FlushView(expungeAllowed: true);
            SendOutput();
        }
    }

    /// <summary>A large snapshot came in pieces (<see cref="SnapshotRows"/> first): put them back together.</summary>
    private FolderSelected Assembled(FolderSelected selected)
    {
        var rows = _snapshotRows;
        _snapshotRows = null;
        if (selected.RowsBefore == 0 || rows is null)
        {
            return selected;
        }
        // One array of the exact size, which the view then takes as it is.
        var rest = selected.Snapshot.Messages;
        var all = new MessageFlagState[rows.Count + rest.Count];
        rows.CopyTo(all);
        for (int i = 0; i < rest.Count; i++) all[rows.Count + i] = rest[i];
        return selected with { Snapshot = selected.Snapshot with { Messages = all }, RowsBefore = 0 };
    }

    /// <summary>
    /// The owner that answered SELECT (or a resubscription) is watched: when it stops (passivated,
    /// handed off to another node, restarted) the session subscribes again with what it knows, so no
    /// EXISTS, EXPUNGE or flag change is missed.
    /// </summary>
    private void WatchOwner(IActorRef owner, long folderId)
    {
        if (_owner is { } previous && !previous.Equals(owner))
        {
            Context.Unwatch(previous);
        }
        _owner = owner;
        _ownerFolderId = folderId;
        Context.Watch(owner);
    }

    /// <summary>
    /// A reply that changed the selected folder, from an owner other than the one this session is
    /// subscribed with: the folder's owner moved (in a cluster, a node left and another node
    /// started it) before the session heard that the one it watched stopped. The new owner told
    /// the view nothing it did not do itself for this command (it may not have had the folder
    /// loaded): an APPEND's own message could be missing, and a UID MOVE of its APPENDUID would
    /// find nothing to move.
    /// </summary>
    private bool FromAnotherOwnerOfSelected(IAccountReply reply, IActorRef from) =>
        _context.Selected is { } view && view.FolderId == _ownerFolderId && !from.Equals(_owner) && reply switch
        {
            MessagesAppended appended => appended.FolderId == view.FolderId,
            MessagesCopied copied => copied.TargetFolderId == view.FolderId,
            MessagesMoved moved => moved.SourceFolderId == view.FolderId || moved.TargetFolderId == view.FolderId,
            Expunged expunged => expunged.FolderId == view.FolderId,
            FlagsStored stored => stored.FolderId == view.FolderId,
            _ => false,
        };

    /// <summary>
    /// Subscribes again with what the view knows (<see cref="SessionContext.ResubscribeSelected"/>).
    /// When the owner it watched is the one that went, new commands wait for the answer, so none
    /// runs on a view that lacks what the new owner did (see <see cref="ReleaseHeldCommands"/>).
    /// </summary>
    private void Resubscribe()
    {
        var wasSubscribed = _owner is not null;
        if (_owner is { } gone)
        {
            Context.Unwatch(gone);
        }
        _owner = null;
        if (_context.Selected is { } view && view.FolderId == _ownerFolderId && !_closing)
        {
            _context.ResubscribeSelected();
            _commandsHeld |= wasSubscribed;
            // Sent through the region, which may still route it to a node that just died: until
            // an owner answers, it goes again.
            Timers.StartSingleTimer(ResubscribeTimer, ResubscribeAgain.Instance, ResubscribeRetry);
        }
    }

    private void OnResubscribed(Resubscribed resubscribed)
    {
        if (_closing || _context.Selected is not { } view || view.FolderId != resubscribed.FolderId)
        {
            ReleaseHeldCommands();
            return;
        }
        Timers.Cancel(ResubscribeTimer);
        WatchOwner(Sender, resubscribed.FolderId);
        foreach (var change in resubscribed.Changes)
        {
            view.Enqueue(change);
        }
        if (_running is { Idle: true, Line: not null })
        {
            // RFC 2177 §3: while idling, what changed goes out at once.
            FlushView(expungeAllowed: true);
            SendOutput();
        }
        else if (_commandsHeld && _running is null)
        {
            // What the held command may name (the UID an APPEND just reported) is announced first;
            // EXPUNGE waits for a command (RFC 9051 §7.5.1), EXISTS and FETCH may come any time.
            FlushView(expungeAllowed: false);
        }
        ReleaseHeldCommands();
    }

    private void ReleaseHeldCommands()
    {
        if (!_commandsHeld)
        {
            return;
        }
        _commandsHeld = false;
        if (!_closing)
        {
            Pump();
        }
    }

    // ---- helpers ----

    private CommandReceiver NewReceiver() =>
        new(new ReceiverLimits(_services.Settings.Limits.MaxLine, _services.Settings.Limits.MaxLiteral));

    private int BusyBufferLimit => _services.Settings.Limits.MaxLine + 1024 * 1024;

    private void OnClientData(ClientData data)
    {
        _receiver.Append(data.Data.Span);
        Pump();
    }

    /// <summary>
    /// The withdrawn public folder is the selected one, and its owner has not already told this
    /// session of the deletion (a user's DELETE: that ends the selection with <c>* OK [CLOSED]</c>).
    /// </summary>
    private bool IsSelectedPublic(long folderId) =>
        _context.SelectedIsPublic && _context.Selected is { } view && view.FolderId == folderId && !_closing;

    private bool HasSelected(PublicFolderWithdrawn withdrawn) =>
        _context.SelectedIsPublic
        && _context.Selected is { } view
        && (withdrawn.FolderId is null || (withdrawn.FolderId == view.FolderId && !view.IsRemovalPending));

    private void Enqueue(FolderEvent folderEvent)
    {
        if (_context.Selected is { } view && view.FolderId == folderEvent.FolderId)
        {
            view.Enqueue(folderEvent.Change);
        }
    }

    /// <summary>Writes what the selected view owes the client (RFC 9051 §7.4-§7.5).</summary>
    private void FlushView(bool expungeAllowed)
    {
        if (_context.Selected is not { HasPendingChanges: true } view)
        {
            return;
        }
        // The same writing as a command that flushes mid-way (MOVE, STORE): one place decides
        // what each view update looks like on the wire.
        Commands.Fetching.MessageSets.Write(_context, view.Flush(expungeAllowed, _context.IsEnabled("QRESYNC")));
    }

    private void SendOutput()
    {
        if (_output.Length > 0)
        {
            var parts = _output.TakeParts();
            _connection.Tell(parts.Count == 1 ? new Send(parts[0]) : new SendParts(parts));
        }
    }

    /// <summary>What is written so far, then bytes rendered elsewhere, in that order.</summary>
    private void SendOutputThen(IReadOnlyList<ReadOnlyMemory<byte>> rendered)
    {
        SendOutput();
        if (rendered.Count > 0)
        {
            _connection.Tell(new SendParts(rendered));
        }
    }

    private void CloseWithBye(string text)
    {
        if (_closing)
        {
            return;
        }
        _log.Info("closing the session: {Bye}", text);
        _output.Write(new UntaggedStatusResponse(StatusKind.Bye, text));
        CloseConnection();
    }

    private void CloseConnection()
    {
        SendOutput();
        _connection.Tell(Close.Instance);
        _closing = true;
        if (_running?.Idle == true)
        {
            ImapMetrics.IdleEnded();
        }
        _running = null;
        DropAhead();
        _context.LoggingOut();
        Timers.CancelAll();
        Context.SetReceiveTimeout(null);
        Become(LoggingOut);
    }

    private void BecomeForState()
    {
        var state = _context.State;
        if (_timeoutState == SessionState.NotAuthenticated && state != SessionState.NotAuthenticated)
        {
            if (_context.Account is { } account)
            {
                // So that the connection's closing line names who it was.
                _connection.Tell(new SignedIn(account.Login));
            }
            Timers.Cancel(PreAuthTimer);
            // After login the (longer) idle-timeout applies; null switches it off. Akka.NET keeps the
            // timer already running when the timeout changes inside a message that does not
            // influence it (the login's piped result); TimeoutChanged restarts it.
            Context.SetReceiveTimeout(_services.Settings.IdleTimeout);
            Self.Tell(TimeoutChanged.Instance);
        }
        _timeoutState = state;
        ImapMetrics.SessionMoved(_countedState, state);
        _countedState = state;
        UntypedReceive behaviour = state switch
        {
            SessionState.NotAuthenticated => NotAuthenticated,
            SessionState.Authenticated => Authenticated,
            SessionState.Selected => Selected,
            _ => LoggingOut,
        };
        Become(behaviour);
    }
}
