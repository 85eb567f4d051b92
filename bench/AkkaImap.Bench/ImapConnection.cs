using System.Buffers.Text;
using System.Net;
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

/// <summary>
/// A minimal raw-socket IMAP client: small buffers so that 10,000 of them are cheap, commands
/// written as bytes, responses read line by line with literals skipped. No TLS: the bench runs
/// on loopback only.
/// </summary>
public sealed class ImapConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _tagCounter;

    private ImapConnection(Socket socket, int bufferSize)
    {
        _socket = socket;
        _buffer = new byte[bufferSize];
    }

    public string Capabilities { get; private set; } = string.Empty;

    public bool LiteralPlus => Capabilities.Contains(" LITERAL+", StringComparison.OrdinalIgnoreCase);

    /// <summary>Connects, optionally from a given local address (spreads ephemeral ports over 127.0.0.x), and reads the greeting.</summary>
    public static async Task<ImapConnection> ConnectAsync(IPEndPoint server, IPAddress? local, int bufferSize, CancellationToken ct)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (local is not null)
            {
                socket.Bind(new IPEndPoint(local, 0));
            }

            await socket.ConnectAsync(server, ct);
            var connection = new ImapConnection(socket, bufferSize);
            var greeting = await connection.ReadLineAsync(ct);
            if (!greeting.Text.StartsWith("* OK", StringComparison.OrdinalIgnoreCase))
            {
                await connection.DisposeAsync();
                throw new IOException("unexpected greeting: " + greeting.Text);
            }

            connection.Capabilities = greeting.Text;
            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
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
        while (!bytes.IsEmpty)
        {
            var sent = await _socket.SendAsync(bytes, SocketFlags.None, ct);
            bytes = bytes[sent..];
        }
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

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
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

        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct);
        if (read == 0)
        {
            throw new IOException("connection closed by server");
        }

        _end += read;
    }
}
