using System.Buffers;
using AkkaImap.Protocol.Responses;
using AkkaImap.Protocol.Writing;

namespace AkkaImap.Server.Sessions;

/// <summary>
/// Collects a session's serialized responses until the session hands them to the connection
/// in one <c>Send</c>. Text is produced only by <see cref="ResponseWriter"/>. The buffer is rented
/// from the shared pool when the first byte is written and returned by <see cref="Take"/>, so a
/// session between commands (10,000 IDLE clients) holds none (issue 17).
/// </summary>
internal sealed class ResponseBuffer : IBufferWriter<byte>
{
    private const int InitialSize = 4096;

    /// <summary>Larger buffers (a big FETCH) are plain arrays left to the GC, not kept in the pool for the process's life.</summary>
    private const int PooledLimit = 64 * 1024;

    private byte[] _buffer = [];
    private int _written;

    public ResponseBuffer() => Writer = new ImapWriter(this);

    /// <summary>The writer over the buffer, for streaming large FETCH data with <see cref="FetchWriter"/>.</summary>
    public ImapWriter Writer { get; }

    public int Length => _written;

    /// <summary>Whether a buffer is held: only between the first write and <see cref="Take"/>.</summary>
    public bool HoldsBuffer => _buffer.Length > 0;

    public void Write(ImapResponse response) => ResponseWriter.Write(Writer, response);

    /// <summary>Returns a copy of what was written, empties the buffer and gives it back to the pool.</summary>
    public ReadOnlyMemory<byte> Take()
    {
        var bytes = _buffer.AsSpan(0, _written).ToArray();
        Release();
        return bytes;
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
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length) return;
        var size = Math.Max(needed, Math.Max(InitialSize, _buffer.Length * 2));
        var grown = size <= PooledLimit ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);
        _buffer.AsSpan(0, _written).CopyTo(grown);
        var written = _written;
        Release();
        _buffer = grown;
        _written = written;
    }

    private void Release()
    {
        if (_buffer.Length is > 0 and <= PooledLimit)
        {
            // Cleared: the next renter is another session, and this one may have held a password.
            ArrayPool<byte>.Shared.Return(_buffer, clearArray: true);
        }

        _buffer = [];
        _written = 0;
    }
}
