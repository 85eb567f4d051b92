using System.Buffers;
using AkkaImap.Protocol.Responses;
using AkkaImap.Protocol.Writing;

namespace AkkaImap.Server.Sessions;

/// <summary>
/// Collects a session's serialized responses until the session hands them to the connection
/// in one <c>Send</c>. Text is produced only by <see cref="ResponseWriter"/>. The buffer is rented
/// from the shared pool when the first byte is written and returned by <see cref="Take"/>, so a
/// session between commands (10,000 IDLE clients) holds none (issue 17). A long answer (FETCH of
/// 100,000 messages' flags) is never grown by copying past <see cref="ChunkSize"/>: each full
/// chunk is copied once into an array of its own and the pooled buffer is written again, and the
/// chunks go to the connection as the parts of one write (<see cref="TakeParts"/>).
/// </summary>
internal sealed class ResponseBuffer : IBufferWriter<byte>
{
    private const int InitialSize = 4096;

    /// <summary>The pooled buffer grows to this size at most; output beyond it is cut into chunks of it.</summary>
    internal const int ChunkSize = 64 * 1024;

    private byte[] _buffer = [];
    private int _written;
    private List<ReadOnlyMemory<byte>>? _chunks;
    private int _chunkBytes;

    public ResponseBuffer() => Writer = new ImapWriter(this);

    /// <summary>The writer over the buffer, for streaming large FETCH data with <see cref="FetchWriter"/>.</summary>
    public ImapWriter Writer { get; }

    public int Length => _chunkBytes + _written;

    /// <summary>Whether a buffer is held: only between the first write and <see cref="Take"/>.</summary>
    public bool HoldsBuffer => _buffer.Length > 0;

    public void Write(ImapResponse response) => ResponseWriter.Write(Writer, response);

    /// <summary>Returns a copy of what was written in one piece, empties the buffer and gives it back to the pool.</summary>
    public ReadOnlyMemory<byte> Take()
    {
        if (_chunks is null)
        {
            var bytes = _buffer.AsSpan(0, _written).ToArray();
            Release();
            return bytes;
        }

        var whole = new byte[Length];
        var at = 0;
        foreach (var part in TakeParts())
        {
            part.Span.CopyTo(whole.AsSpan(at));
            at += part.Length;
        }

        return whole;
    }

    /// <summary>What was written, as the pieces it is kept in (each a copy), and empties the buffer as <see cref="Take"/> does.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> TakeParts()
    {
        if (_chunks is null)
        {
            return [Take()];
        }

        if (_written > 0)
        {
            _chunks.Add(_buffer.AsSpan(0, _written).ToArray());
        }

        var parts = _chunks;
        _chunks = null;
        _chunkBytes = 0;
        Release();
        return parts;
    }

    public void Advance(int count)
    {
        if (count < 0 || _written + count > _buffer.Length) throw new ArgumentOutOfRangeException(nameof(count));
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_written);
    }

    private void Reserve(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_written + sizeHint <= _buffer.Length) return;
        if (_buffer.Length >= ChunkSize && sizeHint <= _buffer.Length)
        {
            // Full at its largest: this chunk is done, the buffer takes the next.
            (_chunks ??= []).Add(_buffer.AsSpan(0, _written).ToArray());
            _chunkBytes += _written;
            _written = 0;
            return;
        }

        var size = Math.Max(_written + sizeHint, Math.Min(ChunkSize, Math.Max(InitialSize, _buffer.Length * 2)));
        // A single piece larger than a chunk (rare) gets a plain array, not one kept in the pool for the process's life.
        var grown = size <= ChunkSize ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);
        _buffer.AsSpan(0, _written).CopyTo(grown);
        ReturnBuffer();
        _buffer = grown;
    }

    private void Release()
    {
        ReturnBuffer();
        _written = 0;
    }

    private void ReturnBuffer()
    {
        if (_buffer.Length is > 0 and <= ChunkSize)
        {
            // Cleared: the next renter is another session, and this one may have held a password.
            ArrayPool<byte>.Shared.Return(_buffer, clearArray: true);
        }

        _buffer = [];
    }
}
