using Akka.IO;

namespace AkkaImap.Server.Transport;

/// <summary>
/// The outgoing side of a connection: bytes go to Akka.IO as <c>Tcp.Write</c>s with an ack, and at
/// most <see cref="MaxUnacked"/> bytes are unacknowledged at once (one write may exceed it when
/// nothing else is in flight). The rest waits here, so a client that does not read holds back its
/// sender instead of growing Akka.IO's queue (FACTS.md, Akka.IO TCP). Not thread-safe: the
/// connection actor owns it.
/// </summary>
internal sealed class WriteWindow(int maxUnacked, Action<ByteString, int> issue)
{
    private readonly Queue<(ByteString Data, TaskCompletionSource? Accepted)> _waiting = new();
    private long _unacked;
    private long _waitingBytes;

    public int MaxUnacked { get; } = maxUnacked;

    /// <summary>Bytes handed to Akka.IO and not yet acknowledged.</summary>
    public long Unacked => _unacked;

    /// <summary>Bytes queued here and not yet handed to Akka.IO: what a client that does not read makes us hold.</summary>
    public long Waiting => _waitingBytes;

    /// <summary>True when nothing waits here and nothing is unacknowledged.</summary>
    public bool IsIdle => _unacked == 0 && _waiting.Count == 0;

    /// <summary>True when every queued byte has been handed to Akka.IO (which flushes it before a Close).</summary>
    public bool AllIssued => _waiting.Count == 0;

    /// <summary>
    /// Queues <paramref name="data"/>; <paramref name="accepted"/> completes once it is handed to
    /// Akka.IO, which is when a TLS writer may produce the next record.
    /// </summary>
    public void Enqueue(ByteString data, TaskCompletionSource? accepted = null)
    {
        if (data.IsEmpty)
        {
            accepted?.TrySetResult();
            return;
        }

        _waiting.Enqueue((data, accepted));
        _waitingBytes += data.Count;
        Pump();
    }

    /// <summary>Akka.IO acknowledged a write of <paramref name="bytes"/> bytes.</summary>
    public void Acknowledge(int bytes)
    {
        _unacked -= bytes;
        Pump();
    }

    /// <summary>
    /// Forgets the plaintext writes not yet handed to Akka.IO (those with nobody waiting for them);
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
        while (_waiting.TryPeek(out var head) && (_unacked == 0 || _unacked + head.Data.Count <= MaxUnacked))
        {
            _waiting.Dequeue();
            _waitingBytes -= head.Data.Count;
            _unacked += head.Data.Count;
            issue(head.Data, head.Data.Count);
            head.Accepted?.TrySetResult();
        }
    }
}
