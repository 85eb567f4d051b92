using System.Buffers;

namespace AkkaImap.Server.Commands.Fetching;

/// <summary>
/// An output that is a list of byte pieces: what is written goes into its own buffers (a full one
/// is kept and a new one started, never grown by copying), and <see cref="Attach"/> adds data that
/// is already in memory (a message body read from the store) by reference, without copying it.
/// </summary>
internal sealed class SegmentedOutput(int initialCapacity) : IBufferWriter<byte>
{
    private const int MinBuffer = 4 * 1024;

    private readonly List<ReadOnlyMemory<byte>> _parts = [];
    private byte[] _buffer = new byte[Math.Max(MinBuffer, initialCapacity)];
    private int _start;
    private int _written;

    /// <summary>Bytes written and attached so far.</summary>
    public long Length { get; private set; }

    public void Advance(int count)
    {
        if (count < 0 || _written + count > _buffer.Length) throw new ArgumentOutOfRangeException(nameof(count));
        _written += count;
        Length += count;
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

    /// <summary>Adds <paramref name="data"/> as the next piece; it must not change afterwards.</summary>
    public void Attach(ReadOnlyMemory<byte> data)
    {
        Seal();
        _parts.Add(data);
        Length += data.Length;
    }

    /// <summary>The pieces, in order.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Parts()
    {
        Seal();
        return _parts;
    }

    private void Reserve(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= sizeHint) return;
        Seal();
        _buffer = new byte[Math.Max(sizeHint, Math.Max(MinBuffer, _buffer.Length))];
        _start = _written = 0;
    }

    /// <summary>What was written since the last piece becomes a piece; writing goes on after it.</summary>
    private void Seal()
    {
        if (_written > _start) _parts.Add(_buffer.AsMemory(_start, _written - _start));
        _start = _written;
    }
}
