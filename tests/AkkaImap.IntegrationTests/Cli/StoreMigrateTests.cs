using Microsoft.Data.Sqlite;
using Xunit;

namespace AkkaImap.IntegrationTests.Cli;

/// <summary>
/// <c>akkaimap store migrate</c> on the embedded store, and the refusal of a store that a newer
/// AkkaImap wrote: one line and exit 1, from serve as from any admin command. (The PostgreSQL
/// store's are in PostgresServeTests.)
/// </summary>
public sealed class StoreMigrateTests : IDisposable
{
    private readonly CliFolder _folder = new();

    [Fact]
    public async Task Migrate_creates_the_store_then_finds_nothing_to_do()
    {
        var created = await AkkaImapExecutable.RunAsync("store", "migrate", "--config", _folder.ConfigFile);
        var again = await AkkaImapExecutable.RunAsync("store", "migrate", "--config", _folder.ConfigFile);

        Assert.Equal((0, "store created at schema version 14"), (created.ExitCode, created.Stdout.Trim()));
        Assert.Equal((0, "store schema is at version 14: nothing to migrate"), (again.ExitCode, again.Stdout.Trim()));
    }

    [Fact]
    public async Task A_store_written_by_a_newer_AkkaImap_stops_serve_and_admin_commands_with_one_line()
    {
        Assert.Equal(0, (await AkkaImapExecutable.RunAsync("store", "migrate", "--config", _folder.ConfigFile)).ExitCode);
        using (var raw = new SqliteConnection($"Data Source={Path.Combine(_folder.DataPath, "akkaimap.db")};Pooling=False"))
        {
            raw.Open();
            using var bump = raw.CreateCommand();
            bump.CommandText = "PRAGMA user_version = 15";
            bump.ExecuteNonQuery();
        }
        var expected = $"the store in {_folder.DataPath} (akka-imap.storage.path) has schema version 15, newer than this AkkaImap knows (14): run a newer AkkaImap";

        var serve = await AkkaImapExecutable.RunAsync("serve", "--config", _folder.ConfigFile);
        var list = await AkkaImapExecutable.RunAsync("postoffice", "list", "--config", _folder.ConfigFile);
        var migrate = await AkkaImapExecutable.RunAsync("store", "migrate", "--config", _folder.ConfigFile);

        foreach (var run in new[] { serve, list, migrate })
        {
            Assert.Equal(1, run.ExitCode);
            Assert.Equal([expected], run.StderrLines);
        }
    }

    public void Dispose() => _folder.Dispose();
}
