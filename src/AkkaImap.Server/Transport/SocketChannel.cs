using System.Buffers;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;

namespace AkkaImap.Server.Transport;

/// <summary>Bytes the client sent, in a fresh array the owner keeps.</summary>
internal sealed record SocketReceived(byte[] Data) : INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>The kernel took <see cref="Bytes"/> more bytes of what the owner sent.</summary>
internal sealed record SocketWritten(int Bytes) : INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>The client closed its sending side (FIN); we may still write.</summary>
internal sealed record SocketPeerClosed : INoSerializationVerificationNeeded, IDeadLetterSuppression
{
    public static readonly SocketPeerClosed Instance = new();
}

/// <summary>The socket is closed (after <see cref="SocketChannel.Close"/>, <see cref="SocketChannel.Abort"/> or an error): the last event.</summary>
internal sealed record SocketClosed(string Reason) : INoSerializationVerificationNeeded, IDeadLetterSuppression;

/// <summary>
/// One accepted TCP connection, read and written by the connection actor that owns it, with no
/// actor of its own. Akka.IO's connection cut every write into frames of its
/// <c>maximum-frame-size</c> (4 KB by default), the same number that sized the receive buffer it
/// kept for every connection, idle or not; here the two are apart (bench/README.md, issue 17):
/// <list type="bullet">
/// <item>Reading waits with a zero-byte receive, so an idle connection holds no buffer; a buffer of
/// <c>readChunk</c> bytes is rented from the shared pool only once data is there, and what was read
/// goes to the owner in an array of its own (<see cref="SocketReceived"/>).</item>
/// <item>Writing hands everything queued to one send call, whatever its size; the owner hears
/// <see cref="SocketWritten"/> when the kernel has taken it. The owner bounds what is queued (its
/// <see cref="WriteWindow"/>).</item>
/// </list>
/// Thread-safe where it has to be: the owner calls <see cref="Send"/>, <see cref="Close"/> and the
/// rest from its own thread, the read and send loops run on the thread pool, and every event goes
/// to the owner as a message. After <see cref="SocketClosed"/> nothing more is sent.
/// </summary>
internal sealed class SocketChannel
{
    private readonly Socket _socket;
    private readonly IActorRef _owner;
    private readonly int _readChunk;
    private readonly object _gate = new();
    private readonly Queue<OutgoingWrite> _queue = new();
    private bool _sending;
    private bool _closeRequested;
    private int _closed;
    private bool _readingSuspended;
    private TaskCompletionSource? _resumed;

    public SocketChannel(Socket socket, IActorRef owner, int readChunk)
    {
        _socket = socket;
        _owner = owner;
        _readChunk = readChunk;
        try
        {
            // As Akka.IO did: IMAP answers are small and latency matters more than packet count.
            _socket.NoDelay = true;
        }
        catch (SocketException)
        {
        }
    }

    public System.Net.EndPoint RemoteEndPoint => _socket.RemoteEndPoint!;

    public System.Net.EndPoint LocalEndPoint => _socket.LocalEndPoint!;

    /// <summary>Starts delivering <see cref="SocketReceived"/>, then <see cref="SocketPeerClosed"/> at the client's FIN.</summary>
    public void StartReading() => _ = ReadLoopAsync();

    /// <summary>Stops taking input from the socket (the kernel's buffer then fills and TCP holds the client back).</summary>
    public void SuspendReading()
    {
        lock (_gate)
        {
            _readingSuspended = true;
        }
    }

    public void ResumeReading()
    {
        TaskCompletionSource? resumed;
        lock (_gate)
        {
            _readingSuspended = false;
            resumed = _resumed;
            _resumed = null;
        }

        resumed?.TrySetResult();
    }

    /// <summary>Queues a write; the owner hears <see cref="SocketWritten"/> with its length once it is sent.</summary>
    public void Send(OutgoingWrite write)
    {
        lock (_gate)
        {
            if (_closeRequested || _closed != 0)
            {
                return;
            }

            _queue.Enqueue(write);
            if (_sending)
            {
                return;
            }

            _sending = true;
        }

        _ = SendLoopAsync();
    }

