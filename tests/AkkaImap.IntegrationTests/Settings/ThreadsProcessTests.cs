using System.Globalization;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Settings;

public sealed class ThreeThreadServer : ServerFixture
{
    protected override string ExtraSettings => "threads = 3";
}

/// <summary>
/// MailEnable "Max concurrent connections (threads)" as <c>threads = 3</c>, seen from outside: the
/// running executable has exactly three threads of the <c>akka-imap-dispatcher</c> (its
/// executor names its dedicated threads after the dispatcher). Which actors run on them
/// is shown in-process by AkkaImap.Server.Tests/Threads.
/// </summary>
public sealed class ThreadsProcessTests(ThreeThreadServer server) : IClassFixture<ThreeThreadServer>
{
    // Linux keeps the first 15 bytes of a thread name in /proc/<pid>/task/<tid>/comm.
    private const string ThreadNamePrefix = "akka-imap-dispa";

    [Fact]
    public async Task The_server_runs_exactly_three_imap_dispatcher_threads_while_serving_clients()
    {
        // Several sessions at once, so the dispatcher is busy while its threads are counted.
        var clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => server.ConnectAsync()));
        try
        {
            await Task.WhenAll(clients.Select(c => c.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly)));

            var names = ThreadNames(FindServerPid());

            Assert.Equal(3, names.Count(n => n.StartsWith(ThreadNamePrefix, StringComparison.Ordinal)));
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

    /// <summary>The <c>dotnet …akkaimap.dll serve --config</c> process of this fixture, found by its config file.</summary>
    private int FindServerPid()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (commandLine.Contains("serve") && commandLine.Contains(server.ConfigFile))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
                // A process that ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        throw new InvalidOperationException("no akkaimap serve process for " + server.ConfigFile + " in /proc");
    }

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
