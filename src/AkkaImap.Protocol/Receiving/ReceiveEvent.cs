namespace AkkaImap.Protocol.Receiving;

/// <summary>What <see cref="CommandReceiver"/> has to say after the bytes appended so far.</summary>
public abstract record ReceiveEvent;

/// <summary>Nothing complete is buffered: append more bytes from the socket.</summary>
public sealed record NeedMoreData : ReceiveEvent
{
    public static NeedMoreData Instance { get; } = new();
    private NeedMoreData() { }
}

/// <summary>
/// A synchronizing literal <c>{n}</c> or <c>~{n}</c> was announced and accepted: the caller
/// must send a command continuation request (<c>+ ...</c>) before the client sends the
/// <paramref name="Size"/> bytes (RFC 9051 §7.5). Never raised for <c>{n+}</c>/<c>{n-}</c>
/// (RFC 7888) nor <c>~{n+}</c>.
/// </summary>
public sealed record LiteralContinuationNeeded(long Size) : ReceiveEvent;

/// <summary>A whole command (all its lines and literal payloads) has been received.</summary>
public sealed record CommandReceived(RawCommand Command) : ReceiveEvent;

/// <summary>A raw line (AUTHENTICATE continuation, IDLE's DONE) without its line end.</summary>
public sealed record LineReceived(ReadOnlyMemory<byte> Line) : ReceiveEvent;

/// <summary>
/// A limit was exceeded; the receiver has already resynchronised on the next command, so
/// the caller only answers (e.g. <c>tag BAD</c>, or untagged when <paramref name="Tag"/> is null).
/// </summary>
public sealed record LimitExceeded(LimitKind Kind, string? Tag) : ReceiveEvent;

public enum LimitKind
{
    /// <summary>A line, or the sum of a command's lines, was longer than <see cref="ReceiverLimits.MaxLine"/>.</summary>
    LineTooLong,

    /// <summary>A literal, or the sum of a command's literals, was larger than <see cref="ReceiverLimits.MaxLiteral"/>.</summary>
    LiteralTooLarge,
}
