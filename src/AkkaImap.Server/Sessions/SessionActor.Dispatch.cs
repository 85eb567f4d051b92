using Akka.Event;
using System.Diagnostics;
using Akka.Actor;
using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Parsing;
using AkkaImap.Protocol.Receiving;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Commands;
using AkkaImap.Server.Telemetry;
using AkkaImap.Server.Transport;
using AkkaImap.Storage;

namespace AkkaImap.Server.Sessions;

// Command dispatch: receiver events → parser → state gate → handler → outcome → tagged response.
public sealed partial class SessionActor
{
    private const string StepTimer = "step";
    private const string PreAuthTimer = "pre-auth";
    private const string ResubscribeTimer = "resubscribe";
    private static readonly TimeSpan ResubscribeRetry = TimeSpan.FromSeconds(2);
    private const string CommandLineTimer = "command-line";
    private const string InvalidCommandName = "(invalid)";
    private static readonly IReadOnlyList<string> SearchCharsets = ["US-ASCII", "UTF-8"];

    private Running? _running;
    /// <summary>A command sent to its owner while the one before it still waits (<see cref="TrySendAhead"/>).</summary>
    private Running? _ahead;
    private int _step;
    /// <summary>The id of the last owner request (<see cref="AccountEnvelope.RequestId"/>); only its reply is taken.</summary>
    private long _requestId;
    private int _badInARow;

    /// <summary>
    /// Takes buffered commands (or the line a running command waits for) until the receiver needs
    /// more bytes, a command has to wait, the client stops reading (<see cref="OutputBackedUp"/>),
    /// or the session closes.
    /// </summary>
    private void Pump()
    {
        if (_running is null && _ahead is not null && !_commandsHeld && !_closing)
        {
            PromoteAhead();
        }
        while (!_closing && !_tlsPending && !_outputBlocked)
        {
            ReceiveEvent next;
            if (_running is null && _commandsHeld)
            {
                // Until the owner answers the resubscription (SessionActor.Resubscribe).
                break;
            }
            if (_running is null)
            {
                next = _receiver.Next();
            }
            else if (_running.Line is not null)
            {
                next = _receiver.NextLine();
            }
            else
            {
                break;
            }

            if (next is NeedMoreData)
            {
                // Part of a command line waits for the rest: it must come within limits.command-timeout.
                if (_receiver.BufferedBytes == 0)
                {
                    Timers.Cancel(CommandLineTimer);
                }
                else if (!Timers.IsTimerActive(CommandLineTimer))
                {
                    Timers.StartSingleTimer(CommandLineTimer, CommandLineDeadline.Instance, _services.Settings.Limits.CommandTimeout);
                }
                break;
            }
            if (next is CommandReceived or LineReceived)
            {
                Timers.Cancel(CommandLineTimer);
            }
            switch (next)
            {
                case LiteralContinuationNeeded:
                    // RFC 9051 §7.5: the client sends a synchronizing literal only after this.
                    _output.Write(new ContinuationResponse("Ready for literal data"));
                    SendOutput();
                    break;
                case LimitExceeded limit:
                    OnLimitExceeded(limit);
                    break;
                case CommandReceived received:
                    Dispatch(received.Command);
                    break;
                case LineReceived line:
                    OnLine(line.Line);
                    break;
            }
        }

        SendOutput();
        if (_closing)
        {
            return;
        }
        if (_inputEnded && !_outputBlocked && !_commandsHeld && (_running is null || _running.Line is not null))
        {
            // The client half-closed and every complete command it sent is answered: nothing more
            // can come (an IDLE never gets its DONE, a literal never arrives).
            CloseWithBye("End of input, closing");
            return;
        }
        if (_outputBlocked || _commandsHeld)
        {
            // Commands wait for the client to read (or for the owner's answer to a resubscription);
            // further input waits in the socket, not in memory.
            if (!_readingSuspended && _receiver.BufferedBytes > BusyBufferLimit)
            {
                _readingSuspended = true;
                _connection.Tell(SuspendReading.Instance);
            }
        }
        else if (_readingSuspended && (_running is null || _running.Line is not null))
        {
            _readingSuspended = false;
            _connection.Tell(ResumeReading.Instance);
        }
    }

