using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AkkaImap.Storage;

/// <summary>
/// The store's instruments (meter <see cref="Name"/>) and spans (activity source of the same name),
/// BCL only: the server's Host exports both with OpenTelemetry. Spans are made only inside a trace
/// that already runs (an IMAP command's), so a store call outside one (start-up, the CLI) costs a
/// null check.
/// </summary>
public static class StoreTelemetry
{
    public const string Name = "AkkaImap.Storage";

    /// <summary>Commit latency buckets in seconds: an fsynced SQLite commit takes 0.5–5 ms (FACTS.md).</summary>
    private static readonly IReadOnlyList<double> CommitBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    private static readonly IReadOnlyList<int> BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private static readonly Meter Meter = new(Name, typeof(StoreTelemetry).Assembly.GetName().Version?.ToString(3));

    internal static readonly ActivitySource Source = new(Name, typeof(StoreTelemetry).Assembly.GetName().Version?.ToString(3));

    private static readonly Histogram<double> CommitDuration =
        Meter.CreateHistogram("akkaimap.store.commit.duration", "s", "Time of one write transaction, from BEGIN to a durable COMMIT (group commit: one per batch)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommitBuckets });

    private static readonly Histogram<int> CommitBatch =
        Meter.CreateHistogram("akkaimap.store.commit.batch_size", "{write}", "Writes grouped into one committed transaction",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchBuckets });

    private static readonly Counter<long> CommitFailures =
        Meter.CreateCounter<long>("akkaimap.store.commit.failures", "{transaction}", "Write transactions that failed and were rolled back");

    private static readonly Counter<long> Lockouts =
        Meter.CreateCounter<long>("akkaimap.lockouts", "{lockout}", "Accounts locked after auth.lockout.failures failed logins");

    internal static void Committed(TimeSpan elapsed, int writes)
    {
        CommitDuration.Record(elapsed.TotalSeconds);
        CommitBatch.Record(writes);
    }

    internal static void CommitFailed() => CommitFailures.Add(1);

    internal static void LockedOut() => Lockouts.Add(1);

    /// <summary>
    /// A child span <c>store OPERATION</c> from now until <paramref name="task"/> completes, when a
    /// trace is running on the caller (<see cref="Activity.Current"/>); otherwise the task as it is.
    /// </summary>
    internal static Task<T> Trace<T>(Task<T> task, string operation, string kind)
    {
        if (Activity.Current is null || !Source.HasListeners())
        {
            return task;
        }
        var caller = Activity.Current;
        var span = Source.StartActivity("store " + operation, ActivityKind.Client);
        // StartActivity made the span current on the caller: the caller's own span stays current.
        Activity.Current = caller;
        if (span is null)
        {
            return task;
        }
        span.SetTag("db.system", "sqlite");
        span.SetTag("akkaimap.store.kind", kind);
        return Finish(task, span);

        static async Task<T> Finish(Task<T> task, Activity span)
        {
            try
            {
                return await task.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                span.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                throw;
            }
            finally
            {
                span.Stop();
            }
        }
    }
}
