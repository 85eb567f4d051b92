namespace AkkaImap.Storage;

/// <summary>
/// Tests: lets a test await the moment a writer's queue holds a given number of writes (the
/// writer has taken what it holds; the writes a test lines up behind it are all queued), where it
/// would otherwise poll the count. One waiter at a time; a writer with none pays one field read
/// per change of its count.
/// </summary>
internal sealed class QueueCountWatch
{
    private readonly object _gate = new();
    private Waiter? _waiter;

    /// <summary>Completes once the count equals <paramref name="count"/> (at once if <paramref name="now"/> does).</summary>
    public Task When(int count, Func<int> now)
    {
        var waiter = new Waiter(count);
        lock (_gate)
        {
            if (_waiter is not null) throw new InvalidOperationException("one wait on a writer's queue at a time");
            Volatile.Write(ref _waiter, waiter);
        }
        Changed(now());
        return waiter.Done.Task;
    }

    /// <summary>The writer's count is now <paramref name="count"/>.</summary>
    public void Changed(int count)
    {
        if (Volatile.Read(ref _waiter) is not { } waiter || waiter.Count != count) return;
        lock (_gate)
        {
            if (!ReferenceEquals(_waiter, waiter)) return;
            _waiter = null;
        }
        waiter.Done.TrySetResult();
    }

    private sealed class Waiter(int count)
    {
        public int Count { get; } = count;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
