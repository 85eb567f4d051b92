using System.Buffers;
using System.IO.Pipelines;

namespace AkkaImap.Server.Tls;

/// <summary>
/// The byte stream an <see cref="System.Net.Security.SslStream"/> runs over, the socket belonging
/// to the connection actor: ciphertext received by the actor is fed into a pipe that
/// <see cref="ReadAsync(Memory{byte}, CancellationToken)"/> drains, and ciphertext SslStream writes
/// goes to a delegate that queues it on the actor's write window (FACTS.md, TLS over Akka.IO).
/// Feed/Complete are called by the owning actor only; reads and writes come from SslStream, which
/// never runs two reads or two writes at once.
/// </summary>
internal sealed class TlsBridgeStream(Func<ReadOnlyMemory<byte>, ValueTask> writeCiphertext) : Stream
{
    // Never pause the writer: the actor feeds synchronously and back-pressure is applied on the
    // socket (SuspendReading), not here. Segments are pooled and returned once read, so an idle
    // connection holds no buffer.
    private static readonly PipeOptions Options = new(
        pool: MemoryPool<byte>.Shared,
        readerScheduler: PipeScheduler.ThreadPool,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 0,
        resumeWriterThreshold: 0,
        minimumSegmentSize: 4096,
        useSynchronizationContext: false);

    private readonly Pipe _incoming = new(Options);
    private bool _completed;

    /// <summary>Ciphertext from the socket, in order.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        if (_completed || data.IsEmpty)
        {
            return;
        }

        _incoming.Writer.Write(data);
        var flush = _incoming.Writer.FlushAsync();
        if (!flush.IsCompleted)
        {
            // Cannot happen with pauseWriterThreshold 0; observe it anyway so nothing goes unobserved.
            _ = flush.AsTask();
        }
    }

    /// <summary>The socket is closed: pending and later reads see end of stream.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        _incoming.Writer.Complete();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var result = await _incoming.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var available = result.Buffer;
        if (available.IsEmpty)
        {
            _incoming.Reader.AdvanceTo(available.End);
            return 0;
        }

        if (buffer.IsEmpty)
        {
            // A zero-byte read only waits for data; leave it unexamined so the next read returns at once.
            _incoming.Reader.AdvanceTo(available.Start, available.Start);
            return 0;
        }

        var count = (int)Math.Min(buffer.Length, available.Length);
        available.Slice(0, count).CopyTo(buffer.Span);
        _incoming.Reader.AdvanceTo(available.GetPosition(count));
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        buffer.IsEmpty ? ValueTask.CompletedTask : writeCiphertext(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    // SslStream is only ever driven through its async API here; blocking on the actor thread
    // would deadlock the bridge, so the synchronous members refuse.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("use ReadAsync");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("use WriteAsync");

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Complete();
        }

        base.Dispose(disposing);
    }
}
