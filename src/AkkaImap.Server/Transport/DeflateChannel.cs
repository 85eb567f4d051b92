using System.IO.Compression;

namespace AkkaImap.Server.Transport;

/// <summary>
/// COMPRESS=DEFLATE (RFC 4978) for one connection: raw deflate (RFC 1951, no zlib header) both
/// ways, between the IMAP bytes and the socket or TLS. What goes out is sync-flushed after every
/// write (Z_SYNC_FLUSH, RFC 4978 §4), so the client can inflate each response as soon as it
/// arrives. Used only on the connection actor's thread; no I/O of its own.
/// Memory: one deflate and one inflate state for the connection's life (zlib: 32 KB window and
/// its hash chains on each side of the deflate, 32 KB window for the inflate), plus the inflate
/// stream's 8 KB input buffer; nothing grows with the traffic.
/// </summary>
internal sealed class DeflateChannel : IDisposable
{
    /// <summary>The most inflated bytes handed on in one piece.</summary>
    public const int InflateChunk = 16 * 1024;

    private readonly CaptureStream _compressed = new();
    private readonly DeflateStream _deflate;
    private readonly FeedStream _received = new();
    private readonly DeflateStream _inflate;
    private readonly byte[] _inflated = new byte[InflateChunk];

    public DeflateChannel(int level)
    {
        _deflate = new DeflateStream(_compressed, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);
        _inflate = new DeflateStream(_received, CompressionMode.Decompress, leaveOpen: true);
    }

    /// <summary>Plaintext bytes taken in, and the compressed bytes given out.</summary>
    public long PlainOut { get; private set; }

    public long CompressedOut { get; private set; }

    /// <summary>Compresses <paramref name="parts"/> as one flushed block: the client can read all of it at once.</summary>
    public byte[] Compress(IReadOnlyList<ReadOnlyMemory<byte>> parts)
    {
        foreach (var part in parts)
        {
            _deflate.Write(part.Span);
            PlainOut += part.Length;
        }

        _deflate.Flush();
        var output = _compressed.Take();
        CompressedOut += output.Length;
        return output;
    }

    /// <summary>
    /// Inflates what the client sent, handing the plaintext on in pieces of at most
    /// <see cref="InflateChunk"/> bytes (a small input may inflate to much more: the session's own
    /// line and literal limits bound what it keeps).
    /// </summary>
    /// <exception cref="InvalidDataException">The client's data is not a deflate stream.</exception>
    public void Decompress(ReadOnlySpan<byte> input, Action<byte[]> plaintext)
    {
        _received.Add(input);
        int read;
        while ((read = _inflate.Read(_inflated, 0, _inflated.Length)) > 0)
        {
            plaintext(_inflated.AsSpan(0, read).ToArray());
        }
    }

    public void Dispose()
    {
        _deflate.Dispose();
        _inflate.Dispose();
    }

    /// <summary>Collects what the deflate stream writes until <see cref="Take"/>.</summary>
    private sealed class CaptureStream : Stream
    {
        private readonly MemoryStream _buffer = new();

        public byte[] Take()
        {
            var bytes = _buffer.ToArray();
            _buffer.SetLength(0);
            if (_buffer.Capacity > 64 * 1024)
            {
                // A big answer compressed once must not keep its buffer for the connection's life.
                _buffer.Capacity = 0;
            }

            return bytes;
        }

        public override void Write(byte[] buffer, int offset, int count) => _buffer.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => _buffer.Write(buffer);

        public override void Flush()
        {
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>
    /// The compressed bytes received and not yet inflated. A read with nothing left returns 0,
    /// which the inflate stream takes as "no input for now", not as the end.
    /// </summary>
    private sealed class FeedStream : Stream
    {
        private byte[] _data = [];
        private int _start;
        private int _end;

        public void Add(ReadOnlySpan<byte> input)
        {
            if (input.IsEmpty)
            {
                return;
            }

            if (_start == _end)
            {
                _start = _end = 0;
            }

            if (_data.Length - _end < input.Length)
            {
                var grown = new byte[Math.Max(_end - _start + input.Length, 4096)];
                _data.AsSpan(_start, _end - _start).CopyTo(grown);
                _end -= _start;
                _start = 0;
                _data = grown;
            }

            input.CopyTo(_data.AsSpan(_end));
            _end += input.Length;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = Math.Min(buffer.Length, _end - _start);
            _data.AsSpan(_start, count).CopyTo(buffer);
            _start += count;
            if (_start == _end && _data.Length > 64 * 1024)
            {
                _data = [];
                _start = _end = 0;
            }

            return count;
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
