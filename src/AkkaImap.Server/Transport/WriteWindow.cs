namespace AkkaImap.Server.Transport;

/// <summary>One write for the socket: a single buffer, or several sent as one.</summary>
internal readonly record struct OutgoingWrite
{
    public OutgoingWrite(ArraySegment<byte> one)
    {
        One = one;
        Bytes = one.Count;
    }

    public OutgoingWrite(byte[] one) : this(new ArraySegment<byte>(one))
    {
    }

    public OutgoingWrite(IReadOnlyList<ArraySegment<byte>> many, int bytes)
    {
        Many = many;
        Bytes = bytes;
    }

    public ArraySegment<byte> One { get; }

    public IReadOnlyList<ArraySegment<byte>>? Many { get; }

    public int Bytes { get; }
}

/// <summary>
/// The outgoing side of a connection: writes go to the socket (<see cref="SocketChannel"/>), which
/// says when the kernel took them, and at most <see cref="MaxUnacked"/> bytes are handed over and
/// not yet taken at once (one write may exceed it when nothing else is in flight). The rest waits
/// here, so a client that does not read holds back its sender instead of growing the socket's
/// queue. Not thread-safe: the connection actor owns it.
/// </summary>
internal sealed class WriteWindow(int maxUnacked, Action<OutgoingWrite> issue)
{
    private readonly Queue<(OutgoingWrite Write, TaskCompletionSource? Accepted)> _waiting = new();
    private long _unacked;
    private long _waitingBytes;

    public int MaxUnacked { get; } = maxUnacked;

    /// <summary>Bytes handed to the socket and not yet sent.</summary>
    public long Unacked => _unacked;

    /// <summary>Bytes queued here and not yet handed to the socket: what a client that does not read makes us hold.</summary>
    public long Waiting => _waitingBytes;

    /// <summary>True when nothing waits here and nothing is unacknowledged.</summary>
    public bool IsIdle => _unacked == 0 && _waiting.Count == 0;

    /// <summary>True when every queued byte has been handed to the socket (which sends it before a Close).</summary>
    public bool AllIssued => _waiting.Count == 0;

    /// <summary>
    /// Queues <paramref name="write"/>; <paramref name="accepted"/> completes once it is handed to
    /// the socket, which is when a TLS writer may produce the next record.
    /// </summary>
    public void Enqueue(OutgoingWrite write, TaskCompletionSource? accepted = null)
    {
        if (write.Bytes == 0)
        {
            accepted?.TrySetResult();
            return;
        }

        _waiting.Enqueue((write, accepted));
        _waitingBytes += write.Bytes;
        Pump();
    }

    /// <summary>The socket sent <paramref name="bytes"/> more bytes.</summary>
    public void Acknowledge(int bytes)
    {
        _unacked -= bytes;
        Pump();
    }

    /// <summary>
    /// Forgets the plaintext writes not yet handed to the socket (those with nobody waiting for them);
    /// each is whole responses, so what was issued still ends on a response boundary.
    /// </summary>
    public void DropWaiting()
    {
        if (_waiting.Any(item => item.Accepted is not null))
        {
            // TLS records: dropping one would break the stream's sequence; they stay.
            return;
        }

        _waiting.Clear();
        _waitingBytes = 0;
    }

    /// <summary>The connection is gone: whoever waits to write learns it.</summary>
    public void Fail(Exception error)
    {
        _waitingBytes = 0;
        while (_waiting.TryDequeue(out var item))
        {
            item.Accepted?.TrySetException(error);
        }
    }

    private void Pump()
    {
        while (_waiting.TryPeek(out var head) && (_unacked == 0 || _unacked + head.Write.Bytes <= MaxUnacked))
        {
            _waiting.Dequeue();
            _waitingBytes -= head.Write.Bytes;
            _unacked += head.Write.Bytes;
            issue(head.Write);
            head.Accepted?.TrySetResult();
        }
    }
}
