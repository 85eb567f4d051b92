using System.Net.Sockets;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Telemetry;
using AkkaImap.Server.Tls;

namespace AkkaImap.Server.Transport;

/// <summary>
/// One client connection: the owner of its socket (<see cref="SocketChannel"/>), the write
/// window, TLS (implicit or STARTTLS), and the parent of the session actor. Two behaviours:
/// <see cref="OnReceive"/> while the socket is open (a handshake in progress is <c>_tls</c> set but
/// not ready; closing is a flag, as queued writes still drain) and <see cref="Closed"/> once the
/// socket is gone and the session is being stopped.
/// </summary>
internal sealed partial class ConnectionActor : UntypedActor, IWithTimers
{
    private static readonly ReadOnlyMemory<byte> InternalErrorBye = "* BYE Internal server error\r\n"u8.ToArray();

    /// <summary>The most one socket read takes (a buffer of this size is rented only while data is there).</summary>
    private const int ReadChunk = 16 * 1024;

    private readonly SocketChannel _socket;
    private readonly EndpointSettings _endpoint;
    private readonly SessionPropsFactory _sessions;
    private readonly WriteWindow _window;
    private ConnectionInfo _info;
    private IActorRef? _session;
    private bool _sessionFailed;
    private bool _closing;
    private bool _closeSent;
    private bool _transportClosed;
    private bool _outputPaused;
    private bool _overTotal;
    /// <summary>What this connection last counted into the node-wide <see cref="UnsentOutputTotal"/>.</summary>
    private long _countedUnsent;
    /// <summary>The step of the session's <see cref="NotifyWhenDrained"/> not answered yet.</summary>
    private int? _drainStep;
    private string? _closeReason;
    private ILoggingAdapter _log;
    private readonly long _openedAt = Environment.TickCount64;
    private long _bytesIn;
    private long _bytesOut;
    private string? _login;

