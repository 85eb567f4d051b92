using System.Buffers;

namespace AkkaImap.Protocol.Lmtp;

/// <summary>
/// Reads the message after DATA (RFC 5321 §4.1.1.4, §4.5.2): removes the leading dot a client
/// adds to lines that begin with one, and ends at a line holding a single dot. Only
/// <c>CRLF.CRLF</c> ends the message; a bare LF is stored as CRLF and never ends it (so a
/// <c>LF.LF</c> sequence cannot smuggle a second message past an MTA that reads it otherwise).
/// Past <see cref="_max"/> bytes the rest is read and dropped, so the client still gets its
/// replies. The bytes may arrive in any chunks: the result is the same.
/// </summary>
internal sealed class DataReader
{
    private enum State { LineStart, Middle, Dot, DotCr }

    private readonly long _max;
    private readonly ArrayBufferWriter<byte> _body = new(16 * 1024);
    private State _state = State.LineStart;
    private bool _lastWasCr;
    private long _size;

    public DataReader(long max) => _max = max;

    /// <summary>The message grew past the cap: its bytes are dropped.</summary>
    public bool TooBig => _size > _max;

    public ReadOnlyMemory<byte> Body => _body.WrittenMemory;

    /// <summary>Consumes bytes of <paramref name="input"/>; returns how many, and whether the end-of-data line was among them.</summary>
    public int Read(ReadOnlySpan<byte> input, out bool ended)
    {
        int i = 0;
        while (i < input.Length)
        {
            byte b = input[i];
            switch (_state)
            {
                case State.LineStart:
                    _lastWasCr = false;
                    if (b == (byte)'.')
                    {
                        _state = State.Dot;
                        i++;
                        continue;
                    }
                    _state = State.Middle;
                    continue;
                case State.Dot:
                    i++;
                    if (b == (byte)'\r')
                    {
                        _state = State.DotCr;
                    }
                    else if (b == (byte)'\n')
                    {
                        // ".<LF>": not the end (only CRLF.CRLF is); the dot was stuffing.
                        Write("\r\n"u8);
                        _state = State.LineStart;
                    }
                    else
                    {
                        _state = State.Middle;
                        i--;
                    }
                    continue;
                case State.DotCr:
                    if (b == (byte)'\n')
                    {
                        ended = true;
                        _state = State.LineStart;
                        return i + 1;
                    }
                    // ".<CR>x": a lone CR after the stuffing dot; keep it.
                    Write("\r"u8);
                    _lastWasCr = true;
                    _state = State.Middle;
                    continue;
                case State.Middle:
                    var rest = input[i..];
                    int lf = rest.IndexOf((byte)'\n');
                    if (lf < 0)
                    {
                        Write(rest);
                        _lastWasCr = rest[^1] == (byte)'\r';
                        i = input.Length;
                        continue;
                    }
                    Write(rest[..lf]);
                    bool crBefore = lf > 0 ? rest[lf - 1] == (byte)'\r' : _lastWasCr;
                    Write(crBefore ? "\n"u8 : "\r\n"u8);
                    i += lf + 1;
                    _state = State.LineStart;
                    continue;
            }
        }
        ended = false;
        return i;
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }
        _size += bytes.Length;
        if (_size <= _max)
        {
            _body.Write(bytes);
        }
    }
}
