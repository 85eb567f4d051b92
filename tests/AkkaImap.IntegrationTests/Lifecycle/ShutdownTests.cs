using System.Collections.Concurrent;
using System.Text;
using AkkaImap.IntegrationTests.Clients;
using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.IntegrationTests.Protocol;
using MailKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Lifecycle;

/// <summary>A server that gives running commands ten minutes to finish on SIGTERM: only a drain that waits shows it.</summary>
public sealed class LongDrainServer : ServerFixture
{
    protected override string ExtraSettings => "shutdown.drain-timeout = 10m";
}

/// <summary>
/// Issue 13, clean stop (SPEC.md, Start and stop): SIGTERM under load stops accepting, says
/// <c>* BYE</c> to idle sessions at once, lets running APPENDs finish, flushes the store and exits
/// 0, and no acknowledged APPEND is lost; a second signal during the drain exits at once. The tests
/// run in name order on one server; the first restarts it, the second ends it.
/// </summary>
[TestCaseOrderer("AkkaImap.IntegrationTests.Infrastructure.ByNameOrderer", "AkkaImap.IntegrationTests")]
public sealed class ShutdownTests(LongDrainServer server) : IClassFixture<LongDrainServer>
{
    [Fact]
    public async Task T1_SIGTERM_under_load_says_BYE_to_idle_sessions_loses_no_acknowledged_append_and_exits_0()
    {
        // Idle sessions: one logged in doing nothing, one in IDLE (RFC 2177), one not logged in.
        var idle = await RawImapClient.LoginAsync(server.Port, "bob@example.com", server.Users["bob@example.com"]);
        var idling = await RawImapClient.LoginAsync(server.Port, "bob@example.com", server.Users["bob@example.com"]);
        await idling.OkAsync("s", "SELECT INBOX");
        await idling.SendAsync("i IDLE\r\n");
        Assert.StartsWith("+ ", (await idling.ReadUntilAsync(l => l.StartsWith('+')))[^1]);
        var anonymous = await RawImapClient.ConnectAsync(server.Port);

        const int EnoughBeforeTheSignal = 40;
        var acknowledged = new ConcurrentBag<(string Subject, uint Uid)>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            try
            {
                using var client = await server.ConnectAsync();
                for (var i = 0; i < 100_000; i++)
                {
                    var subject = $"drain-test w{writer} n{i}";
                    var uid = await client.Inbox.AppendAsync(MailKitMailDayTests.PlainMessage(subject, "kept?"));
                    acknowledged.Add((subject, uid!.Value.Id));
                    if (acknowledged.Count >= EnoughBeforeTheSignal)
                    {
                        enough.TrySetResult();
                    }
                }
            }
            catch (Exception)
            {
                // BYE and the close ended this writer: whatever was acknowledged is in the bag.
            }
        })).ToArray();

        await Task.WhenAny(enough.Task, Task.WhenAll(writers)).WaitAsync(TimeSpan.FromSeconds(60));
        await server.SignalAsync("TERM");

        foreach (var client in new[] { idle, idling, anonymous })
        {
            var said = await client.ReadUntilClosedAsync();
            Assert.Contains("* BYE Server shutting down", said);
            await client.DisposeAsync();
        }

        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, await server.WaitForExitAsync());
        Assert.True(acknowledged.Count >= EnoughBeforeTheSignal, $"only {acknowledged.Count} appends were acknowledged before the signal");
        Assert.Contains("every session has ended", server.Output);
        Assert.Contains("AkkaImap stopped: the store is closed", server.Output);

        // A connection while the server drains or after it is gone: refused with BYE, or not at all.
        await server.StartAsync();
        using var reader = await server.ConnectAsync();
        await reader.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var all = await reader.Inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope);
        var stored = all.ToDictionary(s => s.UniqueId.Id, s => s.Envelope?.Subject);
        foreach (var (subject, uid) in acknowledged)
        {
            Assert.True(stored.TryGetValue(uid, out var storedSubject), $"acknowledged UID {uid} ({subject}) is gone after SIGTERM");
            Assert.Equal(subject, storedSubject);
        }

        await reader.DisconnectAsync(true);
    }

    [Fact]
    public async Task T2_a_second_signal_during_the_drain_exits_at_once()
    {
        // A command that cannot finish: a FETCH of a large message to a client that does not read
        // (its receive buffer is fixed and small), so the drain would wait the whole ten minutes.
        using (var writer = await server.ConnectAsync())
        {
            var body = new StringBuilder();
            while (body.Length < 24 * 1024 * 1024)
            {
                body.Append("A line of a large message that a slow client will never finish reading.\r\n");
            }

            await writer.Inbox.AppendAsync(MailKitMailDayTests.PlainMessage("large", body.ToString()));
            await writer.DisconnectAsync(true);
        }

        var stalled = await RawImapClient.LoginAsync(server.Port, "alice@example.com", server.Users["alice@example.com"], receiveBuffer: 16 * 1024);
        stalled.Recording = false;
        await stalled.OkAsync("s", "SELECT INBOX");
        await stalled.SendAsync("f FETCH * BODY[]\r\n");
        // The first bytes of the answer: the FETCH runs, and the client stops reading here.
        Assert.NotNull(await stalled.ReadLineOnlyAsync());

        await server.SignalAsync("TERM");
        await server.WaitForLineAsync(l => l.Contains("telling 1 sessions the server is shutting down", StringComparison.Ordinal), "the drain's start");
        await server.SignalAsync("INT");

        // 128 + SIGINT: exited on the second signal, not after the ten-minute drain (which exits 0).
        Assert.Equal(130, await server.WaitForExitAsync());
        Assert.Contains("Second SIGINT received: exiting at once", server.Output);
        Assert.DoesNotContain("AkkaImap stopped", server.Output.Split('\n').Last(l => l.Contains("AkkaImap", StringComparison.Ordinal)));
        await stalled.DisposeAsync();
    }
}
