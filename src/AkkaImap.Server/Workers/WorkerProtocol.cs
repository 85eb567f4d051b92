namespace AkkaImap.Server.Workers;

/// <summary>
/// Runs <paramref name="Work"/> on a pool worker and sends its result to the sender, or
/// <see cref="Akka.Actor.Status.Failure"/> with the exception when it throws. Each worker runs one
/// work item at a time, so the pool bounds heavy work (MIME decoding, body SEARCH, SORT) to
/// <c>threads</c> at once. <paramref name="Tag"/> comes back in <see cref="WorkCompleted"/> when
/// set, so a session can tell replies apart. With <paramref name="Completion"/> the worker completes it
/// instead of replying (<c>SessionContext.RunOnWorkerAsync</c>).
/// </summary>
public sealed record RunWork(Func<Task<object>> Work, object? Tag = null, TaskCompletionSource<object>? Completion = null) : Akka.Actor.INoSerializationVerificationNeeded;

/// <summary>The result of a <see cref="RunWork"/> that carried a <see cref="RunWork.Tag"/>.</summary>
public sealed record WorkCompleted(object Tag, object Result) : Akka.Actor.INoSerializationVerificationNeeded;

/// <summary>A worker's word to its pool that it has answered its item and takes the next.</summary>
internal sealed record WorkerFree : Akka.Actor.INoSerializationVerificationNeeded
{
    public static readonly WorkerFree Instance = new();

    private WorkerFree()
    {
    }
}