    /// <summary>Sends what is queued, then closes (FIN); the owner then hears <see cref="SocketClosed"/>.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closeRequested = true;
            if (_sending)
            {
                return;
            }
        }

        Shut("connection closed");
    }

    /// <summary>Closes at once with a reset; what is queued is dropped.</summary>
    public void Abort()
    {
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception)
        {
            // Already closed: Shut below reports nothing new.
        }

        Shut("connection aborted", graceful: false);
    }

    private async Task SendLoopAsync()
    {
        var batch = new List<ArraySegment<byte>>(8);
        while (true)
        {
            int bytes = 0;
            lock (_gate)
            {
                if (_queue.Count == 0 || _closed != 0)
                {
                    _sending = false;
                    if (!_closeRequested || _closed != 0)
                    {
                        return;
                    }
                }
                else
                {
                    while (_queue.TryDequeue(out var item))
                    {
                        if (item.Many is { } many)
                        {
                            batch.AddRange(many);
                        }
                        else
                        {
                            batch.Add(item.One);
                        }

                        bytes += item.Bytes;
                    }
                }
            }

            if (bytes == 0)
            {
                // Everything was sent and a Close waits for it.
                Shut("connection closed");
                return;
            }

            try
            {
                var sent = await _socket.SendAsync(batch, SocketFlags.None).ConfigureAwait(false);
                if (sent < bytes)
                {
                    await SendRestAsync(batch, sent).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                Fail(ex);
                return;
            }

            batch.Clear();
            _owner.Tell(new SocketWritten(bytes), ActorRefs.NoSender);
        }
    }

    /// <summary>A stream socket's send completes with everything sent; should one ever stop short, the rest goes out here.</summary>
    private async Task SendRestAsync(List<ArraySegment<byte>> batch, int sent)
    {
        foreach (var segment in batch)
        {
            if (sent >= segment.Count)
            {
                sent -= segment.Count;
                continue;
            }

            var rest = segment.Slice(sent);
            sent = 0;
            while (rest.Count > 0)
            {
                var n = await _socket.SendAsync(rest, SocketFlags.None).ConfigureAwait(false);
                rest = rest.Slice(n);
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                Task? resumed = null;
                lock (_gate)
                {
                    if (_readingSuspended)
                    {
                        _resumed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        resumed = _resumed.Task;
                    }
                }

                if (resumed is not null)
                {
                    await resumed.ConfigureAwait(false);
                    continue;
                }

                // Waits for data without a buffer: an idle connection holds none.
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(_readChunk);
                byte[]? data;
                try
                {
                    var read = await _socket.ReceiveAsync(buffer.AsMemory(0, _readChunk), SocketFlags.None).ConfigureAwait(false);
                    data = read > 0 ? buffer.AsSpan(0, read).ToArray() : null;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                if (data is null)
                {
                    if (Volatile.Read(ref _closed) == 0)
                    {
                        _owner.Tell(SocketPeerClosed.Instance, ActorRefs.NoSender);
                    }

                    return;
                }

                _owner.Tell(new SocketReceived(data), ActorRefs.NoSender);
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    private void Fail(Exception error)
    {
        var reason = error switch
        {
            SocketException socket => $"connection error: {socket.SocketErrorCode}",
            ObjectDisposedException => "connection closed",
            _ => $"connection error: {error.Message}",
        };
        Shut(reason, graceful: false);
    }

    /// <summary>Closes the socket once; the owner hears <see cref="SocketClosed"/> with the first reason.</summary>
    private void Shut(string reason, bool graceful = true)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        if (graceful)
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception)
            {
                // The peer reset it first: closing is all that is left.
            }
        }

        _socket.Dispose();
        lock (_gate)
        {
            _queue.Clear();
        }

        _owner.Tell(new SocketClosed(reason), ActorRefs.NoSender);
    }
}
