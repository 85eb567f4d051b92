using System.Buffers;
using AkkaImap.Protocol.Parsing;

namespace AkkaImap.Protocol.Receiving;

/// <summary>
/// Splits the client's byte stream into whole commands (RFC 9051 §2.2.1: lines ending in
/// CRLF, with literals whose sizes are announced at the end of a line). I/O-free: the
/// session <see cref="Append"/>s what the socket delivered, then calls <see cref="Next"/>
/// (or <see cref="NextLine"/> while an AUTHENTICATE exchange or IDLE is in progress) until it
/// returns <see cref="NeedMoreData"/>. The events are the same however the bytes are chunked.
/// Bare LF is accepted as a line end, as Dovecot does, for hand-typed sessions.
/// Between commands, with nothing buffered, it holds no buffer: the first bytes of a command rent
/// one from the shared pool and the end of the command returns it, so 10,000 idle sessions do not
/// keep 4 KB each (issue 17).
/// </summary>
public sealed class CommandReceiver
{
    private const int InitialSize = 4096;

    // A tag is looked for only in this many leading bytes, so that an over-long line yields the
    // same tag whether it is noticed before or after its line end arrived.
    private const int TagScanLimit = 256;

    private readonly ReceiverLimits _limits;
    private byte[] _buf = [];
    private bool _pooled;    // _buf is the InitialSize buffer rented from ArrayPool<byte>.Shared
    private int _start;      // first byte of the current command (bytes before it are dropped)
    private int _pos;        // next byte to examine
    private int _end;        // end of the buffered bytes
    private int _lineStart;  // first byte of the line being scanned
    private State _state = State.Line;
    private long _literalRemaining;
    private long _commandText;
    private long _commandLiterals;
    private string? _tag;
    private bool _discarding; // the rest of a rejected command is being read and dropped

    private enum State { Line, Literal, SkipLine }

    public CommandReceiver(ReceiverLimits limits) => _limits = limits;

    /// <summary>Bytes held for the command in progress and not yet examined; for diagnostics and tests.</summary>
    public int BufferedBytes => _end - _start;

    /// <summary>Whether a buffer is held: only while bytes of an unfinished command (or pipelined ones) are buffered.</summary>
    public bool HoldsBuffer => _buf.Length > 0;

