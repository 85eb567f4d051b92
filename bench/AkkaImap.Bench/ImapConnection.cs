using System.Buffers.Text;
using System.IO.Compression;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace AkkaImap.Bench;

/// <summary>One server response line, literals (RFC 9051 §4.3) consumed but not kept.</summary>
/// <param name="Text">The line without CRLF; each literal is replaced by <c>{n}</c> as the server sent it.</param>
/// <param name="LiteralBytes">How many literal bytes the line carried (e.g. a FETCH body).</param>
public readonly record struct ResponseLine(string Text, long LiteralBytes)
{
    public bool IsContinuation => Text.StartsWith('+');

    public bool IsUntagged => Text.StartsWith("* ", StringComparison.Ordinal);
}

/// <summary>The tagged completion of a command (RFC 9051 §7.1) with what preceded it.</summary>
public readonly record struct TaggedReply(string Tag, string Status, string Text, int UntaggedLines, long LiteralBytes)
{
    public bool Ok => Status == "OK";
}

/// <summary>How a connection reaches IMAP: plain text, TLS from the first byte (RFC 8314 §3.3), or STARTTLS (RFC 9051 §6.2.1).</summary>
public enum TlsMode
{
    None,
    Implicit,
    StartTls,
}

/// <summary>
/// A minimal IMAP client: small buffers so that 10,000 of them are cheap, commands written as
/// bytes, responses read line by line with literals skipped. Plain text, or TLS (<see cref="TlsMode"/>:
/// the server's certificate is not checked, loopback only), and COMPRESS=DEFLATE (RFC 4978) on
/// request; the bytes that crossed the socket are counted either way.
/// </summary>
public sealed class ImapConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly WireCounter _wire;
    private Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _tagCounter;

    private ImapConnection(Socket socket, Stream stream, WireCounter wire, int bufferSize)
    {
        _socket = socket;
        _wire = wire;
        _stream = stream;
        _buffer = new byte[bufferSize];
    }

    /// <summary>
    /// <c>--tls implicit|starttls</c>, none when absent (<c>--port</c> then names the port that speaks it).
    /// </summary>
    public static TlsMode ParseTls(string value) => value switch
    {
        "" or "none" or "off" => TlsMode.None,
        "implicit" => TlsMode.Implicit,
        "starttls" => TlsMode.StartTls,
        _ => throw new ArgumentException($"--tls {value}: use implicit or starttls"),
    };

    /// <summary>Bytes received from the socket so far (compressed or encrypted as they travelled).</summary>
    public long WireBytesReceived => _wire.Received;

    /// <summary>Bytes sent to the socket so far.</summary>
    public long WireBytesSent => _wire.Sent;

    public string Capabilities { get; internal set; } = string.Empty;

    public bool LiteralPlus => Capabilities.Contains(" LITERAL+", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Connects, optionally from a given local address (spreads ephemeral ports over 127.0.0.x)
    /// over TLS as asked, and reads the greeting.
    /// </summary>
    public static async Task<ImapConnection> ConnectAsync(IPEndPoint server, IPAddress? local, int bufferSize, CancellationToken ct, TlsMode tls = TlsMode.None)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (local is not null)
            {
                socket.Bind(new IPEndPoint(local, 0));
            }

            await socket.ConnectAsync(server, ct);
            var wire = new WireCounter(new NetworkStream(socket, ownsSocket: false));
            var connection = new ImapConnection(socket, wire, wire, bufferSize);
            if (tls == TlsMode.Implicit)
            {
                await connection.StartTlsAsync(ct);
            }

            var greeting = await connection.ReadLineAsync(ct);
            if (!greeting.Text.StartsWith("* OK", StringComparison.OrdinalIgnoreCase))
            {
                await connection.DisposeAsync();
                throw new IOException("unexpected greeting: " + greeting.Text);
            }

            connection.Capabilities = greeting.Text;
            if (tls == TlsMode.StartTls)
            {
                var reply = await connection.CommandAsync("STARTTLS", ct);
                if (!reply.Ok || connection._end > connection._start)
                {
                    await connection.DisposeAsync();
                    throw new IOException("STARTTLS refused: " + reply.Status + " " + reply.Text);
                }

                await connection.StartTlsAsync(ct);
            }

            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task StartTlsAsync(CancellationToken ct)
    {
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
        }, ct);
        _stream = tls;
    }

    public string NextTag() => "a" + (++_tagCounter).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes <c>TAG command CRLF</c> and returns the tag (does not wait: callers pipeline).</summary>
    public async Task<string> SendAsync(string command, CancellationToken ct)
    {
        var tag = NextTag();
        await WriteAsync(Encoding.UTF8.GetBytes(tag + " " + command + "\r\n"), ct);
        return tag;
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        await _stream.WriteAsync(bytes, ct);
        await _stream.FlushAsync(ct);
    }

    /// <summary>
    /// COMPRESS DEFLATE (RFC 4978): after the tagged OK both directions are raw deflate streams.
    /// Returns the server's reply; on anything but OK the connection stays uncompressed.
    /// </summary>
    public async Task<TaggedReply> CompressAsync(CancellationToken ct)
    {
        var reply = await CommandAsync("COMPRESS DEFLATE", ct);
        if (reply.Ok)
        {
            if (_start != _end)
            {
                throw new IOException("bytes after COMPRESS's OK before compression started");
            }

            _stream = new DeflateDuplex(_stream);
        }

        return reply;
    }

    /// <summary>Sends one command and waits for its tagged completion.</summary>
    public async Task<TaggedReply> CommandAsync(string command, CancellationToken ct)
    {
        await SendAsync(command, ct);
        return await ReadTaggedAsync(null, ct);
    }

    /// <summary>LOGIN with quoted strings; refreshes the capability list the server sends along.</summary>
    public async Task<TaggedReply> LoginAsync(string user, string password, CancellationToken ct)
    {
        var reply = await CommandAsync($"LOGIN {Quote(user)} {Quote(password)}", ct);
        if (reply.Text.Contains("[CAPABILITY", StringComparison.OrdinalIgnoreCase))
        {
            Capabilities = reply.Text;
        }
        else if (reply.Ok && !LiteralPlus)
        {
            var caps = string.Empty;
            await SendAsync("CAPABILITY", ct);
            await ReadTaggedAsync(line => caps = line.Text.StartsWith("* CAPABILITY", StringComparison.OrdinalIgnoreCase) ? line.Text : caps, ct);
            Capabilities = caps;
        }

        return reply;
    }

    /// <summary>
    /// APPEND (or MULTIAPPEND, RFC 3502) of the given messages, with LITERAL+ (RFC 7888) when
    /// offered, else waiting for each continuation as a plain client does.
    /// </summary>
    public async Task<TaggedReply> AppendAsync(string mailbox, IReadOnlyList<byte[]> messages, string flags, CancellationToken ct)
    {
        var tag = NextTag();
        var plus = LiteralPlus ? "+" : string.Empty;
        var head = new StringBuilder(tag).Append(" APPEND ").Append(Quote(mailbox));
        for (var i = 0; i < messages.Count; i++)
        {
            head.Append(' ').Append(flags).Append(" {").Append(messages[i].Length).Append(plus).Append("}\r\n");
            await WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), ct);
            head.Clear();
            if (!LiteralPlus)
            {
                var cont = await ReadLineAsync(ct);
                if (!cont.IsContinuation)
                {
                    return ParseTagged(cont, 0, 0) ?? throw new IOException("unexpected during APPEND: " + cont.Text);
                }
            }

            await WriteAsync(messages[i], ct);
        }

        await WriteAsync("\r\n"u8.ToArray(), ct);
        return await ReadTaggedAsync(null, ct);
    }

    /// <summary>Reads lines until the next tagged completion; untagged and continuation lines go to <paramref name="onLine"/>.</summary>
    public async Task<TaggedReply> ReadTaggedAsync(Action<ResponseLine>? onLine, CancellationToken ct)
    {
        var untagged = 0;
        long literals = 0;
        while (true)
        {
            var line = await ReadLineAsync(ct);
            literals += line.LiteralBytes;
            if (line.IsUntagged || line.IsContinuation)
            {
                untagged++;
                // "* BYE" included: the tagged reply (e.g. to LOGOUT) still follows it.
                onLine?.Invoke(line);
                continue;
            }

            return ParseTagged(line, untagged, literals) ?? throw new IOException("unparsable line: " + line.Text);
        }
    }

    /// <summary>Handles one untagged line in place (without its CRLF); valid only during the call.</summary>
    public delegate void UntaggedSpan(ReadOnlySpan<byte> line);

    /// <summary>
    /// As <see cref="ReadTaggedAsync(Action{ResponseLine}?, CancellationToken)"/> for long answers
    /// without literals (FETCH 1:* (UID FLAGS) of 100,000 messages): every complete line received
    /// is handed over in place, no string per line, so that the figure is the server's time and
    /// not this tool's (a string and a parse per line took it 20-25 ms of 100,000 lines, against
    /// the server's 10). A line announcing a literal is refused: use the other overload.
    /// </summary>
    public async Task<TaggedReply> ReadTaggedSpansAsync(UntaggedSpan onLine, CancellationToken ct)
    {
        var untagged = 0;
        while (true)
        {
            if (TakeLines(onLine, ref untagged) is { } tagged)
            {
                return ParseTagged(new ResponseLine(tagged, 0), untagged, 0) ?? throw new IOException("unparsable line: " + tagged);
            }

            await ReceiveMoreAsync(ct);
        }
    }

    // The complete lines in the buffer: untagged ones to onLine; the tagged line's text once it is there.
    private string? TakeLines(UntaggedSpan onLine, ref int untagged)
    {
        while (true)
        {
            var rest = _buffer.AsSpan(_start, _end - _start);
            var eol = rest.IndexOf("\r\n"u8);
            if (eol < 0)
            {
                return null;
            }

            var line = rest[..eol];
            if (line.EndsWith("}"u8))
            {
                throw new IOException("a literal where none was expected: " + Encoding.UTF8.GetString(line));
            }

            _start += eol + 2;
            if (line.StartsWith("* "u8) || line.StartsWith("+"u8))
            {
                untagged++;
                onLine(line);
                continue;
            }

            return Encoding.UTF8.GetString(line);
        }
    }

    /// <summary>Reads one response line, skipping over literals that end a line and joining what follows them.</summary>
    public async Task<ResponseLine> ReadLineAsync(CancellationToken ct)
    {
        StringBuilder? joined = null;
        long literalBytes = 0;
        while (true)
        {
            var eol = await FillUntilLineAsync(ct);
            var span = _buffer.AsSpan(_start, eol - _start);
            var text = Encoding.UTF8.GetString(span);
            _start = eol + 2;
            var literal = TrailingLiteral(text);
            if (literal < 0)
            {
                return joined is null ? new ResponseLine(text, literalBytes) : new ResponseLine(joined.Append(text).ToString(), literalBytes);
            }

            (joined ??= new StringBuilder()).Append(text);
            literalBytes += literal;
            await SkipAsync(literal, ct);
        }
    }

    /// <summary>Writes DONE to end IDLE (RFC 2177) without waiting.</summary>
    public Task DoneAsync(CancellationToken ct) => WriteAsync("DONE\r\n"u8.ToArray(), ct);

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        try
        {
            await _stream.DisposeAsync();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The socket is already gone: nothing left to flush.
        }
    }

    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static TaggedReply? ParseTagged(ResponseLine line, int untagged, long literals)
    {
        var parts = line.Text.Split(' ', 3);
        return parts.Length < 2 ? null : new TaggedReply(parts[0], parts[1].ToUpperInvariant(), parts.Length > 2 ? parts[2] : string.Empty, untagged, literals);
    }

    // A line announcing a literal ends with {n} (or ~{n} for literal8, RFC 3516): n bytes follow the CRLF.
    private static long TrailingLiteral(string text)
    {
        if (!text.EndsWith('}'))
        {
            return -1;
        }

        var open = text.LastIndexOf('{');
        if (open < 0)
        {
            return -1;
        }

        var digits = Encoding.ASCII.GetBytes(text[(open + 1)..^1].TrimEnd('+'));
        return Utf8Parser.TryParse(digits, out long n, out var used) && used == digits.Length ? n : -1;
    }

    // Returns the index of the CR of the next CRLF, reading more as needed.
    private async ValueTask<int> FillUntilLineAsync(CancellationToken ct)
    {
        var searchFrom = _start;
        while (true)
        {
            var idx = _buffer.AsSpan(searchFrom, _end - searchFrom).IndexOf("\r\n"u8);
            if (idx >= 0)
            {
                return searchFrom + idx;
            }

            searchFrom = Math.Max(_start, _end - 1);
            var offset = searchFrom - _start;
            await ReceiveMoreAsync(ct);
            searchFrom = _start + offset;
        }
    }

    private async ValueTask SkipAsync(long count, CancellationToken ct)
    {
        while (count > 0)
        {
            if (_start == _end)
            {
                await ReceiveMoreAsync(ct);
            }

            var take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
        }
    }

    // Compacts the buffer (growing it only for lines longer than it) and receives once.
    private async ValueTask ReceiveMoreAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), ct);
        if (read == 0)
        {
            throw new IOException("connection closed by server");
        }

        _end += read;
    }
}

