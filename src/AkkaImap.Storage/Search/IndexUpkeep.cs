namespace AkkaImap.Storage.Search;

/// <summary>
/// Catches the full-text index up after it was off (<see cref="StoreOptions.FullTextIndex"/>):
/// <see cref="IMailStore.IndexPendingAsync"/> in steps of <see cref="Step"/> bodies, each its own
/// short write, so appends and flag changes queue behind one step at most, never behind the
/// whole backlog. Meanwhile the pending bodies are scanned, so answers stay exact.
/// </summary>
public static class IndexUpkeep
{
    /// <summary>Bodies parsed and indexed per write transaction.</summary>
    public const int Step = 64;

    /// <summary>Runs until nothing is pending, <paramref name="ct"/> is cancelled or the store is closed; returns how many it indexed.</summary>
    public static async Task<long> CatchUpAsync(IMailStore store, CancellationToken ct)
    {
        long total = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var done = await store.IndexPendingAsync(Step, ct).ConfigureAwait(false);
                if (done == 0) break;
                total += done;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Stopping: what is still pending stays listed for the scan and is taken at the next start.
        }
        return total;
    }
}