    /// <summary>Appends bytes received from the client. Call the <c>Next</c> methods until they need more data before appending again.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        if (_end + data.Length > _buf.Length)
        {
            int live = _end - _start;
            int needed = live + data.Length;
            if (needed <= _buf.Length) Move(_buf);
            else
            {
                // Double small buffers; grow large ones (a big literal's) only by a bounded step.
                long size = Math.Max(needed, Math.Min(_buf.Length * 2L, needed + 1024L * 1024));
                if (size <= InitialSize) Move(ArrayPool<byte>.Shared.Rent(InitialSize), pooled: true);
                else Move(new byte[Math.Min(size, Array.MaxLength)]);
            }
        }
        data.CopyTo(_buf.AsSpan(_end));
        _end += data.Length;
    }

    /// <summary>The next event in command mode.</summary>
    public ReceiveEvent Next()
    {
        while (true)
        {
            switch (_state)
            {
                case State.Literal:
                    if (!ConsumeLiteral()) return NeedMoreData.Instance;
                    continue;
                case State.SkipLine:
                    if (!SkipToLineEnd()) return NeedMoreData.Instance;
                    continue;
            }

            int lf = _buf.AsSpan(_pos, _end - _pos).IndexOf((byte)'\n');
            if (lf < 0)
            {
                _pos = _end;
                long partial = _end - _lineStart;
                if (partial <= _limits.MaxLine + 1L && _commandText + partial <= _limits.MaxLine + 1L)
                    return NeedMoreData.Instance;
                string? tag = CurrentTag();
                bool report = !_discarding;
                BeginSkip();
                if (report) return new LimitExceeded(LimitKind.LineTooLong, tag);
                continue;
            }

            int lineEnd = _pos + lf;
            int contentEnd = lineEnd > _lineStart && _buf[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            var content = _buf.AsSpan(_lineStart, contentEnd - _lineStart);
            _pos = lineEnd + 1;

            if (_commandText + content.Length > _limits.MaxLine)
            {
                string? tag = CurrentTag();
                bool report = !_discarding;
                EndCommand();
                if (report) return new LimitExceeded(LimitKind.LineTooLong, tag);
                continue;
            }

            if (_lineStart == _start && !_discarding) _tag = ExtractTag(content);
            _commandText += content.Length;
            var marker = LiteralMarker.Find(content);

            if (_discarding)
            {
                // A synchronizing literal in a rejected command is never sent (no continuation
                // is given), so only non-synchronizing ones need to be read and dropped.
                if (marker is { Synchronizing: false }) StartLiteral(marker.Value.Size, keep: false);
                else EndCommand();
                continue;
            }

            if (marker is null)
            {
                var command = TakeCommand();
                return new CommandReceived(command);
            }

            var (size, sync) = marker.Value;
            if (size > _limits.MaxLiteral - _commandLiterals)
            {
                string? tag = _tag;
                if (sync)
                {
                    // RFC 9051 §7.5: without a continuation request the client does not send
                    // the literal, so the next line is a new command.
                    EndCommand();
                }
                else
                {
                    _discarding = true;
                    StartLiteral(size, keep: false);
                }
                return new LimitExceeded(LimitKind.LiteralTooLarge, tag);
            }

            _commandLiterals += size;
            StartLiteral(size, keep: true);
            if (sync) return new LiteralContinuationNeeded(size);
        }
    }

    /// <summary>
    /// The next command without taking it, when all of it is buffered and it is one line without a
    /// literal (a copy; <see cref="Next"/> then returns the same); otherwise null. Lets a session
    /// look at what is pipelined behind a command still running. Call only between commands.
    /// </summary>
    public RawCommand? PeekWholeLine()
    {
        if (_state != State.Line || _discarding || _lineStart != _start) return null;
        int lf = _buf.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
        if (lf < 0 || lf > _limits.MaxLine) return null;
        var line = _buf.AsSpan(_start, lf + 1);
        var content = line[..^(lf > 0 && line[^2] == '\r' ? 2 : 1)];
        return LiteralMarker.Find(content) is null ? new RawCommand(line.ToArray()) : null;
    }

    /// <summary>
    /// The next raw line (RFC 9051 §6.2.2 AUTHENTICATE responses, §6.3.13 IDLE's DONE),
    /// without its line end. Call only between commands.
    /// </summary>
    public ReceiveEvent NextLine()
    {
        if (_state == State.Literal || _discarding || _lineStart != _start)
            throw new InvalidOperationException("NextLine is only valid between commands.");
        while (true)
        {
            if (_state == State.SkipLine)
            {
                if (!SkipToLineEnd()) return NeedMoreData.Instance;
                continue;
            }
            int lf = _buf.AsSpan(_pos, _end - _pos).IndexOf((byte)'\n');
            if (lf < 0)
            {
                _pos = _end;
                if (_end - _lineStart <= _limits.MaxLine + 1L) return NeedMoreData.Instance;
                BeginSkip();
                return new LimitExceeded(LimitKind.LineTooLong, null);
            }
            int lineEnd = _pos + lf;
            int contentEnd = lineEnd > _lineStart && _buf[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            int length = contentEnd - _lineStart;
            byte[] line = _buf.AsSpan(_lineStart, length).ToArray();
            _pos = lineEnd + 1;
            EndCommand();
            if (length > _limits.MaxLine) return new LimitExceeded(LimitKind.LineTooLong, null);
            return new LineReceived(line);
        }
    }

    /// <summary>
    /// Removes and returns the bytes received after the last complete command. Call it right
    /// after STARTTLS (discard them: plaintext sent before the handshake must not be run as
    /// commands, CVE-2011-0411) or COMPRESS (they are already compressed, RFC 4978 §3).
    /// Call only between commands.
    /// </summary>
    public byte[] TakeUnprocessed()
    {
        if (_state == State.Literal || _discarding || _lineStart != _start)
            throw new InvalidOperationException("TakeUnprocessed is only valid between commands.");
        byte[] rest = _buf.AsSpan(_start, _end - _start).ToArray();
        _state = State.Line;
        _start = _pos = _lineStart = _end = 0;
        EndCommand();
        return rest;
    }

    private bool ConsumeLiteral()
    {
        long take = Math.Min(_end - _pos, _literalRemaining);
        _pos += (int)take;
        _literalRemaining -= take;
        if (_discarding) Drop();
        if (_literalRemaining > 0) return false;
        _state = State.Line;
        _lineStart = _pos;
        return true;
    }

    private bool SkipToLineEnd()
    {
        int lf = _buf.AsSpan(_pos, _end - _pos).IndexOf((byte)'\n');
        if (lf < 0)
        {
            _pos = _end;
            Drop();
            return false;
        }
        _pos += lf + 1;
        EndCommand();
        return true;
    }

    private void StartLiteral(long size, bool keep)
    {
        if (keep) Reserve(size);
        else Drop();
        _literalRemaining = size;
        _state = State.Literal;
    }

    private void BeginSkip()
    {
        _state = State.SkipLine;
        _discarding = false;
        Drop();
    }

    /// <summary>Forgets the command in progress; the next line starts a new one.</summary>
    private void EndCommand()
    {
        _state = State.Line;
        _start = _pos;
        _lineStart = _pos;
        _commandText = 0;
        _commandLiterals = 0;
        _tag = null;
        _discarding = false;
        Shrink();
    }

    private RawCommand TakeCommand()
    {
        int length = _pos - _start;
        RawCommand command;
        if (length >= 64 * 1024 && length >= _buf.Length / 2 && !_pooled)
        {
            // Hand the buffer itself over: a large APPEND literal is then copied only once,
            // from the socket's bytes into this buffer.
            command = new RawCommand(new ReadOnlyMemory<byte>(_buf, _start, length));
            int rest = _end - _pos;
            var fresh = new byte[Math.Max(InitialSize, rest)];
            _buf.AsSpan(_pos, rest).CopyTo(fresh);
            _buf = fresh;
            _start = _pos = _lineStart = 0;
            _end = rest;
        }
        else
        {
            command = new RawCommand(_buf.AsSpan(_start, length).ToArray());
        }
        EndCommand();
        return command;
    }

    /// <summary>Makes room for a literal of <paramref name="size"/> bytes in one step, so the buffer is not regrown while it arrives.</summary>
    private void Reserve(long size)
    {
        long needed = Math.Max(_end - _start, _pos - _start + size) + 1024;
        if (needed > Array.MaxLength) needed = Array.MaxLength;
        if (_buf.Length - _start >= needed) return;
        Move(_buf.Length >= needed ? _buf : new byte[needed]);
    }

    private void Drop()
    {
        _start = _pos;
        _lineStart = Math.Max(_lineStart, _pos);
    }

    private void Shrink()
    {
        if (_end == _start)
        {
            // Nothing buffered: the buffer goes back (or to the GC) until the next bytes arrive.
            ReleaseBuffer();
            _buf = [];
            _start = _pos = _end = _lineStart = 0;
        }
        else if (_buf.Length > 4 * InitialSize && _end - _start <= InitialSize)
        {
            Move(ArrayPool<byte>.Shared.Rent(InitialSize), pooled: true);
        }
    }

    private void ReleaseBuffer()
    {
        if (_pooled)
        {
            // Cleared: the next renter is another session, and this one may have held a password.
            ArrayPool<byte>.Shared.Return(_buf, clearArray: true);
            _pooled = false;
        }
    }

    /// <summary>
    /// Moves the live bytes to the front of <paramref name="target"/> (which may be the current
    /// buffer; <paramref name="pooled"/>: a new one rented from the shared pool).
    /// </summary>
    private void Move(byte[] target, bool pooled = false)
    {
        int shift = _start;
        Buffer.BlockCopy(_buf, _start, target, 0, _end - _start);
        if (!ReferenceEquals(target, _buf))
        {
            ReleaseBuffer();
            _pooled = pooled;
        }
        _buf = target;
        _start = 0;
        _pos -= shift;
        _end -= shift;
        _lineStart -= shift;
    }

    private string? CurrentTag()
    {
        if (_tag is not null || _lineStart != _start) return _tag;
        int length = Math.Min(_end - _lineStart, TagScanLimit);
        return ExtractTag(_buf.AsSpan(_lineStart, length));
    }

    private static string? ExtractTag(ReadOnlySpan<byte> line)
    {
        if (line.Length > TagScanLimit) line = line[..TagScanLimit];
        int sp = line.IndexOf((byte)' ');
        if (sp <= 0) return null;
        var tag = line[..sp];
        foreach (byte b in tag)
            if (!ImapChars.IsTagChar(b)) return null;
        return System.Text.Encoding.ASCII.GetString(tag);
    }
}
