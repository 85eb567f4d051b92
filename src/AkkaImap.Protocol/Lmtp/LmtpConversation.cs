using System.Text;

namespace AkkaImap.Protocol.Lmtp;

/// <summary>Caps on one LMTP connection's input (every one a HOCON key under <c>akka-imap.lmtp</c>).</summary>
/// <param name="MaxLine">Longest command line in bytes; longer ones are refused and skipped.</param>
/// <param name="MaxMessageSize">Largest message (advertised as SIZE, RFC 1870).</param>
/// <param name="MaxRecipients">Most accepted recipients of one transaction; more get 452 4.5.3.</param>
/// <param name="MaxBadCommands">Invalid or out-of-order commands in a row before the connection is closed.</param>
public sealed record LmtpLimits(int MaxLine, long MaxMessageSize, int MaxRecipients, int MaxBadCommands);

/// <summary>What the conversation needs from its host (the session actor) before it can go on.</summary>
public abstract record LmtpStep;

/// <summary>Every complete command is answered; more bytes are needed.</summary>
public sealed record LmtpNeedInput : LmtpStep
{
    public static readonly LmtpNeedInput Instance = new();
}

/// <summary>Look the recipient up and answer with <see cref="LmtpConversation.RecipientChecked"/>.</summary>
public sealed record LmtpCheckRecipient(LmtpAddress Address) : LmtpStep;

/// <summary>
/// The message is complete: deliver <see cref="Body"/> to every recipient of
/// <see cref="Envelope"/> and answer with <see cref="LmtpConversation.Delivered"/>, one reply per
/// recipient in order (RFC 2033 §4.2). The body stays valid until then.
/// </summary>
public sealed record LmtpDeliver(LmtpEnvelope Envelope, ReadOnlyMemory<byte> Body) : LmtpStep;

/// <summary>Send what is written, then close the connection.</summary>
public sealed record LmtpClose : LmtpStep
{
    public static readonly LmtpClose Instance = new();
}

/// <summary>An accepted recipient and the mailbox the host resolved it to.</summary>
public sealed record LmtpRecipient(LmtpAddress Address, long Mailbox);

/// <summary>One transaction: the reverse path (empty for &lt;&gt;) and the accepted recipients, in RCPT order.</summary>
public sealed record LmtpEnvelope(string ReversePath, IReadOnlyList<LmtpRecipient> Recipients);

/// <summary>
/// The LMTP server side of one connection (RFC 2033 on RFC 5321), with no I/O: bytes go in with
/// <see cref="Feed"/>, <see cref="Next"/> answers commands until it needs input or the host's work
/// (a recipient lookup, a delivery), and replies come out of <see cref="TakeOutput"/>. Commands
/// are taken one at a time in order, so a pipelining client (RFC 2920) gets its replies in order;
/// while the host works, further bytes only wait in the buffer. One state table:
/// before LHLO only LHLO, NOOP, RSET, QUIT; MAIL opens a transaction, RCPT needs one, DATA needs
/// an accepted recipient.
/// </summary>
public sealed class LmtpConversation
{
    private enum State { Greeted, Ready, Data, Waiting, Closed }

    private readonly string _host;
    private readonly LmtpLimits _limits;
    private readonly StringBuilder _output = new();
    private byte[] _in = new byte[4096];
    private int _start;
    private int _end;
    private State _state = State.Greeted;
    private bool _skippingLongLine;
    private int _badInARow;
    private string? _reversePath;
    private readonly List<LmtpRecipient> _recipients = [];
    private LmtpAddress? _pendingRecipient;
    private DataReader? _data;

    public LmtpConversation(string host, LmtpLimits limits)
    {
        _host = host;
        _limits = limits;
        // RFC 5321 §4.2: the greeting names the server.
        Reply(new LmtpReply(220, null, $"{host} AkkaImap LMTP ready"));
    }

    /// <summary>Bytes received and not yet consumed (a pipelining client's next commands).</summary>
    public int BufferedBytes => _end - _start;

    /// <summary>A message is being received (after 354).</summary>
    public bool InData => _state == State.Data;

    /// <summary>The host's work is awaited (<see cref="LmtpCheckRecipient"/> or <see cref="LmtpDeliver"/>).</summary>
    public bool Waiting => _state == State.Waiting;