    private void Dispatch(RawCommand raw)
    {
        ParseResult parsed;
        try
        {
            parsed = CommandParser.Parse(raw);
        }
        catch (Exception ex)
        {
            // The parser promises not to throw; if it does, the client still gets an answer.
            _log.Error(ex, "The parser failed on {0}", raw);
            parsed = new ParseResult.Failure(null, "Command could not be parsed", ParseErrorKind.Syntax);
        }

        switch (parsed)
        {
            case ParseResult.Failure { Kind: ParseErrorKind.BadCharset, Tag: { } tag } failure:
                // RFC 9051 §6.4.4: an unsupported charset is NO [BADCHARSET], not BAD.
                _output.Write(new TaggedStatusResponse(tag, StatusKind.No, failure.Message, new BadCharsetCode(SearchCharsets)));
                ImapMetrics.CommandCompleted("SEARCH", StatusKind.No, TimeSpan.Zero);
                _badInARow = 0;
                break;
            case ParseResult.Failure failure:
                RespondBad(failure.Tag, failure.Message);
                break;
            case ParseResult.Success success:
                Start(success.Command);
                break;
        }
    }

    private void Start(ImapCommand command)
    {
        if (!_services.Registry.TryGet(command, out var entry))
        {
            RespondBad(command.Tag, $"{NameOf(command)} is not supported");
            return;
        }
        if (!entry.IsAllowedIn(_context.State))
        {
            RespondBad(command.Tag, entry.StateError(_context.State), ResponseCode.ClientBug);
            return;
        }
        var name = entry.NameOf(command);
        _running = new Running(entry, name, command.Tag, entry.HoldsExpunges(command))
        {
            Span = ImapTracing.StartCommand(name, _context.Account?.Id),
        };
        Continue(() => entry.Invoke(command, _context));
    }

    /// <summary>Runs one step of the running command on this thread; an exception ends it with NO [SERVERBUG].</summary>
    private void Continue(Func<CommandOutcome> step)
    {
        CommandOutcome outcome;
        try
        {
            // The store calls the step starts are spans below the command's.
            outcome = ImapTracing.InSpan(_running?.Span, step);
        }
        catch (Exception ex)
        {
            LogFailure(ex);
            outcome = CommandOutcome.Failed(ex);
        }
        Apply(outcome);
    }

    /// <summary>A full disk is the operator's to fix (a warning that says so); anything else is a bug.</summary>
    private void LogFailure(Exception error)
    {
        if (StorageFull.IsCause(error))
            _log.Warning("{0} refused: the store's disk is full; free space in the data folder", _running?.Name);
        else
            _log.Error(error, "{0} failed", _running?.Name);
    }

    private void Apply(CommandOutcome outcome)
    {
        if (_running is not { } running)
        {
            return;
        }
        switch (outcome)
        {
            case CommandOutcome.Completed done:
                Finish(running, done);
                break;
            case CommandOutcome.Awaiting awaiting:
                int step = ++_step;
                awaiting.Next.PipeTo(Self, success: next => new StepReady(step, next), failure: ex => new StepFailed(step, ex));
                Become(Busy);
                SendOutput();
                break;
            case CommandOutcome.Delayed delayed:
                Timers.StartSingleTimer(StepTimer, new StepReady(++_step, delayed.Then), delayed.Delay);
                Become(Busy);
                SendOutput();
                break;
            case CommandOutcome.Drained drained:
                running.AfterSent = drained.Then;
                SendOutput();
                _connection.Tell(new NotifyWhenDrained(++_step));
                Become(Busy);
                break;
            case CommandOutcome.AccountRequest request when _context.Account is { } account:
                Ask(running, request, account);
                running.WritesAhead = request.Command is StoreFlags or Expunge;
                Timers.StartSingleTimer(StepTimer, new StepTimedOut(++_step), _services.Settings.Limits.OwnerReplyTimeout);
                Become(Busy);
                SendOutput();
                TrySendAhead();
                break;
            case CommandOutcome.AccountRequest:
                _log.Error("{0} asked an account before login", running.Name);
                Finish(running, CommandOutcome.ServerBug());
                break;
            case CommandOutcome.LineWanted wanted:
                running.Line = wanted.Then;
                if (wanted.Idle)
                {
                    if (!running.Idle)
                    {
                        running.Idle = true;
                        ImapMetrics.IdleStarted();
                    }
                    // RFC 2177 §3: what is pending goes out at once while idling.
                    FlushView(expungeAllowed: true);
                    Become(Idling);
                }
                else
                {
                    Become(AwaitingLine);
                }
                SendOutput();
                break;
        }
    }

