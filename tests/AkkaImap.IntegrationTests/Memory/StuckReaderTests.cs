using System.Text;
using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.IntegrationTests.Protocol;
using Xunit;
using Xunit.Abstractions;

namespace AkkaImap.IntegrationTests.Memory;

/// <summary>
/// A server with a small per-session output limit and a small node-wide one, and alice's INBOX
/// holding <see cref="Messages"/> messages of <see cref="MessageSize"/> bytes: a scaled-down issue 16
/// (finding 2), where 150 sessions fetching 20 MB each and never reading took 11 MB each and kept it.
/// </summary>
public sealed class StuckReaderServer : ServerFixture, IAsyncLifetime
{
    public const int Messages = 40;
    public const int MessageSize = 256 * 1024;
    public const long MaxUnsentOutput = 256 * 1024;
    public const long MaxUnsentOutputTotal = 3 * 1024 * 1024;

    protected override string ExtraSettings => "limits { max-unsent-output = 256k, max-unsent-output-total = 3M }";

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        await using var alice = await RawImapClient.LoginAsync(Port, "alice@example.com", Users["alice@example.com"]);
        alice.Recording = false;
        for (int i = 0; i < Messages; i++)
        {
            var message = BigMessage.Text(MessageSize, $"bulk {i}");
            await alice.SendAsync($"a{i} APPEND INBOX {{{message.Length}+}}\r\n{message}\r\n");
            var lines = await alice.ReadUntilTaggedAsync($"a{i}");
            Assert.StartsWith($"a{i} OK", lines[^1]);
        }
    }
}

/// <summary>Plain-text messages of an exact size, for tests that move megabytes.</summary>
public static class BigMessage
{
    public static string Text(int size, string subject)
    {
        var head = $"From: bulk@example.com\r\nTo: alice@example.com\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n";
        var text = new StringBuilder(size);
        text.Append(head);
        var random = new Random(subject.GetHashCode(StringComparison.Ordinal));
        while (text.Length < size)
        {
            for (int i = 0; i < 76 && text.Length < size - 2; i++)
            {
                text.Append((char)('a' + random.Next(26)));
            }

            text.Append("\r\n");
        }

        return text.ToString(0, size);
    }
}

/// <summary>
/// Clients that ask for a lot and never read (issue 16, finding 2). The server's memory is read
/// from /proc while they hang and after they are gone; nothing in the server is forced.
/// </summary>
public sealed class StuckReaderTests(StuckReaderServer server, ITestOutputHelper output) : IClassFixture<StuckReaderServer>
{
    private const int Sessions = 20;
    private const long MiB = 1024 * 1024;
    private static readonly TimeSpan SettleBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sessions_that_never_read_hold_about_their_limit_those_over_the_total_get_BYE_and_the_memory_comes_back()
    {
        int pid = server.ProcessId;
        long before = await ProcessMemory.SettledAsync(pid, SettleBound);
        long anonymousBefore = ProcessMemory.Anonymous(pid);
        ProcessMemory.ResetPeak(pid);

        var clients = new List<RawImapClient>();
        try
        {
            for (int i = 0; i < Sessions; i++)
            {
                // A small fixed receive buffer: little of the answer can wait in the network.
                var client = await RawImapClient.LoginAsync(server.Port, "alice@example.com", server.Users["alice@example.com"], receiveBuffer: 4096);
                clients.Add(client);
                await client.OkAsync("s", "SELECT INBOX");
                client.Recording = false;
                await client.SendAsync("f FETCH 1:* BODY.PEEK[]\r\n");
            }

            long during = await ProcessMemory.SettledAsync(pid, SettleBound);
            long peak = ProcessMemory.Peak(pid);
            output.WriteLine($"before {ProcessMemory.Mb(before)}, during {ProcessMemory.Mb(during)}, peak {ProcessMemory.Mb(peak)}");

            // Each session holds at most its limit and one message it is sending (a chunk of a long
            // answer is a quarter of the limit, made only once the previous one is down to a quarter);
            // twice that for the GC's slack, and 64 MB for what the process grows by anyway (threads,
            // allocator arenas). Before the fix each one held 3 chunks of up to 16 messages: ~11 MB.
            long bound = Sessions * 2 * (StuckReaderServer.MaxUnsentOutput + StuckReaderServer.MessageSize) + 64 * MiB;
            Assert.True(peak - before < bound,
                $"{Sessions} stuck sessions grew the server by {ProcessMemory.Mb(peak - before)} (bound {ProcessMemory.Mb(bound)})");

            // Now read: the sessions that pushed the node-wide total over it said BYE (and closed);
            // every other one gets its whole answer.
            var outcomes = await Task.WhenAll(clients.Select(ReadOutcomeAsync));
            output.WriteLine(string.Join(", ", outcomes));
            Assert.Contains("BYE", outcomes);
            Assert.All(outcomes, o => Assert.True(o is "BYE" or "OK", o));
            Assert.True(outcomes.Count(o => o == "BYE") < Sessions, "every session was closed: " + string.Join(", ", outcomes));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }

        // Gone: what they took does not stay (polled, nothing forced in the server). Before the fix
        // the server kept all of it (1.7 GB after 150 sessions); now what is left is the process's
        // own growth (threads, allocator arenas, the GC's budgets), not the sessions' output.
        long peakGrowth = ProcessMemory.Peak(pid) - before;
        long target = anonymousBefore + Sessions * 2 * (StuckReaderServer.MaxUnsentOutput + StuckReaderServer.MessageSize) + 64 * MiB;
        long after = await ProcessMemory.AnonymousFallsToAsync(pid, target, SettleBound);
        output.WriteLine($"anonymous before {ProcessMemory.Mb(anonymousBefore)}, after {ProcessMemory.Mb(after)} (peak growth while reading {ProcessMemory.Mb(peakGrowth)})");
        output.WriteLine(string.Join("\n", server.Output.Split('\n').Where(l => l.Contains("Memory returned", StringComparison.Ordinal))));
        Assert.True(after <= target, $"after the sessions closed the server stayed at {ProcessMemory.Mb(after)}, {ProcessMemory.Mb(after - anonymousBefore)} above where it started (bound {ProcessMemory.Mb(target - anonymousBefore)})");
    }

    /// <summary>"OK" with every message, or "BYE" (then closed); anything else names what came.</summary>
    private static async Task<string> ReadOutcomeAsync(RawImapClient client)
    {
        int fetched = 0;
        while (await client.ReadResponseAsync() is { } response)
        {
            if (response.StartsWith("* BYE", StringComparison.Ordinal))
            {
                return await client.ReadResponseAsync() is null ? "BYE" : "BYE not followed by close";
            }

            if (response.StartsWith("f ", StringComparison.Ordinal))
            {
                return response.StartsWith("f OK", StringComparison.Ordinal) && fetched == StuckReaderServer.Messages
                    ? "OK"
                    : $"{response} after {fetched} messages";
            }

            if (response.Contains(" FETCH (BODY[] {", StringComparison.Ordinal) && response.Length > StuckReaderServer.MessageSize)
            {
                fetched++;
            }
        }

        return $"closed after {fetched} messages without BYE";
    }
}