    public bool Closed => _state == State.Closed;

    public void Feed(ReadOnlySpan<byte> data)
    {
        if (_state == State.Closed)
        {
            return;
        }
        if (_in.Length - _end < data.Length)
        {
            int live = _end - _start;
            var target = live + data.Length <= _in.Length ? _in : new byte[Math.Max(_in.Length * 2, live + data.Length)];
            Buffer.BlockCopy(_in, _start, target, 0, live);
            _in = target;
            _start = 0;
            _end = live;
        }
        data.CopyTo(_in.AsSpan(_end));
        _end += data.Length;
    }

    /// <summary>The replies written since the last call (ASCII), or null when there are none.</summary>
    public string? TakeOutput()
    {
        if (_output.Length == 0)
        {
            return null;
        }
        string text = _output.ToString();
        _output.Clear();
        return text;
    }

    /// <summary>Says a last word (timeout, shutdown) and closes.</summary>
    public void CloseWith(LmtpReply reply)
    {
        if (_state == State.Closed)
        {
            return;
        }
        Reply(reply);
        _state = State.Closed;
    }

    /// <summary>Answers commands until input is needed, the host must work, or the connection ends.</summary>
    public LmtpStep Next()
    {
        while (true)
        {
            switch (_state)
            {
                case State.Closed:
                    return LmtpClose.Instance;
                case State.Waiting:
                    return LmtpNeedInput.Instance;
                case State.Data:
                    if (ReadData() is { } step)
                    {
                        return step;
                    }
                    if (_state == State.Data)
                    {
                        return LmtpNeedInput.Instance;
                    }
                    continue;
            }

            if (!TryTakeLine(out var line))
            {
                return _state == State.Closed ? LmtpClose.Instance : LmtpNeedInput.Instance;
            }
            if (line is null)
            {
                continue;
            }
            if (Handle(LmtpCommandParser.Parse(line)) is { } work)
            {
                return work;
            }
        }
    }

    /// <summary>The answer to <see cref="LmtpCheckRecipient"/>: the reply, and the mailbox when accepted (2xx).</summary>
    public void RecipientChecked(LmtpReply reply, long mailbox)
    {
        if (_state != State.Waiting || _pendingRecipient is null)
        {
            throw new InvalidOperationException("no recipient check is pending");
        }
        if (reply.IsPositive)
        {
            _recipients.Add(new LmtpRecipient(_pendingRecipient, mailbox));
        }
        _pendingRecipient = null;
        Reply(reply);
        _state = State.Ready;
    }

    /// <summary>The answer to <see cref="LmtpDeliver"/>: one reply per recipient, in RCPT order.</summary>
    public void Delivered(IReadOnlyList<LmtpReply> replies)
    {
        if (_state != State.Waiting || _data is null || replies.Count != _recipients.Count)
        {
            throw new InvalidOperationException("no delivery of that many recipients is pending");
        }
        foreach (var reply in replies)
        {
            Reply(reply);
        }
        EndTransaction();
        _state = State.Ready;
    }