    /// <summary>Sends the command's request to the owner of the account's folders; the reply goes to <c>request.Then</c>.</summary>
    private void Ask(Running running, CommandOutcome.AccountRequest request, Account account)
    {
        running.AccountReply = request.Then;
        running.RequestId = ++_requestId;
        running.OwnerSpan = ImapTracing.StartOwnerCall(running.Span, request.Command);
        _services.Owners.Tell(new AccountEnvelope(account.Id, request.Command, ImapTracing.TraceParent(running.OwnerSpan), running.RequestId), Self);
    }

    /// <summary>Takes the owner's reply to the request <paramref name="running"/> waits for and runs the command on.</summary>
    private void TakeReply(Running running, OwnerReply answer, IActorRef from)
    {
        var then = running.AccountReply!;
        running.AccountReply = null;
        running.EndOwnerCall();
        Timers.Cancel(StepTimer);
        var reply = answer.Reply;
        if (reply is FolderSelected selected)
        {
            reply = Assembled(selected);
            WatchOwner(from, selected.Snapshot.FolderId);
        }
        else if (FromAnotherOwnerOfSelected(reply, from))
        {
            Resubscribe();
        }
        Continue(() => then(reply));
    }

    /// <summary>
    /// While a STORE or EXPUNGE waits for its owner, a plain EXPUNGE the client pipelined right
    /// behind it (the usual way to delete: mark \Deleted, then expunge) is sent to the owner at
    /// once. The owner queues its write behind the STORE's before that commits (SQLite's writer
    /// keeps the order, <see cref="Storage.IMailStore.WritesInOrder"/>), so both share one commit
    /// instead of waiting for two in a row. It is answered after the command before it, as if it
    /// had started then; nothing else is sent ahead: other commands' requests depend on what the
    /// one before them does to the view.
    /// </summary>
    private void TrySendAhead()
    {
        if (_ahead is not null || _running is not { WritesAhead: true, AccountReply: not null } running || _commandsHeld || _closing
            || _context.State != SessionState.Selected || _context.SelectedIsPublic || _context.Selected is not { ReadOnly: false }
            || _context.Account is not { } account || _receiver.PeekWholeLine() is not { } raw)
        {
            return;
        }
        // One look per command: what follows it is parsed in its turn.
        running.WritesAhead = false;
        if (CommandParser.Parse(raw) is not ParseResult.Success { Command: ExpungeCommand command }
            || !_services.Registry.TryGet(command, out var entry) || !entry.IsAllowedIn(_context.State))
        {
            return;
        }
        _receiver.Next();
        Timers.Cancel(CommandLineTimer);
        var ahead = new Running(entry, entry.NameOf(command), command.Tag, entry.HoldsExpunges(command))
        {
            Span = ImapTracing.StartCommand(entry.NameOf(command), account.Id),
        };
        _ahead = ahead;
        CommandOutcome outcome;
        try
        {
            outcome = ImapTracing.InSpan(ahead.Span, () => entry.Invoke(command, _context));
        }
        catch (Exception ex)
        {
            LogFailure(ex);
            outcome = CommandOutcome.Failed(ex);
        }
        if (outcome is CommandOutcome.AccountRequest request)
        {
            Ask(ahead, request, account);
        }
        else
        {
            ahead.Deferred = outcome;
        }
    }

