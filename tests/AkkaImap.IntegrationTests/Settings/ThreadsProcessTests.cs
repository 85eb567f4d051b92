using System.Globalization;
using System.Text.RegularExpressions;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Settings;

public sealed class ThreeThreadServer : ServerFixture
{
    protected override string ExtraSettings => "threads = 3";
}

/// <summary>The operator sets the dispatcher's thread count itself, above two per core.</summary>
public sealed class SixDispatcherThreadServer : ServerFixture
{
    protected override string ExtraAkkaSettings => "akka-imap-dispatcher.dedicated-thread-pool.thread-count = 6";
}

/// <summary>
/// MailEnable "Max concurrent connections (threads)", seen from outside: the running executable's
/// IMAP threads, <c>imap-1</c> to <c>imap-N</c>, as an operator counts them in
/// <c>/proc/PID/task/*/comm</c> or <c>top -H</c> (Linux keeps 15 characters of a thread name), and
/// the start-up line that names N. Which actors run on them is shown in-process by
/// AkkaImap.Server.Tests/Threads.
/// </summary>
public sealed class ThreadsProcessTests(ThreeThreadServer server) : IClassFixture<ThreeThreadServer>
{
    [Fact]
    public async Task The_server_runs_exactly_three_imap_threads_while_serving_clients()
    {
        // The two-per-core cap is above three on any machine of two cores or more.
        Assert.True(Environment.ProcessorCount >= 2, "this test needs two cores");
        await ImapThreads.AssertWhileServingAsync(server, 3);
    }
}

/// <summary>
/// <c>threads</c> left at its default, 32: the dispatcher runs two threads per core (at least two),
/// since nothing on them blocks, while the worker pool keeps its 32 workers.
/// </summary>
public sealed class DefaultThreadsProcessTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_default_runs_two_imap_threads_per_core()
    {
        var expected = Math.Min(32, Math.Max(2, 2 * Environment.ProcessorCount));
        await ImapThreads.AssertWhileServingAsync(server, expected);
    }
}

public sealed class DispatcherThreadCountProcessTests(SixDispatcherThreadServer server) : IClassFixture<SixDispatcherThreadServer>
{
    [Fact]
    public async Task An_operators_dispatcher_thread_count_is_run_as_given()
    {
        await ImapThreads.AssertWhileServingAsync(server, 6);
    }
}

internal static partial class ImapThreads
{
    /// <summary>With several sessions at once, so the dispatcher is busy while its threads are counted.</summary>
    public static async Task AssertWhileServingAsync(ServerFixture server, int expected)
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => server.ConnectAsync()));
        try
        {
            await Task.WhenAll(clients.Select(c => c.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly)));

            var names = ThreadNames(server.ProcessId);

            var imap = names.Where(n => ImapThread().IsMatch(n)).Order(StringComparer.Ordinal).ToList();
            var wanted = Enumerable.Range(1, expected).Select(i => "imap-" + i.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal);
            Assert.True(imap.SequenceEqual(wanted), $"expected imap-1 to imap-{expected}; threads: " + string.Join(", ", names));
            Assert.Contains($"{expected} IMAP threads", server.Output);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisconnectAsync(quit: true);
                client.Dispose();
            }
        }
    }

    [GeneratedRegex("^imap-[0-9]+$")]
    private static partial Regex ImapThread();

    private static List<string> ThreadNames(int pid) =>
        Directory.EnumerateDirectories($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task")
            .Select(task =>
            {
                try
                {
                    return File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
                }
                catch (IOException)
                {
                    return string.Empty; // a thread that ended while we looked
                }
            })
            .ToList();
}