    public ConnectionActor(Socket socket, EndpointSettings endpoint, SessionPropsFactory sessions)
    {
        var channel = new SocketChannel(socket, Self, ReadChunk);
        _socket = channel;
        _endpoint = endpoint;
        _sessions = sessions;
        _info = endpoint.InfoFor(channel.RemoteEndPoint, channel.LocalEndPoint);
        _log = ConnectionLog.For(Context.GetLogger(), _info);
        _window = new WriteWindow(endpoint.MaxUnackedBytes, write =>
        {
            ImapMetrics.BytesSent(write.Bytes);
            channel.Send(write);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Socket socket, EndpointSettings endpoint, SessionPropsFactory sessions)
    {
        var props = Akka.Actor.Props.Create(() => new ConnectionActor(socket, endpoint, sessions));
        return endpoint.Dispatcher is { } dispatcher ? props.WithDispatcher(dispatcher) : props;
    }

    protected override void PreStart()
    {
        // A client that half-closes still gets the answers to what it sent (see SocketPeerClosed below).
        _socket.StartReading();
        if (_endpoint.RequiresProxyHeader(_info.Remote))
        {
            AwaitProxyHeader();
        }
        else
        {
            Open(proxyVersion: null);
        }
    }

    /// <summary>The client is known (directly, or from the PROXY header): say so, then TLS or the session.</summary>
    private void Open(int? proxyVersion)
    {
        var security = _endpoint.ImplicitTls ? "implicit TLS" : "plain";
        if (proxyVersion is { } version)
        {
            var via = _info.Proxy is null ? "no client address in it" : $"via {Address(_info.Proxy)}";
            _log.Info("connection opened on {Local} ({Endpoint}, {Security}, PROXY v{Version} header, {Via})",
                Address(_info.Local), _info.EndpointName, security, version, via);
        }
        else
        {
            _log.Info("connection opened on {Local} ({Endpoint}, {Security})", _info.Local.ToString(), _info.EndpointName, security);
        }

        if (_endpoint.ImplicitTls)
        {
            BeginHandshake();
        }
        else
        {
            CreateSession();
        }
    }

    private static string Address(System.Net.EndPoint endpoint) => endpoint switch
    {
        System.Net.IPEndPoint { Address.IsIPv4MappedToIPv6: true } ip => $"{ip.Address.MapToIPv4()}:{ip.Port}",
        _ => endpoint.ToString() ?? "unknown",
    };

    protected override void PostStop()
    {
        _log.Info("connection closed ({Reason}) after {Seconds} s: {BytesIn} bytes in, {BytesOut} bytes out, {Security}, user {User}",
            _closeReason ?? "stopped", Math.Round((Environment.TickCount64 - _openedAt) / 1000.0, 3), _bytesIn, _bytesOut,
            _tlsReady ? "TLS" : "plain", _login ?? "-");
        if (!_transportClosed)
        {
            _socket.Abort();
        }

        _window.Fail(new IOException("connection closed"));
        _tls?.Dispose();
        _deflate?.Dispose();
        _endpoint.UnsentTotal.Add(-_countedUnsent);
        _countedUnsent = 0;
    }

    // A session that throws is stopped, never restarted; the client gets BYE (on Terminated).
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ =>
    {
        _sessionFailed = true;
        return Directive.Stop;
    });

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case SocketReceived received:
                ImapMetrics.BytesReceived(received.Data.Length);
                _bytesIn += received.Data.Length;
                if (AwaitingProxyHeader)
                {
                    OnProxyBytes(received.Data);
                }
                else if (_tls is not null)
                {
                    _tls.Feed(received.Data);
                }
                else
                {
                    Inbound(received.Data);
                }

                break;
            case SignedIn signedIn:
                _login = signedIn.Login;
                break;
            case TlsPlaintext plaintext:
                Inbound(plaintext.Data);
                break;
            case StartCompression start when _deflate is null && !_closing:
                StartDeflate(start.Level);
                break;
            case StartCompression:
                _log.Warning("StartCompression ignored (compression already on, or closing)");
                break;
            case CompressedInput returned:
                OnCompressedInput(returned.Data);
                break;
            case TlsReadEnded ended:
                BeginClose(ended.Reason);
                break;
            case Send send:
                Write(send.Data);
                break;
            case SendParts send:
                Write(send.Parts);
                break;
            case NotifyWhenDrained notify:
                // Answered below (CheckBacklog) once the output is down to the low water.
                _drainStep = notify.Step;
                break;
            case StartTls start when _tls is null && _info.CanStartTls && !_closing:
                // Everything received so far went to the session, which drops what it has not
                // parsed; from here on every byte is TLS (RFC 9051 §6.2.1, CVE-2011-0411).
                WriteReply(start.Reply);
                BeginHandshake();
                break;
            case StartTls start:
                WriteReply(start.Reply);
                _log.Warning("StartTls ignored (TLS already on or not offered here)");
                break;
            case Close:
                BeginClose("closed by server");
                break;
            default:
                OnCommon(message);
                break;
        }

