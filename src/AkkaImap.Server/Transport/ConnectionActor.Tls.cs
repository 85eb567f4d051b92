using System.Buffers;
using Akka.Actor;
using Akka.Event;
using AkkaImap.Server.Telemetry;
using AkkaImap.Server.Tls;

namespace AkkaImap.Server.Transport;

/// <summary>
/// The TLS half of <see cref="ConnectionActor"/>: handshake, the one plaintext writer, close_notify.
/// Its completions may land after the actor stopped (a client gone mid-handshake): they are not
/// dead-letter noise.
/// </summary>
internal sealed partial class ConnectionActor
{
    // Small writes in a row (a FETCH answer is many) go out as one TLS record of up to this size.
    private const int CoalesceLimit = 16 * 1024;

    private TlsChannel? _tls;
    private bool _tlsReady;
    private bool _tlsWriting;
    private bool _handshakeCounted;
    private bool _tlsShutdownDone;
    private Queue<ReadOnlyMemory<byte>>? _plainOut;
    private long _plainOutBytes;

    private void BeginHandshake()
    {
        _tls = new TlsChannel(Self);
        Timers.StartSingleTimer(nameof(HandshakeTimedOut), HandshakeTimedOut.Instance, _endpoint.HandshakeTimeout);
        _tls.AuthenticateAsync(_endpoint.Certificate.ServerOptions, CancellationToken.None).PipeTo(
            Self,
            success: () => HandshakeSucceeded.Instance,
            failure: ex => new HandshakeFailed(ex.GetBaseException().Message));
    }

    /// <summary>Counts this connection's handshake once (a timed-out one also fails after the abort).</summary>
    private void CountHandshake(bool succeeded)
    {
        if (_handshakeCounted) return;
        _handshakeCounted = true;
        ImapMetrics.TlsHandshake(_endpoint.ImplicitTls, succeeded);
    }

    private void OnHandshakeSucceeded()
    {
        Timers.Cancel(nameof(HandshakeTimedOut));
        if (_tls is null || _transportClosed)
        {
            return;
        }

        _tlsReady = true;
        _info = _info with { IsTls = true, CanStartTls = false };
        if (_session is null)
        {
            if (!_closing)
            {
                CreateSession();
            }
        }
        else
        {
            _session.Tell(TlsEstablished.Instance);
        }

        _tls.StartReading();
        PumpTls();
        TryFinishClose();
    }

    private void QueuePlaintext(ReadOnlyMemory<byte> data)
    {
        (_plainOut ??= new Queue<ReadOnlyMemory<byte>>()).Enqueue(data);
        _plainOutBytes += data.Length;
        PumpTls();
    }

    /// <summary>Starts the next SslStream write unless one is running: SslStream takes one writer at a time.</summary>
    private void PumpTls()
    {
        if (_tls is null || !_tlsReady || _tlsWriting || _plainOut is not { Count: > 0 } queue)
        {
            return;
        }

        var first = queue.Dequeue();
        _plainOutBytes -= first.Length;
        byte[]? rented = null;
        var chunk = first;
        if (first.Length < CoalesceLimit && queue.TryPeek(out var next) && first.Length + next.Length <= CoalesceLimit)
        {
            rented = ArrayPool<byte>.Shared.Rent(CoalesceLimit);
            first.Span.CopyTo(rented);
            var length = first.Length;
            while (queue.TryPeek(out next) && length + next.Length <= CoalesceLimit)
            {
                queue.Dequeue();
                _plainOutBytes -= next.Length;
                next.Span.CopyTo(rented.AsSpan(length));
                length += next.Length;
            }

            chunk = rented.AsMemory(0, length);
        }

        _tlsWriting = true;
        _tls.WriteAsync(chunk).PipeTo(
            Self,
            success: () => new TlsWriteDone(rented),
            failure: ex => new TlsWriteFailed(rented, ex.GetBaseException().Message));
    }

    private void OnTlsWriteDone(byte[]? rented)
    {
        ReturnRented(rented);
        _tlsWriting = false;
        PumpTls();
        TryFinishClose();
    }

    private void OnTlsShutdownDone()
    {
        _tlsWriting = false;
        _tlsShutdownDone = true;
        TryFinishClose();
    }

    /// <summary>
    /// True when TLS has nothing more to write. When closing with TLS up, the queued plaintext is
    /// written first, then close_notify (RFC 8446 §6.1) goes out through the same single writer;
    /// this starts it once the queue is empty.
    /// </summary>
    private bool TlsReadyToClose()
    {
        if (_tls is null || !_tlsReady || _transportClosed)
        {
            return !_tlsWriting;
        }

        if (_tlsShutdownDone)
        {
            return true;
        }

        if (_tlsWriting || _plainOut is { Count: > 0 })
        {
            return false;
        }

        _tlsWriting = true;
        _tls.ShutdownAsync().PipeTo(
            Self,
            success: () => TlsShutdownDone.Instance,
            failure: _ => TlsShutdownDone.Instance);
        return false;
    }

    private static void ReturnRented(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private sealed record HandshakeSucceeded : IDeadLetterSuppression, INoSerializationVerificationNeeded
    {
        public static readonly HandshakeSucceeded Instance = new();
    }

    private sealed record HandshakeFailed(string Reason) : IDeadLetterSuppression, INoSerializationVerificationNeeded;

    private sealed record HandshakeTimedOut : INoSerializationVerificationNeeded
    {
        public static readonly HandshakeTimedOut Instance = new();
    }

    private sealed record TlsWriteDone(byte[]? Rented) : IDeadLetterSuppression, INoSerializationVerificationNeeded;

    private sealed record TlsWriteFailed(byte[]? Rented, string Reason) : IDeadLetterSuppression, INoSerializationVerificationNeeded;

    private sealed record TlsShutdownDone : IDeadLetterSuppression, INoSerializationVerificationNeeded
    {
        public static readonly TlsShutdownDone Instance = new();
    }
}
