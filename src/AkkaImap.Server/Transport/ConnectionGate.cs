namespace AkkaImap.Server.Transport;

/// <summary>
/// The <c>max-connections</c> cap, shared by every listener: a connection takes a slot at accept
/// time and frees it when its actor stops. <c>null</c> means unlimited (still counted, for telemetry).
/// </summary>
public sealed class ConnectionGate(int? maxConnections)
{
    private int _open;

    public int? MaxConnections { get; } = maxConnections;

    /// <summary>Connections holding a slot now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Takes a slot; false when the cap is reached (the caller then refuses the client).</summary>
    public bool TryAcquire()
    {
        if (MaxConnections is not { } max)
        {
            Interlocked.Increment(ref _open);
            return true;
        }

        while (true)
        {
            var current = Volatile.Read(ref _open);
            if (current >= max)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _open, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Frees a slot taken by <see cref="TryAcquire"/>.</summary>
    public void Release() => Interlocked.Decrement(ref _open);
}