/// <summary>A stream over a connection: it reads and writes, and has no length or position to seek.</summary>
internal abstract class DuplexStream : Stream
{
    public sealed override bool CanRead => true;

    public sealed override bool CanSeek => false;

    public sealed override bool CanWrite => true;

    public sealed override long Length => throw new NotSupportedException();

    public sealed override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public sealed override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>Counts the bytes that pass through to the socket, in both directions.</summary>
internal sealed class WireCounter(Stream inner) : DuplexStream
{
    public long Received { get; private set; }

    public long Sent { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        Received += n;
        return n;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Sent += buffer.Length;
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        Received += n;
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        Sent += count;
        inner.Write(buffer, offset, count);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>Raw deflate both ways over one stream (RFC 4978 §4); each flush is a sync flush.</summary>
internal sealed class DeflateDuplex(Stream inner) : DuplexStream
{
    private readonly DeflateStream _reader = new(inner, CompressionMode.Decompress, leaveOpen: true);
    private readonly DeflateStream _writer = new(inner, CompressionLevel.Optimal, leaveOpen: true);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _reader.ReadAsync(buffer, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _writer.WriteAsync(buffer, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => _reader.Read(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count) => _writer.Write(buffer, offset, count);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _reader.ReadAsync(buffer, offset, count, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _writer.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => _writer.Flush();

    // DeflateStream's flush is a Z_SYNC_FLUSH: the server can inflate the command at once.
    public override Task FlushAsync(CancellationToken cancellationToken) => _writer.FlushAsync(cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.Dispose();
            _writer.Dispose();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
