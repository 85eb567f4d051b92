using System.Text;
using Akka.Actor;
using Akka.Event;
using AkkaImap.Protocol.Lmtp;
using AkkaImap.Server.Sessions;
using AkkaImap.Server.Transport;
using AkkaImap.Storage;

namespace AkkaImap.Server.Lmtp;

/// <summary>
/// One LMTP connection's session, a child of its <see cref="ConnectionActor"/> (the same transport
/// as IMAP). A thin shell over <see cref="LmtpConversation"/>: bytes in, replies out, and the two
/// kinds of work the conversation asks for run as tasks piped back here (a recipient look-up in the
/// store, a delivery through the owners), so the actor never blocks. While that work runs, further
/// pipelined bytes only wait in the conversation's buffer.
/// </summary>
internal sealed class LmtpSessionActor : UntypedActor, IWithTimers
{
    private const string CommandTimer = "command";
    private const string DataTimer = "data";
    /// <summary>Pipelined bytes kept while the host works before the socket stops being read.</summary>
    private const int BusyBufferLimit = 64 * 1024;

    private readonly LmtpServices _services;
    private readonly ConnectionInfo _connection;
    private readonly IActorRef _connectionActor;
    private readonly LmtpConversation _conversation;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _closing;
    private bool _inputEnded;
    private bool _shutdownPending;
    private bool _readingSuspended;

    public LmtpSessionActor(LmtpServices services, ConnectionInfo connection, IActorRef connectionActor)
    {
        _services = services;
        _connection = connection;
        _connectionActor = connectionActor;
        _conversation = new LmtpConversation(services.HostName, services.Limits);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The factory the transport calls for each new LMTP connection.</summary>
    public static SessionPropsFactory Factory(LmtpServices services) =>
        (connection, connectionActor) => Props.Create(() => new LmtpSessionActor(services, connection, connectionActor));

    protected override void PreStart()
    {
        _services.Tracker?.Tell(SessionStarted.Instance, Self);
        Pump();
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ClientData data when !_closing:
                _conversation.Feed(data.Data.Span);
                Pump();
                break;
            case RecipientLookedUp looked when _conversation.Waiting:
                _conversation.RecipientChecked(looked.Reply, looked.AccountId);
                Pump();
                break;
            case DeliveryDone done when _conversation.Waiting:
                _conversation.Delivered(done.Replies);
                if (_shutdownPending)
                {
                    _conversation.CloseWith(LmtpReply.ShuttingDown(_services.HostName));
                }
                Pump();
                break;
            case Deadline when !_closing && !_conversation.Waiting:
                _log.Info("lmtp {0}: timed out waiting for the client", _connection.Remote);
                _conversation.CloseWith(LmtpReply.TimedOut(_services.HostName));
                Pump();
                break;
            case ServerShuttingDown when _conversation.Waiting:
                // The delivery under way is answered first: nothing acknowledged is cut short.
                _shutdownPending = true;
                break;
            case ServerShuttingDown:
                // A message half received is not acknowledged: the MTA keeps it and retries.
                _conversation.CloseWith(LmtpReply.ShuttingDown(_services.HostName));
                Pump();
                break;
            case ClientInputEnded:
                _inputEnded = true;
                Pump();
                break;
            case ConnectionClosed:
                Context.Stop(Self);
                break;
            case OutputBackedUp or OutputDrained or ClientData or RecipientLookedUp or DeliveryDone or Deadline:
                // Replies are a few lines per command; a stale timer or result after closing is dropped.
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>Answers buffered commands until the conversation needs input or work, then sends the replies.</summary>
    private void Pump()
    {
        if (_closing)
        {
            return;
        }
        var step = _conversation.Next();
        switch (step)
        {
            case LmtpCheckRecipient check:
                LookUp(check.Address);
                break;
            case LmtpDeliver deliver:
                int count = deliver.Envelope.Recipients.Count;
                LmtpDelivery.DeliverAsync(_services, deliver, _log).PipeTo(Self,
                    success: replies => new DeliveryDone(replies),
                    failure: _ => new DeliveryDone([.. Enumerable.Repeat(LmtpReply.TemporaryFailure(), count)]));
                break;
        }
        Flush();
        if (step is LmtpClose || (_inputEnded && step is LmtpNeedInput && !_conversation.Waiting))
        {
            // After QUIT, a timeout, too many errors, or a client that half-closed and is answered.
            _closing = true;
            Timers.CancelAll();
            _connectionActor.Tell(Close.Instance);
            return;
        }
        ArmTimers();
        ApplyBackPressure();
    }

    private void LookUp(LmtpAddress address)
    {
        var (user, _) = address.SplitDetail(_services.Settings.Lmtp.RecipientDelimiter);
        string login = $"{user}@{address.Domain}";
        _services.Store.FindAccountAsync(login).PipeTo(Self,
            success: account => account is null
                ? new RecipientLookedUp(LmtpReply.UnknownRecipient(address.Text), 0)
                : new RecipientLookedUp(new LmtpReply(250, "2.1.5", $"<{address.Text}> Recipient OK"), account.Id),
            failure: ex =>
            {
                _log.Warning("lmtp: looking up <{0}> failed: {1}", address.Text, ex.Message);
                return new RecipientLookedUp(LmtpReply.TemporaryFailure(), 0);
            });
    }

    private void Flush()
    {
        if (_conversation.TakeOutput() is { } text)
        {
            _connectionActor.Tell(new Send(Encoding.ASCII.GetBytes(text)));
        }
    }

    /// <summary>
    /// While a command is awaited: lmtp.command-timeout of silence. While a message arrives:
    /// lmtp.data-timeout from its 354. While we work: none (the owner's reply has its own timeout).
    /// </summary>
    private void ArmTimers()
    {
        if (_conversation.Waiting)
        {
            Timers.Cancel(CommandTimer);
        }
        else if (_conversation.InData)
        {
            Timers.Cancel(CommandTimer);
            if (!Timers.IsTimerActive(DataTimer))
            {
                Timers.StartSingleTimer(DataTimer, Deadline.Instance, _services.Settings.Lmtp.DataTimeout);
            }
        }
        else
        {
            Timers.Cancel(DataTimer);
            Timers.StartSingleTimer(CommandTimer, Deadline.Instance, _services.Settings.Lmtp.CommandTimeout);
        }
    }

    private void ApplyBackPressure()
    {
        bool tooMuch = _conversation.Waiting && _conversation.BufferedBytes > BusyBufferLimit;
        if (tooMuch && !_readingSuspended)
        {
            _readingSuspended = true;
            _connectionActor.Tell(SuspendReading.Instance);
        }
        else if (!tooMuch && _readingSuspended)
        {
            _readingSuspended = false;
            _connectionActor.Tell(ResumeReading.Instance);
        }
    }

    private sealed record RecipientLookedUp(LmtpReply Reply, long AccountId) : INoSerializationVerificationNeeded;

    private sealed record DeliveryDone(IReadOnlyList<LmtpReply> Replies) : INoSerializationVerificationNeeded;

    private sealed record Deadline : INoSerializationVerificationNeeded, INotInfluenceReceiveTimeout
    {
        public static readonly Deadline Instance = new();
    }
}
