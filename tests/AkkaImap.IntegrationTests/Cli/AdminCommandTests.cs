using AkkaImap.Storage.Sqlite;
using Xunit;
using static AkkaImap.IntegrationTests.Cli.CliAssert;

namespace AkkaImap.IntegrationTests.Cli;

/// <summary>postoffice and mailbox commands on one scratch store, through the real executable.</summary>
public sealed class AdminCommandTests(CliFolder folder) : IClassFixture<CliFolder>
{
    private Task<CliResult> Run(params string[] args) => RunWithInput(string.Empty, args);

    private Task<CliResult> RunWithInput(string stdin, params string[] args) =>
        AkkaImapExecutable.RunWithInputAsync(stdin, [.. args, "--config", folder.ConfigFile]);

    [Fact]
    public async Task Post_offices_and_mailboxes_round_trip()
    {
        Succeeded(await Run("postoffice", "add", "roundtrip.test", "--public-folders"), "added post office roundtrip.test (public folders on)\n");
        Refused(await Run("postoffice", "add", "roundtrip.test"), "post office roundtrip.test already exists");
        Assert.Contains("roundtrip.test\tpublic-folders=on", (await Run("postoffice", "list")).StdoutLines);
        Succeeded(await Run("postoffice", "set", "roundtrip.test", "--public-folders", "off"), "post office roundtrip.test: public folders off\n");
        Assert.Contains("roundtrip.test\tpublic-folders=off", (await Run("postoffice", "list")).StdoutLines);

        Succeeded(await RunWithInput("first-secret\n", "mailbox", "add", "Alice@RoundTrip.test", "--password-stdin"), "added mailbox alice@roundtrip.test\n");
        Succeeded(await RunWithInput("second-secret\n", "mailbox", "add", "bob@roundtrip.test", "--password-stdin"), "added mailbox bob@roundtrip.test\n");
        Refused(await RunWithInput("x\n", "mailbox", "add", "bob@roundtrip.test", "--password-stdin"), "mailbox bob@roundtrip.test already exists; to change its password use akkaimap mailbox passwd");
        Succeeded(await Run("mailbox", "list", "roundtrip.test"), "alice@roundtrip.test\nbob@roundtrip.test\n");

        Succeeded(await RunWithInput("new-secret\n", "mailbox", "passwd", "alice@roundtrip.test", "--password-stdin"), "password of alice@roundtrip.test changed\n");
        Succeeded(await Run("mailbox", "unlock", "alice@roundtrip.test"), "unlocked mailbox alice@roundtrip.test\n");

        Refused(await Run("postoffice", "remove", "roundtrip.test"), "post office roundtrip.test still has mailboxes; remove them first, or pass --force to remove them with all their mail");
        Succeeded(await Run("mailbox", "remove", "bob@roundtrip.test"), "removed mailbox bob@roundtrip.test\n");
        Refused(await Run("mailbox", "remove", "bob@roundtrip.test"), "no mailbox bob@roundtrip.test; see akkaimap mailbox list roundtrip.test");
        Succeeded(await Run("mailbox", "list", "roundtrip.test"), "alice@roundtrip.test\n");
        Succeeded(await Run("postoffice", "remove", "roundtrip.test", "--force"), "removed post office roundtrip.test\n");
        Assert.DoesNotContain("roundtrip.test\tpublic-folders=off", (await Run("postoffice", "list")).StdoutLines);

        // The store is where the config file's relative storage.path points.
        Assert.True(Directory.Exists(folder.DataPath));
    }

    [Fact]
    public async Task Import_adds_every_mailbox_of_a_file_or_none()
    {
        Succeeded(await Run("postoffice", "add", "import.test"), "added post office import.test (public folders off)\n");
        var file = folder.Write("users.txt", "# user@po password\nann@import.test secret-one\n\n  Ben@Import.test\t  two words \r\ncat@import.test third\n");
        Succeeded(await Run("mailbox", "import", file), "added 3 mailboxes\n");
        Succeeded(await Run("mailbox", "list", "import.test"), "ann@import.test\nben@import.test\ncat@import.test\n");

        // A second file with one known mailbox, or an unknown post office, adds nothing at all.
        var again = folder.Write("again.txt", "dan@import.test four\ncat@import.test five\n");
        Refused(await Run("mailbox", "import", again), $"{again} line 2: mailbox cat@import.test already exists; remove the line (akkaimap mailbox passwd changes a password)");
        var elsewhere = folder.Write("elsewhere.txt", "dan@import.test four\neve@nowhere.test six\n");
        Refused(await Run("mailbox", "import", elsewhere), $"{elsewhere} line 2: no post office named nowhere.test; see akkaimap postoffice list, or create it with akkaimap postoffice add nowhere.test");
        var nopassword = folder.Write("nopassword.txt", "dan@import.test\n");
        var refused = await Run("mailbox", "import", nopassword);
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal($"{nopassword} line 1: no password; write each line as USER@PO PASSWORD\n", refused.Stderr);
        Succeeded(await RunWithInput("fay@import.test from-stdin\n", "mailbox", "import", "-"), "added 1 mailbox\n");
        Succeeded(await Run("mailbox", "list", "import.test"), "ann@import.test\nben@import.test\ncat@import.test\nfay@import.test\n");

        // Each password is the rest of its line (leading blanks and the line break dropped).
        await using var store = await SqliteStore.OpenAsync(folder.DataPath);
        Assert.NotNull(await store.VerifyPasswordAsync("ann@import.test", "secret-one"));
        Assert.NotNull(await store.VerifyPasswordAsync("ben@import.test", "two words "));
        Assert.NotNull(await store.VerifyPasswordAsync("fay@import.test", "from-stdin"));
        Assert.Null(await store.VerifyPasswordAsync("cat@import.test", "five"));
    }
}
