using System.Diagnostics;
using AkkaImap.IntegrationTests.Durability;
using AkkaImap.IntegrationTests.Infrastructure;
using MailKit;
using Xunit;
using Xunit.Abstractions;

namespace AkkaImap.IntegrationTests.Cluster;

/// <summary>What the cluster's kill and leave tests check after the load, and how they wait.</summary>
internal static class ClusterChecks
{
    /// <summary>Bounds every wait, so a change that never arrives fails the test instead of hanging it.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static readonly string[] Folders = ["INBOX", "Trash"];

    /// <summary>
    /// Every change the <paramref name="workers"/> were told of is on <paramref name="node"/>, exactly
    /// once, and each unanswered one either happened or did not (<see cref="CrashLedger"/>); the load
    /// moved, flagged and expunged something.
    /// </summary>
    public static async Task CheckAsync(CrashLedger ledger, IReadOnlyList<ClusterWorker> workers, string round, ServerFixture node, ITestOutputHelper output)
    {
        foreach (var worker in workers)
        {
            foreach (var (folder, uid, messageId) in worker.Acks)
            {
                ledger.Acknowledged(round, $"{worker.Login}/{folder}", uid, messageId);
            }
        }
        foreach (var login in workers.Select(w => w.Login).Distinct())
        {
            ledger.Check(round, await ScanAsync(node, login, round), workers.Where(w => w.Login == login).SelectMany(w => w.Messages));
        }
        output.WriteLine($"{round}: unanswered changes settled as [{string.Join(", ", ledger.Settled)}]");

        // The load did what it says.
        var all = workers.SelectMany(w => w.Messages).ToList();
        Assert.Contains(all, m => m.Instances.Any(i => i.Folder == "Trash"));
        Assert.Contains(all, m => m.Flagged);
        Assert.Contains(all, m => m.Instances.Count == 0);
    }

    /// <summary>An account's folders as <paramref name="node"/> shows them, only this round's messages, keyed "login/folder".</summary>
    public static Task<Dictionary<string, FolderState>> ScanAsync(ServerFixture node, string login, string round) =>
        FolderState.ScanAsync(node, login, Folders, id => id.StartsWith($"cluster-{round}-", StringComparison.Ordinal));

    /// <summary>The node hosting the most owner entities (at least one), after every account was opened through the first.</summary>
    public static async Task<ClusterNode> BusiestNodeAsync(IReadOnlyList<ClusterNode> nodes, ITestOutputHelper output)
    {
        foreach (var login in ClusterFixture.Loaded)
        {
            using var client = await nodes[0].ConnectAsync(login);
            await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        }
        var counts = new List<(ClusterNode Node, double Entities)>();
        foreach (var node in nodes)
        {
            counts.Add((node, (await node.ScrapeAsync()).Sum("akkaimap_owner_entities")));
        }
        output.WriteLine("owner entities per node: " + string.Join(", ", counts.Select(c => $"{c.Node.Index}: {c.Entities}")));
        var busiest = counts.MaxBy(c => c.Entities);
        Assert.True(busiest.Entities >= 1, "no node hosts an owner");
        return busiest.Node;
    }

    /// <summary>
    /// Runs the <paramref name="workers"/>' load; once <paramref name="first"/> changes are
    /// acknowledged, tells them the cluster is disturbed and runs <paramref name="disturb"/> (a kill,
    /// a node leaving), then waits until every worker has had <paramref name="afterwards"/> more
    /// acknowledged (<paramref name="carryingOn"/> names that wait); stops the load, and no worker failed.
    /// </summary>
    public static async Task LoadThroughAsync(IReadOnlyList<ClusterWorker> workers, string round, Func<Task> disturb, string carryingOn, ITestOutputHelper output, int first = 30, int afterwards = 5)
    {
        var disturbed = false;
        using var stop = new CancellationTokenSource();
        var load = workers.Select(w => Task.Run(() => w.RunAsync(round, stop.Token, () => Volatile.Read(ref disturbed)))).ToArray();
        try
        {
            await UntilWorkers(workers, () => workers.Sum(w => Volatile.Read(ref w.Acknowledged)) >= first, $"{first} changes first");
            Volatile.Write(ref disturbed, true);
            var clock = Stopwatch.StartNew();
            await disturb();
            var before = workers.Select(w => Volatile.Read(ref w.Acknowledged)).ToArray();
            await UntilWorkers(workers, () => workers.Select((w, i) => Volatile.Read(ref w.Acknowledged) >= before[i] + afterwards).All(x => x), carryingOn);
            output.WriteLine($"{carryingOn}: every client had {afterwards} more changes acknowledged {clock.Elapsed.TotalSeconds:F1} s after the disturbance began (machine load {File.ReadAllText("/proc/loadavg").Trim()})");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(load);
        }
        Assert.All(workers, w => Assert.True(w.Failure is null, w.Failure));
        output.WriteLine($"acknowledged {workers.Sum(w => w.Acknowledged)}, interrupted {workers.Sum(w => w.Interrupted)}, reconnected {workers.Sum(w => w.Reconnects)}");
    }

    /// <summary>
    /// Completes once <paramref name="reached"/> holds or a worker has failed, looked at whenever a
    /// worker reports progress (<see cref="ClusterWorker.Progressed"/>), for at most <see cref="Bound"/>;
    /// <paramref name="what"/> names the wait in the failure.
    /// </summary>
    private static async Task UntilWorkers(IReadOnlyList<ClusterWorker> workers, Func<bool> reached, string what)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Look()
        {
            if (reached() || workers.Any(w => w.Failure is not null)) seen.TrySetResult();
        }

        foreach (var worker in workers) worker.Progressed += Look;
        try
        {
            // What happened before the subscription counts too.
            Look();
            await seen.Task.WaitAsync(Bound);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"never saw {what}");
        }
        finally
        {
            foreach (var worker in workers) worker.Progressed -= Look;
        }
    }

    /// <summary>
    /// Polls <paramref name="done"/> every 100 ms, for at most <see cref="Bound"/>: only for state
    /// outside this process (a node's answer, its log), which raises no event here.
    /// </summary>
    public static async Task Until(Func<Task<bool>> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await done())
        {
            if (clock.Elapsed > Bound) throw new TimeoutException($"never saw {what}");
            await Task.Delay(100);
        }
    }
}
