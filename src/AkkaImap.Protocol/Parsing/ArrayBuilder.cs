using System.Buffers;

namespace AkkaImap.Protocol.Parsing;

/// <summary>A byte accumulator that starts on the stack and rents from the pool when it grows (unescaping quoted strings).</summary>
internal ref struct ArrayBuilder
{
    private Span<byte> _span;
    private byte[]? _rented;
    private int _length;

    public ArrayBuilder(Span<byte> initial)
    {
        _span = initial;
        _rented = null;
        _length = 0;
    }

    public readonly ReadOnlySpan<byte> Span => _span[.._length];

    public void Add(byte b)
    {
        if (_length == _span.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(256, _span.Length * 2));
            _span[.._length].CopyTo(bigger);
            if (_rented is not null) ArrayPool<byte>.Shared.Return(_rented);
            _rented = bigger;
            _span = bigger;
        }
        _span[_length++] = b;
    }

    public void Dispose()
    {
        if (_rented is not null) ArrayPool<byte>.Shared.Return(_rented);
        _rented = null;
    }
}
