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
}
