using System.Runtime.Versioning;
using System.Text;
using AkkaImap.IntegrationTests.Infrastructure;
using MailKit;
using MimeKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Cli;

/// <summary>A server and its admin commands started under the usual umask 022.</summary>
public sealed class Umask022Server : ServerFixture
{
    protected override string? Umask => "022";
}

/// <summary>
/// SPEC.md, Files: the data folder is 0700 and its files 0600 whatever the umask; with 022 a store
/// used to be world-readable (folder 755, akkaimap.db 644).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class DataFolderModeTests(Umask022Server server) : IClassFixture<Umask022Server>
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateFolder = Private | UnixFileMode.UserExecute;

    [Fact]
    public async Task Everything_serve_and_the_admin_commands_create_is_private()
    {
        using (var client = await server.ConnectAsync())
        {
            MimeMessage message = new(
                [new MailboxAddress("Alice", "alice@example.com")], [new MailboxAddress("Bob", "bob@example.com")], "Private",
                new TextPart("plain") { Text = "Only for the service user's eyes." });
            await client.Inbox.AppendAsync(message);
            await client.DisconnectAsync(quit: true);
        }

        var entries = ModesUnder(server.DataPath);

        Assert.Contains("serve.lock", entries.Keys);
        Assert.Contains("akkaimap.db-wal", entries.Keys);
        Assert.Contains(Path.Combine("tls", "selfsigned.pfx"), entries.Keys);
        Assert.Equal(PrivateFolder, File.GetUnixFileMode(server.DataPath));
        Assert.All(entries, e => Assert.True(e.Value == Expected(e.Key), $"{e.Key} is {e.Value}"));
    }

    [Fact]
    public async Task An_existing_world_readable_store_is_tightened()
    {
        var folder = Directory.CreateTempSubdirectory("akkaimap-modes-").FullName;
        try
        {
            var data = Path.Combine(folder, "data");
            Directory.CreateDirectory(data);
            File.SetUnixFileMode(data, (UnixFileMode)0x1ED); // 0755
            File.WriteAllText(Path.Combine(data, "notes.txt"), "left by hand", Encoding.ASCII);
            File.SetUnixFileMode(Path.Combine(data, "notes.txt"), (UnixFileMode)0x1A4); // 0644
            var config = Path.Combine(folder, "akkaimap.conf");
            File.WriteAllText(config, "akka-imap.storage.path = data\n");

            var result = await AkkaImapExecutable.RunWithUmaskAsync(string.Empty, "022", "postoffice", "add", "modes.test", "--config", config);

            CliAssert.Succeeded(result, "added post office modes.test (public folders off)\n");
            Assert.Equal(PrivateFolder, File.GetUnixFileMode(data));
            var entries = ModesUnder(data);
            Assert.Contains("akkaimap.db", entries.Keys);
            Assert.All(entries, e => Assert.True(e.Value == Expected(Path.Combine(data, e.Key)), $"{e.Key} is {e.Value}"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Folders inside (tls, the change signal's watch folder) are 0700 too, files 0600.</summary>
    private UnixFileMode Expected(string entry) =>
        Directory.Exists(Path.IsPathRooted(entry) ? entry : Path.Combine(server.DataPath, entry)) ? PrivateFolder : Private;

    private static Dictionary<string, UnixFileMode> ModesUnder(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(p => Path.GetRelativePath(folder, p), p => File.GetUnixFileMode(p));
}
