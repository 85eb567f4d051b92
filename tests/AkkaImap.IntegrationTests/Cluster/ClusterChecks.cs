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
    public static async Task<Dictionary<string, FolderState>> ScanAsync(ServerFixture node, string login, string round)
    {
        var states = new Dictionary<string, FolderState>();
        using var client = await node.ConnectAsync(login);
        foreach (var name in Folders)
        {
            var folder = name == "INBOX" ? client.Inbox : await client.GetFolderAsync(name);
            await folder.OpenAsync(FolderAccess.ReadOnly);
            var summaries = folder.Count == 0
                ? []
                : await folder.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.Flags);
            var messages = summaries
                .Select(s => (s.UniqueId.Id, (s.Envelope?.MessageId ?? "(none)").Trim('<', '>'), s.Flags?.HasFlag(MessageFlags.Flagged) == true))
                .Where(m => m.Item2.StartsWith($"cluster-{round}-", StringComparison.Ordinal))
                .ToList();
            states[$"{login}/{name}"] = new FolderState(folder.UidValidity, folder.UidNext?.Id ?? 0, messages);
            await folder.CloseAsync();
        }
        await client.DisconnectAsync(true);
        return states;
    }

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

    /// <summary>Polls <paramref name="done"/> every 100 ms, for at most <see cref="Bound"/>.</summary>
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
