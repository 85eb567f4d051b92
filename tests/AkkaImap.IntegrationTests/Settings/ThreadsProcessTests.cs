using System.Globalization;
using System.Text.RegularExpressions;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Settings;

public sealed class ThreeThreadServer : ServerFixture
{
    protected override string ExtraSettings => "threads = 3";
}

/// <summary>
/// MailEnable "Max concurrent connections (threads)" as <c>threads = 3</c>, seen from outside: the
/// running executable has exactly three IMAP threads, <c>imap-1</c> to <c>imap-3</c>, as an
/// operator counts them in <c>/proc/PID/task/*/comm</c> or <c>top -H</c> (Linux keeps 15
/// characters of a thread name). Which actors run on them is shown in-process by
/// AkkaImap.Server.Tests/Threads.
/// </summary>
public sealed partial class ThreadsProcessTests(ThreeThreadServer server) : IClassFixture<ThreeThreadServer>
{
    [Fact]
    public async Task The_server_runs_exactly_three_imap_threads_while_serving_clients()
    {
        // Several sessions at once, so the dispatcher is busy while its threads are counted.
        var clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => server.ConnectAsync()));
        try
        {
            await Task.WhenAll(clients.Select(c => c.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly)));

            var names = ThreadNames(server.ProcessId);

            var imap = names.Where(n => ImapThread().IsMatch(n)).Order(StringComparer.Ordinal).ToList();
            Assert.True(imap.SequenceEqual(["imap-1", "imap-2", "imap-3"]), "IMAP threads: " + string.Join(", ", names));
            Assert.Contains("3 IMAP threads", server.Output);
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