    private LmtpStep? Handle(LmtpCommand command)
    {
        bool ok = true;
        LmtpStep? step = null;
        switch (command)
        {
            case LhloCommand:
                // RFC 2033 §4.1 / RFC 5321 §4.1.4: LHLO also ends any transaction in progress.
                EndTransaction();
                _state = State.Ready;
                Reply(new LmtpReply(250, null,
                    [_host, "PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME", $"SIZE {_limits.MaxMessageSize}"]));
                break;
            case MailCommand when _state == State.Greeted:
                ok = Refuse(LmtpReply.BadSequence("Send LHLO first"));
                break;
            case MailCommand when _reversePath is not null:
                ok = Refuse(LmtpReply.BadSequence("Nested MAIL command"));
                break;
            case MailCommand mail when mail.DeclaredSize > _limits.MaxMessageSize:
                // RFC 1870 §6.1: refuse a message declared too large at MAIL, before its data.
                Reply(LmtpReply.TooBig(_limits.MaxMessageSize));
                break;
            case MailCommand mail:
                _reversePath = mail.ReversePath;
                Reply(new LmtpReply(250, "2.1.0", "Sender OK"));
                break;
            case RcptCommand when _reversePath is null:
                ok = Refuse(LmtpReply.BadSequence("Need MAIL before RCPT"));
                break;
            case RcptCommand when _recipients.Count >= _limits.MaxRecipients:
                Reply(LmtpReply.TooManyRecipients);
                break;
            case RcptCommand rcpt:
                _pendingRecipient = rcpt.Address;
                _state = State.Waiting;
                step = new LmtpCheckRecipient(rcpt.Address);
                break;
            case DataCommand when _reversePath is null:
                ok = Refuse(LmtpReply.BadSequence("Need MAIL before DATA"));
                break;
            case DataCommand when _recipients.Count == 0:
                // RFC 2033 §4.2: with no accepted recipient, DATA is refused with 503.
                ok = Refuse(LmtpReply.BadSequence("No valid recipients"));
                break;
            case DataCommand:
                Reply(new LmtpReply(354, null, "Start mail input; end with <CRLF>.<CRLF>"));
                _data = new DataReader(_limits.MaxMessageSize);
                _state = State.Data;
                break;
            case RsetCommand:
                EndTransaction();
                Reply(LmtpReply.Ok());
                break;
            case NoopCommand:
                Reply(LmtpReply.Ok());
                break;
            case QuitCommand:
                Reply(LmtpReply.Closing(_host));
                _state = State.Closed;
                return LmtpClose.Instance;
            case InvalidCommand invalid:
                ok = Refuse(invalid.Reply);
                break;
        }
        if (ok)
        {
            _badInARow = 0;
        }
        return _state == State.Closed ? LmtpClose.Instance : step;
    }

    /// <summary>Answers a bad or out-of-order command; too many in a row end the connection.</summary>
    private bool Refuse(LmtpReply reply)
    {
        Reply(reply);
        if (++_badInARow >= _limits.MaxBadCommands)
        {
            CloseWith(new LmtpReply(421, "4.7.0", $"{_host} too many errors, closing connection"));
        }
        return false;
    }

    private LmtpStep? ReadData()
    {
        int used = _data!.Read(_in.AsSpan(_start, _end - _start), out bool ended);
        _start += used;
        Compact();
        if (!ended)
        {
            return null;
        }
        if (_data.TooBig)
        {
            // RFC 2033 §4.2: one reply per recipient, here the same for all.
            foreach (var _ in _recipients)
            {
                Reply(LmtpReply.TooBig(_limits.MaxMessageSize));
            }
            EndTransaction();
            _state = State.Ready;
            return null;
        }
        _state = State.Waiting;
        return new LmtpDeliver(new LmtpEnvelope(_reversePath ?? "", [.. _recipients]), _data.Body);
    }

    /// <summary>
    /// Takes one command line (CRLF or a bare LF ends it; the CR is dropped). Null line with true:
    /// a line was consumed that needs no command (the tail of an over-long one).
    /// </summary>
    private bool TryTakeLine(out string? line)
    {
        line = null;
        var buffered = _in.AsSpan(_start, _end - _start);
        int lf = buffered.IndexOf((byte)'\n');
        if (lf < 0)
        {
            if (buffered.Length > _limits.MaxLine)
            {
                // RFC 5321 §4.5.3.1.4 allows 500 for a line too long; the rest of it is skipped.
                if (!_skippingLongLine)
                {
                    _skippingLongLine = true;
                    Refuse(new LmtpReply(500, "5.5.2", "Line too long"));
                }
                _start = _end;
                Compact();
            }
            return false;
        }
        var raw = buffered[..lf];
        _start += lf + 1;
        Compact();
        if (_skippingLongLine)
        {
            _skippingLongLine = false;
            return true;
        }
        if (raw.Length > 0 && raw[^1] == (byte)'\r')
        {
            raw = raw[..^1];
        }
        if (raw.Length > _limits.MaxLine)
        {
            Refuse(new LmtpReply(500, "5.5.2", "Line too long"));
            return true;
        }
        line = Encoding.UTF8.GetString(raw);
        return true;
    }

    private void Compact()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    private void EndTransaction()
    {
        _reversePath = null;
        _recipients.Clear();
        _pendingRecipient = null;
        _data = null;
    }

    private void Reply(LmtpReply reply) => reply.WriteTo(_output);
}
