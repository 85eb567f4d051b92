using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;
using static AkkaImap.IntegrationTests.Cli.CliAssert;

namespace AkkaImap.IntegrationTests.Cli;

/// <summary>
/// SPEC.md, Operator interface: a second <c>serve</c> on the same embedded data folder refuses to
/// start and names the first; admin commands work beside it; a killed server leaves no stale lock.
/// </summary>
public sealed class ServeLockTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_second_serve_on_the_same_data_folder_names_the_first_and_exits_1()
    {
        var second = await AkkaImapExecutable.RunAsync("serve", "--config", server.ConfigFile);

        // The one line on stderr and exit 1; stdout holds only the log's start line (LogLineTests).
        Assert.Equal(1, second.ExitCode);
        Assert.Equal([$"akka-imap.storage.path {server.DataPath} is in use by another akkaimap serve (pid {server.ProcessId}): stop it first, or point storage.path elsewhere"], second.StderrLines);
        Assert.DoesNotContain(second.StdoutLines, l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal));
        Succeeded(await server.CliAsync(string.Empty, "mailbox", "list", ServerFixture.PostOffice), "alice@example.com\nbob@example.com\n");
        using var client = await server.ConnectAsync();
        Assert.True(client.IsAuthenticated);
    }

    [Fact]
    public async Task After_kill_9_a_new_serve_starts_on_the_same_data_folder()
    {
        var killed = server.ProcessId;

        await server.KillAsync();
        await server.StartAsync();

        Assert.NotEqual(killed, server.ProcessId);
        using var client = await server.ConnectAsync();
        Assert.True(client.IsAuthenticated);
    }
}
