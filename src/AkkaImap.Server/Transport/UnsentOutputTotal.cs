namespace AkkaImap.Server.Transport;

/// <summary>
/// Bytes of answers that wait for their clients, all connections of this node together
/// (<c>limits.max-unsent-output-total</c>). Each connection adds what it holds (queued, handed to
/// the socket and not yet sent, plaintext not yet encrypted) and takes it back when it is
/// written or the connection goes; connections run on many threads, hence the atomic counter.
/// </summary>
public sealed class UnsentOutputTotal(long limit)
{
    private long _bytes;

    /// <summary>The most bytes the node lets wait for its clients.</summary>
    public long Limit { get; } = limit;

    /// <summary>What waits now.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Adds <paramref name="delta"/> (negative when output left) and returns the new total.</summary>
    public long Add(long delta) => delta == 0 ? Bytes : Interlocked.Add(ref _bytes, delta);
}
