using System.IO.Compression;
using System.Net.Sockets;
using System.Text;
using AkkaImap.IntegrationTests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MimeKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Clients;

/// <summary>
/// COMPRESS=DEFLATE (RFC 4978) against the real executable: MailKit's <c>Compress()</c> through a
/// whole mail day over plain TCP and over TLS, and a raw client that counts the bytes on the wire
/// and inflates them itself (raw deflate, a sync flush per response).
/// </summary>
public sealed class CompressTests(ServerFixture server, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Compress_is_advertised_after_login_and_not_before()
    {
        using var client = await server.ConnectAsync(login: null);
        Assert.False(client.Capabilities.HasFlag(ImapCapabilities.Compress));
        await client.AuthenticateAsync("alice@example.com", server.Users["alice@example.com"]);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Compress));
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task A_mail_day_with_compression_over_plain_tcp()
    {
        using var client = await server.ConnectAsync("bob@example.com");
        await MailDayAsync(client);
    }

    [Fact]
    public async Task A_mail_day_with_compression_inside_tls()
    {
        using var client = await server.ConnectTlsAsync("bob@example.com");
        Assert.True(client.IsSecure);
        await MailDayAsync(client);
    }

    [Fact]
    public async Task Compression_lowers_the_bytes_of_a_text_fetch_and_a_second_compress_is_refused()
    {
        var folder = "Text-" + Guid.NewGuid().ToString("N")[..6];
        using (var setup = await RawClient.OpenAsync(server))
        {
            await setup.CommandAsync($"c CREATE {folder}");
            for (var i = 0; i < 20; i++)
            {
                var message = Encoding.ASCII.GetBytes(TextMessage(i));
                await setup.SendAsync($"a{i} APPEND {folder} {{{message.Length}+}}\r\n");
                await setup.SendAsync(message);
                await setup.CommandAsync("\r\n", $"a{i} OK");
            }
        }

        using var plain = await RawClient.OpenAsync(server);
        await plain.CommandAsync($"s SELECT {folder}");
        var before = plain.BytesReceived;
        var plainAnswer = await plain.CommandAsync("f FETCH 1:* (BODY.PEEK[])");
        var plainBytes = plain.BytesReceived - before;

        using var compressed = await RawClient.OpenAsync(server);
        var ok = await compressed.CommandAsync("z COMPRESS DEFLATE");
        Assert.EndsWith("z OK DEFLATE active\r\n", ok);
        compressed.StartDeflate();
        await compressed.CommandAsync($"s SELECT {folder}");
        before = compressed.BytesReceived;
        var compressedAnswer = await compressed.CommandAsync("f FETCH 1:* (BODY.PEEK[])");
        var compressedBytes = compressed.BytesReceived - before;

        Assert.Equal(plainAnswer, compressedAnswer);
        output.WriteLine($"FETCH of 20 text messages: {plainBytes} bytes plain, {compressedBytes} compressed ({(double)compressedBytes / plainBytes:P1})");
        Assert.True(compressedBytes * 3 < plainBytes, $"{compressedBytes} compressed bytes vs {plainBytes} plain");

        var again = await compressed.CommandAsync("y COMPRESS DEFLATE", "y ");
        Assert.Contains("y NO [COMPRESSIONACTIVE]", again);
        var capability = await compressed.CommandAsync("k CAPABILITY");
        Assert.DoesNotContain("COMPRESS=DEFLATE", capability);
        var other = await compressed.CommandAsync("x COMPRESS GZIP", "x ");
        Assert.Contains("x BAD", other);
        await compressed.CommandAsync("l LOGOUT");
    }

    [Fact]
    public async Task Commands_pipelined_right_after_compress_are_read_compressed()
    {
        using var raw = await RawClient.OpenAsync(server);
        // The command and, in the same write, a compressed NOOP: RFC 4978 §3 says the client
        // compresses from the byte after the command's CRLF.
        var deflated = RawClient.Deflate("n NOOP\r\n");
        await raw.SendAsync([.. "z COMPRESS DEFLATE\r\n"u8.ToArray(), .. deflated.Compressed]);
        var ok = await raw.ReadUntilAsync("z ");
        Assert.EndsWith("z OK DEFLATE active\r\n", ok);
        raw.StartDeflate(deflated.Writer);
        var noop = await raw.ReadUntilAsync("n ");
        Assert.Contains("n OK", noop);
        await raw.CommandAsync("l LOGOUT");
    }

    [Fact]
    public async Task Corrupt_compressed_input_closes_the_connection_with_bye()
    {
        using var raw = await RawClient.OpenAsync(server);
        await raw.CommandAsync("z COMPRESS DEFLATE");
        raw.StartDeflateReadOnly();
        // 0xFF... is no valid deflate block header sequence (reserved block type 3).
        await raw.SendAsync(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF });
        var rest = await raw.ReadToEndAsync();
        Assert.Contains("* BYE", rest);
    }

    private async Task MailDayAsync(ImapClient client)
    {
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Compress));
        await client.CompressAsync();

        var folder = await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("Day-" + Guid.NewGuid().ToString("N")[..6], true)
            ?? throw new InvalidOperationException("CREATE gave no folder");
        var first = await folder.AppendAsync(Message("Plans", "Let us meet on Tuesday to go over the plans. " + new string('x', 3000)));
        Assert.NotNull(first);

        await folder.OpenAsync(FolderAccess.ReadWrite);
        Assert.Equal(1, folder.Count);

        // IDLE while another client appends: the compressed connection sees the new message at once.
        using (var done = new CancellationTokenSource())
        {
            var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            folder.CountChanged += (_, _) =>
            {
                if (folder.Count == 2)
                {
                    arrived.TrySetResult();
                }
            };
            var idle = client.IdleAsync(done.Token);
            using (var other = await server.ConnectAsync("bob@example.com"))
            {
                // Another (uncompressed) client appends; the idling one hears of it.
                var otherFolder = await other.GetFolderAsync(folder.FullName);
                await otherFolder.AppendAsync(Message("Second", "A second message, appended while the folder is open."));
                await other.DisconnectAsync(true);
            }

            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(60));
            done.Cancel();
            await idle;
        }

        var summaries = await folder.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.Flags);
        Assert.Equal(["Plans", "Second"], summaries.Select(s => s.Envelope!.Subject ?? "").ToArray());
        var whole = await folder.GetMessageAsync(first.Value);
        Assert.StartsWith("Let us meet on Tuesday", whole.TextBody);
        Assert.Equal([first.Value], await folder.SearchAsync(SearchQuery.BodyContains("Tuesday")));
        await folder.AddFlagsAsync(first.Value, MessageFlags.Seen, true);
        await folder.CloseAsync();
        await client.DisconnectAsync(true);
    }

    private static MimeMessage Message(string subject, string text) => new(
        [new MailboxAddress("Alice", "alice@example.com")],
        [new MailboxAddress("Bob", "bob@example.com")],
        subject,
        new TextPart("plain") { Text = text });

    private static string TextMessage(int i)
    {
        var body = new StringBuilder();
        for (var line = 0; line < 60; line++)
        {
            body.Append(CultureInvariant($"Line {line} of message {i}: the quarterly figures are in the attached sheet, please review them before Friday.\r\n"));
        }

        return $"From: Alice <alice@example.com>\r\nTo: Bob <bob@example.com>\r\nSubject: Report {i}\r\nDate: Mon, 7 Feb 2022 10:00:00 +0000\r\nMessage-ID: <r{i}@example.com>\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n{body}";
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);

    /// <summary>
    /// A line client over a raw socket that counts the bytes it receives and, once told, inflates
    /// what it reads and deflates (sync-flushed) what it writes.
    /// </summary>
    private sealed class RawClient : IDisposable
    {
        private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);
        private readonly TcpClient _tcp;
        private readonly CountingStream _wire;
        private Stream _reader;
        private DeflateStream? _writer;
        private readonly StringBuilder _pending = new();

        private RawClient(TcpClient tcp)
        {
            _tcp = tcp;
            _wire = new CountingStream(tcp.GetStream());
            _reader = _wire;
        }

        public long BytesReceived => _wire.Received;

        public static async Task<RawClient> OpenAsync(ServerFixture server)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", server.Port);
            var client = new RawClient(tcp);
            await client.ReadUntilAsync("* OK");
            await client.CommandAsync($"l LOGIN alice@example.com {server.Users["alice@example.com"]}");
            return client;
        }

        /// <summary>A compressed stream of <paramref name="text"/>, sync-flushed, and the deflater that made it (to go on with).</summary>
        public static (byte[] Compressed, DeflateStream Writer) Deflate(string text)
        {
            var sink = new SwitchableSink();
            var writer = new DeflateStream(sink, CompressionLevel.Optimal, leaveOpen: true);
            writer.Write(Encoding.ASCII.GetBytes(text));
            writer.Flush();
            return (sink.Take(), writer);
        }

        public void StartDeflate(DeflateStream? writer = null)
        {
            StartDeflateReadOnly();
            if (writer is not null)
            {
                ((SwitchableSink)GetSink(writer)).Target = _wire;
                _writer = writer;
            }
            else
            {
                _writer = new DeflateStream(_wire, CompressionLevel.Fastest, leaveOpen: true);
            }
        }

        /// <summary>From here on what is read is inflated, starting with what was read past the last line (compressed already).</summary>
        public void StartDeflateReadOnly()
        {
            var early = Encoding.Latin1.GetBytes(_pending.ToString());
            _pending.Clear();
            _reader = new DeflateStream(new PrefixedStream(early, _wire), CompressionMode.Decompress, leaveOpen: true);
        }

        private static Stream GetSink(DeflateStream writer) => writer.BaseStream;

        public async Task SendAsync(string text) => await SendAsync(Encoding.ASCII.GetBytes(text));

        public async Task SendAsync(byte[] bytes)
        {
            if (_writer is not null)
            {
                await _writer.WriteAsync(bytes);
                await _writer.FlushAsync();
            }
            else
            {
                await _wire.WriteAsync(bytes);
            }
        }

        /// <summary>Sends a command line and reads up to its tagged answer (the tag is the line's first word unless given).</summary>
        public async Task<string> CommandAsync(string line, string? until = null)
        {
            await SendAsync(line.EndsWith("\r\n", StringComparison.Ordinal) ? line : line + "\r\n");
            var tag = until ?? line.Split(' ')[0] + " ";
            var answer = await ReadUntilAsync(tag);
            if (until is null)
            {
                Assert.Contains(tag + "OK", answer);
            }

            return answer;
        }

        /// <summary>Reads until a line starts with <paramref name="prefix"/>; returns everything read up to that line's end.</summary>
        public async Task<string> ReadUntilAsync(string prefix)
        {
            using var timeout = new CancellationTokenSource(Bounded);
            var buffer = new byte[16 * 1024];
            while (true)
            {
                var text = _pending.ToString();
                var at = text.StartsWith(prefix, StringComparison.Ordinal) ? 0 : text.IndexOf("\r\n" + prefix, StringComparison.Ordinal) is var i and >= 0 ? i + 2 : -1;
                if (at >= 0 && text.IndexOf("\r\n", at, StringComparison.Ordinal) is var end and >= 0)
                {
                    _pending.Remove(0, end + 2);
                    return text[..(end + 2)];
                }

                var read = await _reader.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    throw new IOException("connection closed before " + prefix + ": " + text);
                }

                _pending.Append(Encoding.Latin1.GetString(buffer, 0, read));
            }
        }

        public async Task<string> ReadToEndAsync()
        {
            using var timeout = new CancellationTokenSource(Bounded);
            var buffer = new byte[4096];
            try
            {
                int read;
                while ((read = await _reader.ReadAsync(buffer, timeout.Token)) > 0)
                {
                    _pending.Append(Encoding.Latin1.GetString(buffer, 0, read));
                }
            }
            catch (IOException)
            {
                // A reset after the BYE is an end too.
            }

            return _pending.ToString();
        }

        public void Dispose() => _tcp.Dispose();
    }

    /// <summary>Buffers what is written until it has a target, then writes through to it.</summary>
    private sealed class SwitchableSink : Stream
    {
        private readonly MemoryStream _buffer = new();

        public Stream? Target { get; set; }

        public byte[] Take()
        {
            var bytes = _buffer.ToArray();
            _buffer.SetLength(0);
            return bytes;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Target is { } target) target.Write(buffer, offset, count);
            else _buffer.Write(buffer, offset, count);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Target is { } target ? target.WriteAsync(buffer, offset, count, cancellationToken) : Task.Run(() => _buffer.Write(buffer, offset, count), cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Target is { } target) return target.WriteAsync(buffer, cancellationToken);
            _buffer.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush() => Target?.Flush();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>Bytes already read, then the rest of a stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream rest) : Stream
    {
        private int _at;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_at < prefix.Length)
            {
                var count = Math.Min(buffer.Length, prefix.Length - _at);
                prefix.AsMemory(_at, count).CopyTo(buffer);
                _at += count;
                return count;
            }

            return await rest.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>The socket's stream, counting the bytes read from it.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Received { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            Received += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            Received += read;
            return read;
        }

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