    /// <summary>The command before the one sent ahead is answered: the one sent ahead runs on.</summary>
    private void PromoteAhead()
    {
        var ahead = _ahead!;
        _ahead = null;
        _running = ahead;
        if (ahead.Deferred is { } outcome)
        {
            Apply(outcome);
            return;
        }
        Timers.StartSingleTimer(StepTimer, new StepTimedOut(++_step), _services.Settings.Limits.OwnerReplyTimeout);
        Become(Busy);
        if (ahead.EarlyReply is var (answer, from))
        {
            TakeReply(ahead, answer, from);
        }
    }

    /// <summary>The session closes with a command sent ahead: its owner may still do it, nobody is answered.</summary>
    private void DropAhead()
    {
        if (_ahead is { } ahead)
        {
            ahead.EndOwnerCall();
            ImapTracing.EndCommand(ahead.Span, StatusKind.No, _context.Account?.Id);
            _ahead = null;
        }
    }

    private void OnLine(ReadOnlyMemory<byte> line)
    {
        var running = _running!;
        var then = running.Line!;
        running.Line = null;
        Continue(() => then(line));
    }

    private void OnLimitExceeded(LimitExceeded limit)
    {
        if (_running is { Line: not null } running)
        {
            // A continuation line (AUTHENTICATE response, IDLE's DONE) over the line cap.
            running.Line = null;
            Finish(running, CommandOutcome.Bad("Line too long"));
            return;
        }
        var limits = _services.Settings.Limits;
        if (limit.Kind == LimitKind.LiteralTooLarge && limit.Tag is { } tag)
        {
            // RFC 7889 §4 (APPENDLIMIT): a message over the limit is refused with a tagged
            // NO [TOOBIG]. The command was well formed, so it does not count as a bad command.
            _output.Write(new TaggedStatusResponse(tag, StatusKind.No, $"Literal too large: the limit is {limits.MaxLiteral} bytes", ResponseCode.TooBig));
            ImapMetrics.CommandCompleted(InvalidCommandName, StatusKind.No, TimeSpan.Zero);
        }
        else if (limit.Kind == LimitKind.LiteralTooLarge)
        {
            RespondBad(null, $"Literal too large: the limit is {limits.MaxLiteral} bytes", ResponseCode.TooBig);
        }
        else
        {
            RespondBad(limit.Tag, $"Command line too long: the limit is {limits.MaxLine} bytes");
        }
    }

    /// <summary>Ends the running command with its tagged response, then takes up the next state.</summary>
    private void Finish(Running running, CommandOutcome.Completed done)
    {
        _running = null;
        Timers.Cancel(StepTimer);
        running.EndOwnerCall();
        ImapTracing.EndCommand(running.Span, done.Kind, _context.Account?.Id);
        if (running.Idle)
        {
            ImapMetrics.IdleEnded();
        }
        if (done.Kind != StatusKind.Bad && done.AfterResponse != AfterCommand.Close)
        {
            // RFC 9051 §7.5.1: no EXPUNGE while a command that uses sequence numbers completes.
            FlushView(expungeAllowed: !running.HoldsExpunges);
        }
        _output.Write(new TaggedStatusResponse(running.Tag, done.Kind, done.Text, done.Code));
        ImapMetrics.CommandCompleted(running.Name, done.Kind, Stopwatch.GetElapsedTime(running.Started));
        if (CountBad(done.Kind == StatusKind.Bad))
        {
            return;
        }

        switch (done.AfterResponse)
        {
            case AfterCommand.Close:
                CloseConnection();
                return;
            case AfterCommand.StartTls:
                // Bytes pipelined after STARTTLS were sent in plaintext: they must never run as
                // commands on the TLS connection (CVE-2011-0411).
                _receiver = NewReceiver();
                _tlsPending = true;
                // The OK travels with the switch: see StartTls.
                _connection.Tell(new StartTls(_output.Take()));
                Become(WaitingForTls);
                return;
            case AfterCommand.Compress:
                SendOutput();
                // What the client sent after the command line is compressed already (RFC 4978 §3):
                // it goes back to the connection to be inflated before what it received since.
                _compressedInput = [_receiver.TakeUnprocessed()];
                _connection.Tell(new StartCompression(_services.Settings.CompressLevel));
                Become(WaitingForCompression);
                return;
        }
        if (_shutdownPending)
        {
            CloseWithBye("Server shutting down");
            return;
        }
        BecomeForState();
    }

