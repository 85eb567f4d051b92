using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace AkkaImap.IntegrationTests.Protocol;

/// <summary>
/// A bare IMAP client for protocol tests: it sends exactly the bytes it is given (no quoting, no
/// CRLF added unless asked) and reads the server's responses one by one, each a line plus the
/// literals it announces (RFC 9051 §4.3), so a test asserts the exact text the server wrote.
/// Bytes are mapped 1:1 to chars (Latin-1) both ways, so 8-bit input and output survive intact.
/// Every read is bounded, so a missing response fails the test instead of hanging it.
/// </summary>
public sealed partial class RawImapClient : IAsyncDisposable
{
    /// <summary>How long any single response may take: generous, only a broken server reaches it.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly List<string> _transcript = [];
    private readonly List<string> _received = [];
    private int _start;
    private int _end;

    private RawImapClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>This client's address and port, as the server sees (and logs) them.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_tcp.Client.LocalEndPoint!;

    /// <summary>The greeting (<c>* OK ...</c>) read on connect.</summary>
    public string Greeting { get; private set; } = "";

    /// <summary>Everything sent (<c>C: </c>) and received (<c>S: </c>) so far, for assertion messages.</summary>
    public string Transcript => string.Join("\n", _transcript);

    /// <summary>Every response read so far, greeting included, in order.</summary>
    public IReadOnlyList<string> Received => _received;

    /// <summary>
    /// False stops keeping responses in <see cref="Transcript"/> and <see cref="Received"/>, for
    /// tests that read megabytes.
    /// </summary>
    public bool Recording { get; set; } = true;

    /// <param name="receiveBuffer">A fixed socket receive buffer (no kernel auto-tuning), so a test knows how much the network holds for it.</param>
    public static async Task<RawImapClient> ConnectAsync(int port, int? receiveBuffer = null)
    {
        var tcp = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        if (receiveBuffer is { } size)
        {
            tcp.ReceiveBufferSize = size;
        }

        try
        {
            using var cts = new CancellationTokenSource(Bound);
            await tcp.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }

        var client = new RawImapClient(tcp);
        client.Greeting = await client.ReadResponseAsync() ?? throw new IOException("closed before the greeting");
        return client;
    }

    /// <summary>Connects and logs in with LOGIN (loopback is a trusted network, so plaintext is allowed).</summary>
    public static async Task<RawImapClient> LoginAsync(int port, string user, string password, int? receiveBuffer = null)
    {
        var client = await ConnectAsync(port, receiveBuffer);
        await client.OkAsync("L", $"LOGIN {user} {password}");
        return client;
    }

    /// <summary>Writes <paramref name="text"/> as is, one byte per char.</summary>
    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        if (Recording)
        {
            _transcript.Add("C: " + Encoding.Latin1.GetString(bytes).TrimEnd('\n', '\r'));
        }

        using var cts = new CancellationTokenSource(Bound);
        await _stream.WriteAsync(bytes, cts.Token);
    }

    /// <summary>Sends <c>tag command CRLF</c> and returns every response up to and including the tagged one.</summary>
    public async Task<IReadOnlyList<string>> RunAsync(string tag, string command)
    {
        await SendAsync(tag + " " + command + "\r\n");
        return await ReadUntilTaggedAsync(tag);
    }

    /// <summary><see cref="RunAsync"/> that fails unless the tagged response is OK.</summary>
    public async Task<IReadOnlyList<string>> OkAsync(string tag, string command)
    {
        var lines = await RunAsync(tag, command);
        if (!lines[^1].StartsWith(tag + " OK", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{tag} {command} was not OK:\n{Transcript}");
        }

        return lines;
    }

    public async Task<IReadOnlyList<string>> ReadUntilTaggedAsync(string tag) =>
        await ReadUntilAsync(line => line.StartsWith(tag + " ", StringComparison.Ordinal));

    /// <summary>Reads responses until one matches (it is the last one returned); fails on close or after <see cref="Bound"/>.</summary>
    public async Task<IReadOnlyList<string>> ReadUntilAsync(Func<string, bool> last)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadResponseAsync()
                ?? throw new IOException("the server closed the connection:\n" + Transcript);
            lines.Add(line);
            if (last(line))
            {
                return lines;
            }
        }
    }

    /// <summary>Closes the sending side only (a half-close, as <c>printf ... | nc</c> does): the server may still answer.</summary>
    public void EndInput() => _tcp.Client.Shutdown(SocketShutdown.Send);

    /// <summary>Reads until the server closes the connection and returns what it said meanwhile.</summary>
    public async Task<IReadOnlyList<string>> ReadUntilClosedAsync()
    {
        var lines = new List<string>();
        while (await ReadResponseAsync() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>
    /// One response without its final CRLF: a line, and for each <c>{n}</c> at a line's end the
    /// n literal bytes and the rest of the response after them. Null once the server has closed.
    /// </summary>
    public async Task<string?> ReadResponseAsync()
    {
        using var cts = new CancellationTokenSource(Bound);
        var response = new StringBuilder();
        while (true)
        {
            var line = await ReadLineAsync(cts.Token);
            if (line is null)
            {
                return response.Length == 0 ? null : throw new IOException("closed inside a response: " + response);
            }

            response.Append(line);
            var literal = LiteralAtEnd().Match(line);
            if (!literal.Success)
            {
                var text = response.ToString();
                if (Recording)
                {
                    _transcript.Add("S: " + text);
                    _received.Add(text);
                }

                return text;
            }

            response.Append("\r\n");
            int size = int.Parse(literal.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            response.Append(await ReadBytesAsync(size, cts.Token));
        }
    }

    /// <summary>One line as it comes, a literal it announces left unread (a client that stops reading mid-answer).</summary>
    public async Task<string?> ReadLineOnlyAsync()
    {
        using var cts = new CancellationTokenSource(Bound);
        return await ReadLineAsync(cts.Token);
    }

    private async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        var line = new StringBuilder();
        while (true)
        {
            int lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                line.Append(Encoding.Latin1.GetString(_buffer, _start, lf - _start));
                _start = lf + 1;
                return line.ToString().TrimEnd('\r');
            }

            line.Append(Encoding.Latin1.GetString(_buffer, _start, _end - _start));
            _start = _end;
            if (!await FillAsync(ct))
            {
                return line.Length == 0 ? null : line.ToString();
            }
        }
    }

    private async Task<string> ReadBytesAsync(int size, CancellationToken ct)
    {
        var bytes = new StringBuilder(size);
        while (bytes.Length < size)
        {
            if (_start == _end && !await FillAsync(ct))
            {
                throw new IOException($"closed inside a literal of {size} bytes");
            }

            int take = Math.Min(size - bytes.Length, _end - _start);
            bytes.Append(Encoding.Latin1.GetString(_buffer, _start, take));
            _start += take;
        }

        return bytes.ToString();
    }

    /// <summary>Reads more bytes from the socket; false at end of stream (or a reset, which is a close too).</summary>
    private async Task<bool> FillAsync(CancellationToken ct)
    {
        _start = 0;
        _end = 0;
        int read;
        try
        {
            read = await _stream.ReadAsync(_buffer, ct);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no response within {Bound.TotalSeconds} s:\n{Transcript}");
        }
        catch (IOException)
        {
            return false;
        }

        _end = read;
        return read > 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }

    [GeneratedRegex(@"\{(\d+)\}$")]
    private static partial Regex LiteralAtEnd();
}
