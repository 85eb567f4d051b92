using System.Collections.Concurrent;
using AkkaImap.IntegrationTests.Clients;
using AkkaImap.IntegrationTests.Infrastructure;
using MailKit;
using MailKit.Search;
using Microsoft.Data.Sqlite;
using Xunit;

namespace AkkaImap.IntegrationTests.Durability;

/// <summary>
/// What a tagged OK promises (SPEC "Durability"): a restart keeps folders, messages and
/// UIDVALIDITY; SIGKILL in the middle of concurrent APPENDs loses none that were acknowledged
/// and never reuses a UID. The tests run in order on one server they restart themselves.
/// </summary>
[TestCaseOrderer("AkkaImap.IntegrationTests.Infrastructure.ByNameOrderer", "AkkaImap.IntegrationTests")]
public sealed class DurabilityTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task T1_A_clean_restart_keeps_messages_and_uidvalidity()
    {
        uint uidValidity;
        UniqueId? uid;
        using (var client = await server.ConnectAsync())
        {
            uid = await client.Inbox.AppendAsync(MailKitMailDayTests.PlainMessage("Before restart", "kept"));
            await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
            uidValidity = client.Inbox.UidValidity;
            await client.DisconnectAsync(true);
        }

        Assert.Equal(0, await server.StopAsync());
        await server.StartAsync();

        using (var client = await server.ConnectAsync())
        {
            await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
            Assert.Equal(uidValidity, client.Inbox.UidValidity);
            var found = await client.Inbox.SearchAsync(SearchQuery.SubjectContains("Before restart"));
            Assert.Equal([uid!.Value], found);
            await client.DisconnectAsync(true);
        }
    }

    [Fact]
    public async Task T2_Kill_9_during_concurrent_appends_loses_no_acknowledged_message()
    {
        uint uidValidity;
        using (var probe = await server.ConnectAsync("bob@example.com"))
        {
            await probe.Inbox.OpenAsync(FolderAccess.ReadOnly);
            uidValidity = probe.Inbox.UidValidity;
            await probe.DisconnectAsync(true);
        }

        const int EnoughBeforeTheKill = 40;
        var acknowledged = new ConcurrentBag<(string Subject, uint Uid)>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            try
            {
                using var client = await server.ConnectAsync("bob@example.com");
                for (var i = 0; i < 10_000 && !stop.IsCancellationRequested; i++)
                {
                    var subject = $"kill-test w{writer} n{i}";
                    var uid = await client.Inbox.AppendAsync(MailKitMailDayTests.PlainMessage(subject, "durable?"));
                    acknowledged.Add((subject, uid!.Value.Id));
                    if (acknowledged.Count >= EnoughBeforeTheKill)
                    {
                        enough.TrySetResult();
                    }
                }
            }
            catch (Exception)
            {
                // The server died under us: whatever was acknowledged is in the bag.
            }
        })).ToArray();

        // Let a good number of appends be acknowledged, then pull the plug while they go on.
        await Task.WhenAny(enough.Task, Task.WhenAll(writers)).WaitAsync(TimeSpan.FromSeconds(60));
        await server.KillAsync();
        stop.Cancel();
        await Task.WhenAll(writers);
        Assert.True(acknowledged.Count >= EnoughBeforeTheKill, $"only {acknowledged.Count} appends were acknowledged before the kill");

        await server.StartAsync();
        using var client = await server.ConnectAsync("bob@example.com");
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(uidValidity, client.Inbox.UidValidity);
        var all = await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope);
        var stored = all.ToDictionary(s => s.UniqueId.Id, s => s.Envelope?.Subject);
        foreach (var (subject, uid) in acknowledged)
        {
            Assert.True(stored.TryGetValue(uid, out var storedSubject), $"acknowledged UID {uid} ({subject}) is gone after kill -9");
            Assert.Equal(subject, storedSubject);
        }

        // A UID is never reused: the next append gets a UID above every one seen before the kill.
        var next = await client.Inbox.AppendAsync(MailKitMailDayTests.PlainMessage("after kill", "new"));
        Assert.True(next!.Value.Id > acknowledged.Max(a => a.Uid));
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task T3_A_large_folder_selected_after_a_restart_shows_every_change_made_before_it()
    {
        // 1,050 messages: above storage.sqlite.folder-index-messages (1,000), so its first SELECT
        // saves a copy of its message list, and the SELECT after the restart reads that copy
        // and the changes made after it.
        IList<UniqueId> uids;
        using (var client = await server.ConnectAsync())
        {
            var large = await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("Large", true) ?? throw new InvalidOperationException("CREATE Large");
            uids = [];
            for (var batch = 0; batch < 3; batch++)
            {
                var requests = Enumerable.Range(batch * 350, 350)
                    .Select(i => (IAppendRequest)new AppendRequest(MailKitMailDayTests.PlainMessage($"large {i}", "body"), MessageFlags.None))
                    .ToList();
                foreach (var uid in await large.AppendAsync(requests)) uids.Add(uid);
            }

            await large.OpenAsync(FolderAccess.ReadWrite);
            Assert.Equal(1050, large.Count);
            await large.AddFlagsAsync(uids.Take(10).ToList(), MessageFlags.Seen, true);
            await large.StoreAsync(uids.Skip(20).Take(5).ToList(), new StoreFlagsRequest(StoreAction.Add, new HashSet<string> { "$Work" }) { Silent = true });
            await large.AddFlagsAsync(uids.Skip(100).Take(3).ToList(), MessageFlags.Deleted, true);
            await large.ExpungeAsync();
            await large.AppendAsync(MailKitMailDayTests.PlainMessage("large, after", "body"), MessageFlags.Flagged);
            await client.DisconnectAsync(true);
        }

        Assert.Equal(0, await server.StopAsync());
        using (var raw = new SqliteConnection($"Data Source={Path.Combine(server.DataPath, "akkaimap.db")};Pooling=False"))
        {
            raw.Open();
            using var copies = raw.CreateCommand();
            copies.CommandText = "SELECT count(*) FROM folder_index i JOIN folders f ON f.id = i.folder_id WHERE f.name = 'Large'";
            Assert.Equal(1L, copies.ExecuteScalar());
        }
        await server.StartAsync();

        using (var client = await server.ConnectAsync())
        {
            var large = await client.GetFolderAsync("Large");
            await large.OpenAsync(FolderAccess.ReadOnly);
            Assert.Equal(1050 - 3 + 1, large.Count);
            var all = await large.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags);
            var expunged = uids.Skip(100).Take(3).ToHashSet();
            Assert.Equal(uids.Where(u => !expunged.Contains(u)).Select(u => u.Id), all.Take(1047).Select(m => m.UniqueId.Id));
            Assert.Equal(uids.Take(10).Select(u => u.Id), all.Where(m => m.Flags == MessageFlags.Seen).Select(m => m.UniqueId.Id));
            Assert.Equal(uids.Skip(20).Take(5).Select(u => u.Id), all.Where(m => m.Keywords.Contains("$Work")).Select(m => m.UniqueId.Id));
            Assert.Equal(MessageFlags.Flagged, all[^1].Flags);
            Assert.Equal(1047 - 10 + 1, all.Count(m => m.Flags is MessageFlags.None or MessageFlags.Flagged));
            await client.DisconnectAsync(true);
        }
    }
}
