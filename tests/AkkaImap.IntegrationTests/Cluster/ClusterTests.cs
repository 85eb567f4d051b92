using System.Net.Sockets;
using System.Text;
using AkkaImap.IntegrationTests.Clients;
using AkkaImap.IntegrationTests.Durability;
using AkkaImap.IntegrationTests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Xunit;
using Xunit.Abstractions;

namespace AkkaImap.IntegrationTests.Cluster;

/// <summary>
/// Cluster mode through the real executable: three <c>akkaimap serve</c> processes over one
/// PostgreSQL (<see cref="ClusterFixture"/>). Every node serves every account and hears every
/// change (IDLE across nodes, public folders, the administrator's changes); a node killed with
/// <c>kill -9</c> under mixed load loses nothing acknowledged, its accounts serve again from the
/// survivors, and it rejoins when restarted; a node stopped with SIGTERM under load hands its
/// accounts over, says <c>* BYE</c> to its clients and loses nothing. The tests run in name order,
/// on one cluster.
/// </summary>
[TestCaseOrderer("AkkaImap.IntegrationTests.Infrastructure.ByNameOrderer", "AkkaImap.IntegrationTests")]
public sealed class ClusterTests(ClusterFixture cluster, ITestOutputHelper output) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan Bound = ClusterChecks.Bound;

    private IReadOnlyList<ClusterNode> Nodes => cluster.Nodes;

    [Fact]
    public async Task A_clients_on_every_node_share_accounts_and_IDLE_hears_appends_made_through_another_node()
    {
        foreach (var login in ClusterFixture.Loaded.Take(2))
        {
            using var idler = await Nodes[0].ConnectAsync(login);
            await idler.Inbox.OpenAsync(FolderAccess.ReadWrite);
            var before = idler.Inbox.Count;
            using var idle = new Idle(idler, idler.Inbox);

            // APPEND through the third node: the IDLE on the first hears EXISTS.
            var id = $"across-{login}@akkaimap.test";
            using (var writer = await Nodes[2].ConnectAsync(login))
            {
                var mime = MailKitMailDayTests.PlainMessage("across nodes", "Heard on node 0?");
                mime.MessageId = id;
                Assert.NotNull(await writer.Inbox.AppendAsync(mime));
            }
            await idle.UntilAsync(() => idler.Inbox.Count == before + 1, $"node 0 IDLE of {login} hearing the APPEND made through node 2");

            // The second node reads it and flags it; the third sees the flag.
            using (var reader = await Nodes[1].ConnectAsync(login))
            {
                await reader.Inbox.OpenAsync(FolderAccess.ReadWrite);
                var found = await reader.Inbox.SearchAsync(SearchQuery.HeaderContains("Message-Id", id));
                Assert.Single(found);
                await reader.Inbox.AddFlagsAsync(found[0], MessageFlags.Flagged, silent: true);
            }
            using (var checker = await Nodes[2].ConnectAsync(login))
            {
                await checker.Inbox.OpenAsync(FolderAccess.ReadOnly);
                var flagged = await checker.Inbox.SearchAsync(SearchQuery.HeaderContains("Message-Id", id).And(SearchQuery.Flagged));
                Assert.Single(flagged);
            }
        }
    }

    [Fact]
    public async Task A2_a_folder_larger_than_one_snapshot_piece_selects_whole_and_in_order_on_every_node()
    {
        // 2,500 messages: the owner's node gets the snapshot whole, the other two in pieces of
        // 1,000 (SnapshotRows) that the session puts back together.
        var login = ClusterFixture.Loaded[5];
        using (var writer = await Nodes[0].ConnectAsync(login))
        {
            var many = await writer.GetFolder(writer.PersonalNamespaces[0]).CreateAsync("Many", isMessageFolder: true);
            for (int batch = 0; batch < 5; batch++)
            {
                var flags = batch < 2 ? MessageFlags.None : MessageFlags.Flagged;
                var requests = Enumerable.Range(0, 500)
                    .Select(i => (IAppendRequest)new AppendRequest(MailKitMailDayTests.PlainMessage($"many {batch * 500 + i + 1}", "One of many."), flags))
                    .ToList();
                Assert.Equal(500, (await many!.AppendAsync(requests)).Count);
            }
        }
        for (int node = 0; node < Nodes.Count; node++)
        {
            using var reader = await Nodes[node].ConnectAsync(login);
            var many = await reader.GetFolderAsync("Many");
            await many.OpenAsync(FolderAccess.ReadOnly);
            Assert.Equal(2500, many.Count);
            var rows = await many.FetchAsync([0, 999, 1000, 2499], MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.Envelope);
            Assert.Equal(["many 1", "many 1000", "many 1001", "many 2500"], rows.Select(r => r.Envelope!.Subject));
            Assert.Equal([false, false, true, true], rows.Select(r => r.Flags!.Value.HasFlag(MessageFlags.Flagged)));
            Assert.True(rows.Select(r => r.UniqueId.Id).SequenceEqual(rows.Select(r => r.UniqueId.Id).Order()), $"node {node}: UIDs out of order");
        }
    }

    [Fact]
    public async Task B_a_public_folder_IDLE_on_one_node_hears_an_APPEND_through_another()
    {
        await Nodes[0].CliAsync(string.Empty, "publicfolder", "add", ServerFixture.PostOffice, "News");
        using var idler = await Nodes[1].ConnectAsync(ClusterFixture.Loaded[0]);
        var news = await idler.GetFolderAsync("Public Folders/News");
        await news.OpenAsync(FolderAccess.ReadWrite);
        var before = news.Count;
        using var idle = new Idle(idler, news);

        using (var writer = await Nodes[2].ConnectAsync(ClusterFixture.Loaded[1]))
        {
            var target = await writer.GetFolderAsync("Public Folders/News");
            Assert.NotNull(await target.AppendAsync(MailKitMailDayTests.PlainMessage("news", "For everyone")));
        }
        await idle.UntilAsync(() => news.Count == before + 1, "node 1's IDLE on a public folder hearing an APPEND made through node 2");
    }

    [Fact]
    public async Task C_removing_a_mailbox_ends_its_sessions_on_every_node()
    {
        using var one = await Nodes[1].ConnectAsync(ClusterFixture.Removed);
        using var two = await Nodes[2].ConnectAsync(ClusterFixture.Removed);

        await Nodes[0].CliAsync(string.Empty, "mailbox", "remove", ClusterFixture.Removed);

        foreach (var (client, node) in new[] { (one, 1), (two, 2) })
        {
            await ClusterChecks.Until(async () =>
            {
                try
                {
                    await client.NoOpAsync();
                    return !client.IsConnected;
                }
                catch (Exception e) when (e is ImapProtocolException or IOException or ServiceNotConnectedException)
                {
                    return true;
                }
            }, $"node {node} ending the removed mailbox's session");
        }
    }

    [Fact]
    public async Task D_kill_9_of_a_node_under_load_loses_nothing_and_its_accounts_serve_again_from_the_survivors()
    {
        var ledger = new CrashLedger();
        const string Round = "kill";
        // Every account's owner runs somewhere; the node with the most of them dies.
        foreach (var login in ClusterFixture.Loaded)
        {
            ledger.Check("before", await ClusterChecks.ScanAsync(Nodes[0], login, Round), []);
        }
        var victim = await ClusterChecks.BusiestNodeAsync(Nodes, output);
        var survivors = Nodes.Where(n => n != victim).ToArray();
        output.WriteLine($"killing node {victim.Index}");

        // IDLE on a survivor, for every account.
        var idlers = new List<(ImapClient Client, Idle Idle, string Login)>();
        try
        {
            foreach (var login in ClusterFixture.Loaded)
            {
                var client = await survivors[0].ConnectAsync(login);
                await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
                idlers.Add((client, new Idle(client, client.Inbox), login));
            }

            var workers = ClusterFixture.Loaded.Select((login, i) => new ClusterWorker(i, login, survivors[i % 2])).ToArray();
            // Every account serves again from the survivors: each worker gets changes acknowledged.
            await ClusterChecks.LoadThroughAsync(workers, Round, victim.KillAsync, "every account serving again after the kill", output);
            await ClusterChecks.CheckAsync(ledger, workers, Round, survivors[1], output);

            // IDLE clients on the survivors keep hearing new mail, whichever node owned their account.
            foreach (var (client, idle, login) in idlers)
            {
                using var writer = await survivors[1].ConnectAsync(login);
                var mime = MailKitMailDayTests.PlainMessage("after the kill", "Still heard?");
                mime.MessageId = $"idle-after-kill-{login}@akkaimap.test";
                await writer.Inbox.AppendAsync(mime);
                await writer.Inbox.OpenAsync(FolderAccess.ReadOnly);
                var count = writer.Inbox.Count;
                await idle.UntilAsync(() => client.Inbox.Count == count, $"the IDLE of {login} on node {survivors[0].Index} hearing mail after the kill");
            }
        }
        finally
        {
            foreach (var (client, idle, _) in idlers)
            {
                idle.Dispose();
                client.Dispose();
            }
        }

        // The killed node restarts, rejoins and serves.
        await victim.StartAsync();
        foreach (var login in ClusterFixture.Loaded)
        {
            using var there = await victim.ConnectAsync(login);
            await there.Inbox.OpenAsync(FolderAccess.ReadOnly);
            using var here = await survivors[0].ConnectAsync(login);
            await here.Inbox.OpenAsync(FolderAccess.ReadOnly);
            Assert.Equal(here.Inbox.Count, there.Inbox.Count);
        }
    }

    [Fact]
    public async Task E_SIGTERM_of_a_node_under_load_says_BYE_hands_its_accounts_over_and_loses_nothing()
    {
        var ledger = new CrashLedger();
        const string Round = "term";
        foreach (var login in ClusterFixture.Loaded)
        {
            ledger.Check("before", await ClusterChecks.ScanAsync(Nodes[0], login, Round), []);
        }
        var leaving = await ClusterChecks.BusiestNodeAsync(Nodes, output);
        var staying = Nodes.Where(n => n != leaving).ToArray();
        output.WriteLine($"stopping node {leaving.Index}");

        // Two clients idle on the leaving node; half the load goes through it, half through the others.
        var idling = new[] { ClusterFixture.Loaded[0], ClusterFixture.Loaded[1] }
            .Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var byes = idling.Select((ready, i) => AwaitByeAsync(leaving, ClusterFixture.Loaded[i], ready)).ToArray();
        await Task.WhenAll(idling.Select(i => i.Task)).WaitAsync(Bound);
        var workers = ClusterFixture.Loaded.SelectMany((login, i) => new[]
        {
            new ClusterWorker(2 * i, login, leaving) { Reconnect = staying[i % 2] },
            new ClusterWorker(2 * i + 1, login, staying[(i + 1) % 2]),
        }).ToArray();
        await ClusterChecks.LoadThroughAsync(workers, Round, async () =>
            {
                await leaving.SignalAsync("TERM");
                Assert.Equal(0, await leaving.WaitForExitAsync());
            },
            "every account serving after the node left", output, first: 40, afterwards: 3);
        foreach (var bye in byes)
        {
            Assert.StartsWith("* BYE", await bye);
        }
        // The clients of the leaving node were told to go, and carried on elsewhere.
        Assert.All(workers.Where(w => w.Reconnect is not null), w => Assert.True(w.Reconnects >= 1, $"{w.Login} was never disconnected"));
        await ClusterChecks.CheckAsync(ledger, workers, Round, staying[0], output);
    }

    /// <summary>A raw client on <paramref name="node"/> idling in INBOX; completes with the untagged BYE line it gets.</summary>
    private static async Task<string> AwaitByeAsync(ServerFixture node, string login, TaskCompletionSource idling)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", node.Port);
        using var stream = tcp.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        using var timeout = new CancellationTokenSource(Bound + Bound);

        async Task<string> Until(Func<string, bool> match)
        {
            while (true)
            {
                var line = await reader.ReadLineAsync(timeout.Token) ?? throw new IOException("closed without BYE");
                if (match(line)) return line;
            }
        }

        await Until(l => l.StartsWith("* OK", StringComparison.Ordinal));
        await writer.WriteLineAsync($"a LOGIN \"{login}\" \"{ClusterFixture.Users[login]}\"");
        Assert.StartsWith("a OK", await Until(l => l.StartsWith("a ", StringComparison.Ordinal)));
        await writer.WriteLineAsync("b SELECT INBOX");
        Assert.StartsWith("b OK", await Until(l => l.StartsWith("b ", StringComparison.Ordinal)));
        await writer.WriteLineAsync("c IDLE");
        await Until(l => l.StartsWith('+'));
        idling.SetResult();
        return await Until(l => l.StartsWith("* BYE", StringComparison.Ordinal));
    }
}
