using System.Collections.Concurrent;
using AkkaImap.IntegrationTests.Clients;
using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.IntegrationTests.Protocol;
using MailKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Lifecycle;

/// <summary>
/// A server that gives running commands ten minutes to finish on SIGTERM (only a drain that waits
/// shows it), and a client that does not read 30 s to take its last output: T2's reader takes its
/// 24 MB well within that and T3's second signal comes at once. T2 also checks that no connection
/// needed that timeout: a client's FIN that crossed our Close used to leave the close unfinished
/// (ConnectionActor, Tcp.PeerClosed), which held the drain.
/// </summary>
public sealed class LongDrainServer : ServerFixture
{
    protected override string ExtraSettings => "shutdown.drain-timeout = 10m\nlimits.close-timeout = 30s";
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
    public async Task T2_a_running_command_finishes_and_answers_before_BYE_and_the_drain_exits_0()
    {
        var start = server.LineCount;
        await StalledFetch.AppendLargeMessageAsync(server);
        var (reader, literal) = await StalledFetch.StartAsync(server);

        var before = server.LineCount;
        await server.SignalAsync("TERM");
        await server.WaitForLineAsync(l => l.Contains("sessions the server is shutting down", StringComparison.Ordinal), "the drain's start", before);

        // While it drains, the server accepts no new session: a newcomer hears BYE instead of a greeting.
        await using (var late = await RawImapClient.ConnectAsync(server.Port))
        {
            Assert.Equal("* BYE Server shutting down", late.Greeting);
        }

        // The client reads again: the whole answer, the tagged OK, and only then the BYE.
        Assert.True(literal >= StalledFetch.LargeBodySize, $"the FETCH announced {literal} bytes");
        await reader.ReadLiteralAsync(literal);
        var rest = await reader.ReadUntilClosedAsync();
        var ok = rest.ToList().FindIndex(l => l.StartsWith("f OK ", StringComparison.Ordinal));
        var bye = rest.ToList().FindIndex(l => l == "* BYE Server shutting down");
        Assert.True(ok >= 0 && bye > ok, string.Join("\n", rest));
        await reader.DisposeAsync();

        Assert.Equal(0, await server.WaitForExitAsync());
        // Every client here took its output and closed: no close had to be cut short.
        var aborted = server.Output.Split('\n').Skip(start).Where(l => l.Contains("(limits.close-timeout)", StringComparison.Ordinal));
        Assert.Empty(aborted);
    }

    [Fact]
    public async Task T3_a_second_signal_during_the_drain_exits_at_once()
    {
        await server.StartAsync();
        // The client reads none of the large answer, so its connection cannot close with the answer
        // taken: the drain waits for it (up to limits.close-timeout, here 30 s).
        var (stalled, _) = await StalledFetch.StartAsync(server);

        var before = server.LineCount;
        await server.SignalAsync("TERM");
        await server.WaitForLineAsync(l => l.Contains("sessions the server is shutting down", StringComparison.Ordinal), "the drain's start", before);
        // SIGTERM again, as a service manager or an impatient operator sends it. (Not SIGINT: a
        // process started in the background by a shell inherits SIGINT ignored, and so would this
        // server when the tests run in the background.)
        await server.SignalAsync("TERM");

        // 128 + SIGTERM: exited on the second signal, not at the drain's end (which exits 0).
        var code = await server.WaitForExitAsync();
        Assert.True(code == 143, $"exit {code}, not 143; the server printed:\n{server.Output}");
        Assert.Contains("Second SIGTERM received: exiting at once", server.Output);
        // Only the first two tests' stops got that far.
        Assert.Equal(2, server.Output.Split('\n').Count(l => l.Contains("AkkaImap stopped", StringComparison.Ordinal)));
        await stalled.DisposeAsync();
    }
}