    /// <summary>A BAD that ends no running command (parse error, limit, state gate).</summary>
    private void RespondBad(string? tag, string text, ResponseCode? code = null)
    {
        _output.Write(tag is null
            ? new UntaggedStatusResponse(StatusKind.Bad, text, code)
            : new TaggedStatusResponse(tag, StatusKind.Bad, text, code));
        ImapMetrics.CommandCompleted(InvalidCommandName, StatusKind.Bad, TimeSpan.Zero);
        CountBad(isBad: true);
    }

    /// <summary>Counts consecutive BADs; at <c>limits.max-bad-commands</c> says BYE. True when closing.</summary>
    private bool CountBad(bool isBad)
    {
        if (!isBad)
        {
            _badInARow = 0;
            return false;
        }
        _badInARow++;
        int max = _services.Settings.Limits.MaxBadCommands;
        if (max > 0 && _badInARow >= max)
        {
            CloseWithBye("Too many bad commands");
            return true;
        }
        return false;
    }

    /// <summary><c>SelectCommand</c> → <c>SELECT</c>, for commands the parser knows and the table does not.</summary>
    private static string NameOf(ImapCommand command)
    {
        var name = command.GetType().Name;
        return (name.EndsWith("Command", StringComparison.Ordinal) ? name[..^"Command".Length] : name).ToUpperInvariant();
    }

    /// <summary>The command in progress and what it waits for.</summary>
    private sealed class Running(CommandEntry entry, string name, string tag, bool holdsExpunges)
    {
        public CommandEntry Entry { get; } = entry;

        /// <summary>The command uses sequence numbers: no EXPUNGE before its tagged response.</summary>
        public bool HoldsExpunges { get; } = holdsExpunges;

        /// <summary>The name for metrics and logs (<c>UID FETCH</c> for the UID form).</summary>
        public string Name { get; } = name;

        public string Tag { get; } = tag;

        public long Started { get; } = Stopwatch.GetTimestamp();

        public Func<IAccountReply, CommandOutcome>? AccountReply { get; set; }

        /// <summary>The id of the owner request <see cref="AccountReply"/> waits for.</summary>
        public long RequestId { get; set; }

        /// <summary>An owner reply (or a piece of a snapshot) for the request this command waits for.</summary>
        public bool Awaits(long requestId) => AccountReply is not null && RequestId == requestId;

        public Func<ReadOnlyMemory<byte>, CommandOutcome>? Line { get; set; }

        /// <summary>What runs once the output is drained (<see cref="CommandOutcome.WhenSent"/>).</summary>
        public Func<CommandOutcome>? AfterSent { get; set; }

        public bool Idle { get; set; }

        /// <summary>A write the owner may queue another behind (<see cref="TrySendAhead"/>), not looked at yet.</summary>
        public bool WritesAhead { get; set; }

        /// <summary>Sent ahead: its reply, when it came before its turn.</summary>
        public (OwnerReply Answer, IActorRef From)? EarlyReply { get; set; }

        /// <summary>Sent ahead: what its handler gave when that was not a request to the owner.</summary>
        public CommandOutcome? Deferred { get; set; }

        /// <summary>The command's span while it is traced (<see cref="ImapTracing"/>).</summary>
        public System.Diagnostics.Activity? Span { get; init; }

        /// <summary>The span of the round trip to an owner in progress.</summary>
        public System.Diagnostics.Activity? OwnerSpan { get; set; }

        public void EndOwnerCall()
        {
            ImapTracing.Stop(OwnerSpan);
            OwnerSpan = null;
        }
    }
}
