using System.Buffers;
using System.Net.Security;
using Akka.Actor;
using Akka.Event;

namespace AkkaImap.Server.Tls;

/// <summary>The TLS channel needs its owner to write ciphertext; <see cref="Accepted"/> completes once it is handed to the socket.</summary>
internal sealed record TlsCipherWrite(byte[] Data, TaskCompletionSource Accepted) : IDeadLetterSuppression, INoSerializationVerificationNeeded;

/// <summary>Decrypted bytes from the client.</summary>
internal sealed record TlsPlaintext(ReadOnlyMemory<byte> Data) : IDeadLetterSuppression, INoSerializationVerificationNeeded;

/// <summary>The client ended TLS (close_notify, end of stream) or the record layer failed.</summary>
internal sealed record TlsReadEnded(string Reason) : IDeadLetterSuppression, INoSerializationVerificationNeeded;

/// <summary>
/// One server-side TLS session over a client socket: an <see cref="SslStream"/> over a
/// <see cref="TlsBridgeStream"/>. The owning actor feeds received ciphertext in, turns
/// <see cref="TlsCipherWrite"/> into socket writes, and is the one writer of plaintext
/// (SslStream must never see two writes at once).
/// </summary>
internal sealed class TlsChannel : IDisposable
{
    // The largest TLS record payload (RFC 8446 §5.1): one read takes at most one record's worth.
    private const int ReadChunk = 16 * 1024;

    private readonly IActorRef _owner;
    private readonly TlsBridgeStream _bridge;
    private readonly SslStream _ssl;

    public TlsChannel(IActorRef owner)
    {
        _owner = owner;
        _bridge = new TlsBridgeStream(WriteCiphertext);
        _ssl = new SslStream(_bridge, leaveInnerStreamOpen: false);
    }

    /// <summary>Ciphertext received from the socket.</summary>
    public void Feed(ReadOnlySpan<byte> data) => _bridge.Feed(data);

    /// <summary>The socket closed: the handshake or read loop sees end of stream.</summary>
    public void EndOfInput() => _bridge.Complete();

    /// <summary>
    /// Runs the server handshake (TLS 1.2 and 1.3 only, see <see cref="TlsIdentity"/>), then lets
    /// OpenSSL free the connection's record buffers whenever it is idle (<see cref="OpenSslBuffers"/>).
    /// </summary>
    public async Task AuthenticateAsync(SslServerAuthenticationOptions options, CancellationToken cancellationToken)
    {
        await _ssl.AuthenticateAsServerAsync(options, cancellationToken).ConfigureAwait(false);
        OpenSslBuffers.TryRelease(_ssl);
    }

    /// <summary>Starts delivering <see cref="TlsPlaintext"/> and finally <see cref="TlsReadEnded"/> to the owner.</summary>
    public void StartReading() => _ = ReadLoopAsync();

    /// <summary>Encrypts and writes; the owner calls this for one buffer at a time.</summary>
    public Task WriteAsync(ReadOnlyMemory<byte> plaintext) => _ssl.WriteAsync(plaintext).AsTask();

    /// <summary>Sends close_notify (RFC 8446 §6.1).</summary>
    public Task ShutdownAsync() => _ssl.ShutdownAsync();

    public void Dispose()
    {
        _bridge.Complete();
        _ssl.Dispose();
    }

    private ValueTask WriteCiphertext(ReadOnlyMemory<byte> ciphertext)
    {
        // SslStream reuses its buffer once WriteAsync returns: copy (FACTS.md, TLS pitfalls).
        var accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _owner.Tell(new TlsCipherWrite(ciphertext.ToArray(), accepted), ActorRefs.NoSender);
        return new ValueTask(accepted.Task);
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                // A zero-byte read waits for data without holding a buffer, so an idle TLS
                // connection keeps none of its own.
                await _ssl.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(ReadChunk);
                byte[]? data;
                try
                {
                    var read = await _ssl.ReadAsync(buffer.AsMemory(0, ReadChunk)).ConfigureAwait(false);
                    data = read > 0 ? buffer.AsSpan(0, read).ToArray() : null;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                if (data is null)
                {
                    _owner.Tell(new TlsReadEnded("connection closed by client"), ActorRefs.NoSender);
                    return;
                }

                _owner.Tell(new TlsPlaintext(data), ActorRefs.NoSender);
            }
        }
        catch (Exception ex)
        {
            _owner.Tell(new TlsReadEnded($"TLS read failed: {ex.Message}"), ActorRefs.NoSender);
        }
    }
}