        CheckBacklog();
    }

    /// <summary>
    /// Pauses the session while more than <see cref="EndpointSettings.OutputHighWater"/> bytes wait
    /// for the client (plaintext not yet encrypted, writes queued or handed to the socket and not yet
    /// acknowledged), and lets it go on at <see cref="EndpointSettings.OutputLowWater"/>: a client that
    /// pipelines commands and never reads must not make us buffer their answers without bound. Keeps
    /// this connection's share of the node-wide total, and closes a backed-up session that pushes the
    /// total over <c>limits.max-unsent-output-total</c>.
    /// </summary>
    private void CheckBacklog()
    {
        long backlog = Unsent;
        long total = _endpoint.UnsentTotal.Add(backlog - _countedUnsent);
        _countedUnsent = backlog;
        if (_session is null || _closing || _transportClosed || _overTotal)
        {
            return;
        }

        if (total > _endpoint.UnsentTotal.Limit && backlog > _endpoint.OutputLowWater)
        {
            // This client does not read, and the node holds too much for such clients: what waits
            // for it is let go at once (the session closes anyway), then the session says BYE.
            _overTotal = true;
            _window.DropWaiting();
            _plainOut?.Clear();
            _plainOutBytes = 0;
            _endpoint.UnsentTotal.Add(Unsent - _countedUnsent);
            _countedUnsent = Unsent;
            Context.GetLogger().Info("{0}: {1} bytes of output wait for this client and {2} for all (limits.max-unsent-output-total = {3}): closing it",
                _info.Remote, backlog, total, _endpoint.UnsentTotal.Limit);
            _session.Tell(OutputOverTotal.Instance);
            return;
        }

        if (!_outputPaused && backlog > _endpoint.OutputHighWater)
        {
            _outputPaused = true;
            _session.Tell(OutputBackedUp.Instance);
        }
        else if (_outputPaused && backlog <= _endpoint.OutputLowWater)
        {
            _outputPaused = false;
            _session.Tell(OutputDrained.Instance);
        }

        if (_drainStep is { } step && backlog <= _endpoint.OutputLowWater)
        {
            _drainStep = null;
            _session.Tell(new OutputSent(step));
        }
    }

    /// <summary>Bytes of output this connection holds for its client: queued, handed to the socket and not yet sent, or not yet encrypted.</summary>
    private long Unsent => _window.Waiting + _window.Unacked + _plainOutBytes;

    /// <summary>The rest of the open-socket behaviour: acks, TLS progress, back-pressure, lifecycle.</summary>
    private void OnCommon(object message)
    {
        switch (message)
        {
            case SocketWritten written:
                _bytesOut += written.Bytes;
                _window.Acknowledge(written.Bytes);
                TryFinishClose();
                break;
            case TlsCipherWrite cipher:
                _window.Enqueue(new OutgoingWrite(cipher.Data), cipher.Accepted);
                break;
            case TlsWriteDone done:
                OnTlsWriteDone(done.Rented);
                break;
            case TlsShutdownDone:
                OnTlsShutdownDone();
                break;
            case TlsWriteFailed failed:
                OnTlsWriteDone(failed.Rented);
                _log.Debug("TLS write failed: {0}", failed.Reason);
                _socket.Abort();
                break;
            case SuspendReading:
                _socket.SuspendReading();
                break;
            case ResumeReading:
                _socket.ResumeReading();
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_session):
                OnSessionStopped();
                break;
            case SocketPeerClosed when _session is not null && _tls is null && !_closing:
                // End of input only: the session answers what it has and then asks us to close.
                _session.Tell(ClientInputEnded.Instance);
                break;
            case SocketPeerClosed when !_closing:
                // Over TLS a client that is done sends close_notify first; without a session there
                // is nobody to answer. Either way: flush what is queued and close.
                BeginClose("connection closed by client");
                break;
            case SocketPeerClosed:
                // Closing already: TryFinishClose closes once the output is handed over.
                break;
            case SocketClosed closed:
                OnTransportClosed(closed.Reason);
                break;
            case ProxyHeaderTimedOut:
                OnProxyHeaderTimedOut();
                break;
            case CloseTimedOut:
                _log.Info("the client did not take the rest of its output within {Timeout} (limits.close-timeout): connection aborted",
                    Configuration.SettingValues.FormatDuration(_endpoint.CloseTimeout));
                _socket.Abort();
                break;
            case HandshakeSucceeded:
                CountHandshake(succeeded: true);
                OnHandshakeSucceeded();
                break;
            case HandshakeFailed failed:
                CountHandshake(succeeded: false);
                _log.Info("TLS handshake failed: {Reason}", failed.Reason);
                BeginClose("TLS handshake failed");
                break;
            case HandshakeTimedOut:
                CountHandshake(succeeded: false);
                _log.Info("TLS handshake timed out");
                _closeReason ??= "TLS handshake timed out";
                _socket.Abort();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>The socket is gone: the session learns it and is given a moment to stop itself.</summary>
    private void Closed(object message)
    {
        switch (message)
        {
            case Terminated terminated when terminated.ActorRef.Equals(_session):
            case SessionStopTimedOut:
                Context.Stop(Self);
                break;
            case TlsCipherWrite cipher:
                cipher.Accepted.TrySetException(new IOException("connection closed"));
                break;
            case TlsWriteDone done:
                ReturnRented(done.Rented);
                break;
            case TlsWriteFailed failed:
                ReturnRented(failed.Rented);
                break;
        }
    }

    private void CreateSession()
    {
        Props props;
        try
        {
            props = _sessions(_info, Self);
        }
        catch (Exception ex)
        {
            _log.Error(ex, "the session could not be created");
            Write(InternalErrorBye);
            BeginClose("session could not be created");
            return;
        }

        if (_endpoint.Dispatcher is { } dispatcher &&
            (props.Dispatcher == Deploy.NoDispatcherGiven || props.Dispatcher == Dispatchers.DefaultDispatcherId))
        {
            props = props.WithDispatcher(dispatcher);
        }

        _session = Context.ActorOf(LeanMailbox.On(props, Context.System), "session");
        Context.Watch(_session);
    }

    private void OnSessionStopped()
    {
        _session = null;
        if (_sessionFailed && !_closing)
        {
            Write(InternalErrorBye);
        }

        BeginClose(_sessionFailed ? "session failed" : "session stopped");
    }

    private void WriteReply(ReadOnlyMemory<byte> reply)
    {
        if (!reply.IsEmpty)
        {
            Write(reply);
        }
    }

    private void Write(ReadOnlyMemory<byte> data)
    {
        if (_closing || data.IsEmpty)
        {
            return;
        }

        WriteOut(_deflate is not null ? _deflate.Compress([data]) : data);
    }

    /// <summary>Bytes as they go on the wire below compression: into TLS, or straight to the socket.</summary>
    private void WriteOut(ReadOnlyMemory<byte> data)
    {
        if (_tls is not null)
        {
            QueuePlaintext(data);
            return;
        }

        _window.Enqueue(new OutgoingWrite(AsSegment(data)));
    }

    private void Write(IReadOnlyList<ReadOnlyMemory<byte>> parts)
    {
        if (_deflate is not null && !_closing)
        {
            // One flushed deflate block for the whole answer.
            WriteOut(_deflate.Compress(parts));
            return;
        }

        if (_closing || _tls is not null)
        {
            foreach (var part in parts) Write(part);
            return;
        }

        var segments = new List<ArraySegment<byte>>(parts.Count);
        var bytes = 0;
        foreach (var part in parts)
        {
            if (part.IsEmpty) continue;
            segments.Add(AsSegment(part));
            bytes += part.Length;
        }
        if (segments.Count > 0) _window.Enqueue(new OutgoingWrite(segments, bytes));
    }

    private static ArraySegment<byte> AsSegment(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var segment) ? segment : new ArraySegment<byte>(data.ToArray());

    private void BeginClose(string reason)
    {
        if (_closing)
        {
            return;
        }

        _closing = true;
        _closeReason = reason;
        Timers.StartSingleTimer(nameof(CloseTimedOut), CloseTimedOut.Instance, _endpoint.CloseTimeout);
        TryFinishClose();
    }

    /// <summary>Closes once queued plaintext is encrypted (and close_notify sent) and every write is handed to the socket, which sends them before closing.</summary>
    private void TryFinishClose()
    {
        if (!_closing || _closeSent || _transportClosed || !TlsReadyToClose() || !_window.AllIssued)
        {
            return;
        }

        _closeSent = true;
        _socket.Close();
    }

    private void OnTransportClosed(string reason)
    {
        if (_transportClosed)
        {
            return;
        }

        _transportClosed = true;
        _closeReason ??= reason;
        Timers.CancelAll();
        _window.Fail(new IOException("connection closed"));
        _tls?.EndOfInput();
        if (_session is null)
        {
            Context.Stop(Self);
            return;
        }

        _session.Tell(new ConnectionClosed(_closeReason ?? reason));
        Timers.StartSingleTimer(nameof(SessionStopTimedOut), SessionStopTimedOut.Instance, _endpoint.SessionStopTimeout);
        Become(Closed);
    }

    private sealed record CloseTimedOut : INoSerializationVerificationNeeded
    {
        public static readonly CloseTimedOut Instance = new();
    }

    private sealed record SessionStopTimedOut : INoSerializationVerificationNeeded
    {
        public static readonly SessionStopTimedOut Instance = new();
    }
}
