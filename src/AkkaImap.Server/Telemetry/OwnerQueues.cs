using System.Collections.Concurrent;

namespace AkkaImap.Server.Telemetry;

/// <summary>
/// Commands waiting for each owner on this node (its mailbox, read when it takes the next command),
/// kept only for owners with a queue, so an idle node holds nothing. The metrics endpoint reads the
/// largest few (<see cref="Largest"/>) as <c>akkaimap_owner_queued_commands{rank="1"}</c>: ranks, not
/// entity ids, keep the series bounded (an account id per series would grow without end).
/// </summary>
public static class OwnerQueues
{
    private static readonly ConcurrentDictionary<string, int> Queued = new(StringComparer.Ordinal);

    /// <summary>Records <paramref name="entity"/>'s queue; 0 forgets it. Costs nothing while the owner has no queue.</summary>
    public static void Report(string entity, int queued)
    {
        if (queued > 0)
        {
            Queued[entity] = queued;
        }
        else if (!Queued.IsEmpty)
        {
            Queued.TryRemove(entity, out _);
        }
    }

    /// <summary>The <paramref name="count"/> largest queues, largest first.</summary>
    public static IReadOnlyList<int> Largest(int count)
    {
        if (Queued.IsEmpty)
        {
            return [];
        }
        return [.. Queued.Values.OrderByDescending(q => q).Take(count)];
    }
}
