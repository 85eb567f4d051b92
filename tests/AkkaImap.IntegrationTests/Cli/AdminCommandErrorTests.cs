using System.Text;
using AkkaImap.Storage;
using AkkaImap.Storage.Sqlite;
using Xunit;
using static AkkaImap.IntegrationTests.Cli.CliAssert;

namespace AkkaImap.IntegrationTests.Cli;

/// <summary>Refused admin commands: each says in one line what to fix (a class of its own so it runs beside the round trip).</summary>
public sealed class AdminCommandErrorTests(CliFolder folder) : IClassFixture<CliFolder>
{
    private Task<CliResult> Run(params string[] args) => RunWithInput(string.Empty, args);

    private Task<CliResult> RunWithInput(string stdin, params string[] args) =>
        AkkaImapExecutable.RunWithInputAsync(stdin, [.. args, "--config", folder.ConfigFile]);

    [Fact]
    public async Task An_unknown_post_office_is_one_line()
    {
        const string Expected = "no post office named nowhere.test; see akkaimap postoffice list, or create it with akkaimap postoffice add nowhere.test";

        Refused(await RunWithInput("secret\n", "mailbox", "add", "carol@nowhere.test", "--password-stdin"), Expected);
        Refused(await Run("mailbox", "list", "nowhere.test"), Expected);
        Refused(await Run("mailbox", "unlock", "carol@nowhere.test"), Expected);
        Refused(await Run("postoffice", "set", "nowhere.test", "--public-folders", "on"), Expected);
    }

    [Fact]
    public async Task Mailbox_add_takes_the_password_only_from_stdin()
    {
        Succeeded(await Run("postoffice", "add", "stdin.test"), "added post office stdin.test (public folders off)\n");

        var withoutFlag = await RunWithInput("secret\n", "mailbox", "add", "dave@stdin.test");
        var emptyStdin = await RunWithInput(string.Empty, "mailbox", "add", "dave@stdin.test", "--password-stdin");
        var listed = await Run("mailbox", "list", "stdin.test");

        Assert.Equal(2, withoutFlag.ExitCode);
        Assert.StartsWith("pass --password-stdin and write the password to standard input", withoutFlag.Stderr);
        Refused(emptyStdin, "no password on standard input; the password must not be empty");
        Succeeded(listed, string.Empty);
    }

    [Fact]
    public async Task Removing_a_mailbox_that_holds_mail_needs_force()
    {
        Succeeded(await Run("postoffice", "add", "force.test"), "added post office force.test (public folders off)\n");
        Succeeded(await RunWithInput("secret\n", "mailbox", "add", "keep@force.test", "--password-stdin"), "added mailbox keep@force.test\n");
        Succeeded(await RunWithInput("secret\n", "mailbox", "add", "empty@force.test", "--password-stdin"), "added mailbox empty@force.test\n");
        await using (var store = await SqliteStore.OpenAsync(folder.DataPath))
        {
            var inbox = await store.GetFolderAsync((await store.FindAccountAsync("keep@force.test"))!.Owner, "INBOX");
            await store.AppendAsync(inbox!.Id, [new AppendRequest(Encoding.ASCII.GetBytes("Subject: keep me\r\n\r\nStill needed.\r\n"))]);
        }

        Refused(await Run("mailbox", "remove", "keep@force.test"), "mailbox keep@force.test holds mail; pass --force to remove it with all its mail");
        Succeeded(await Run("mailbox", "remove", "empty@force.test"), "removed mailbox empty@force.test\n");
        Succeeded(await Run("mailbox", "list", "force.test"), "keep@force.test\n");
        Succeeded(await Run("mailbox", "remove", "keep@force.test", "--force"), "removed mailbox keep@force.test\n");
        Succeeded(await Run("mailbox", "list", "force.test"), string.Empty);
    }

    [Fact]
    public async Task Removing_a_post_office_with_public_folders_needs_force()
    {
        Succeeded(await Run("postoffice", "add", "public.test", "--public-folders"), "added post office public.test (public folders on)\n");
        Succeeded(await Run("publicfolder", "add", "public.test", "News"), "added public folder News to public.test (read-only off)\n");

        Refused(await Run("postoffice", "remove", "public.test"), "post office public.test still has public folders; remove them first, or pass --force to remove them with all their mail");
        Assert.Contains("public.test\tpublic-folders=on", (await Run("postoffice", "list")).StdoutLines);
        Succeeded(await Run("postoffice", "remove", "public.test", "--force"), "removed post office public.test\n");
        Assert.DoesNotContain("public.test\tpublic-folders=on", (await Run("postoffice", "list")).StdoutLines);
    }

    [Fact]
    public async Task Import_reports_every_bad_line_in_one_run()
    {
        Succeeded(await Run("postoffice", "add", "every.test"), "added post office every.test (public folders off)\n");
        Succeeded(await RunWithInput("secret\n", "mailbox", "add", "old@every.test", "--password-stdin"), "added mailbox old@every.test\n");
        var file = folder.Write("five-bad.txt", "new@every.test fine\nold@every.test taken\nnopassword@every.test\nbroken-login secret\nx@nowhere.test secret\nnew@every.test twice\n");

        var result = await Run("mailbox", "import", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Equal(
            [
                $"{file} line 2: mailbox old@every.test already exists; remove the line (akkaimap mailbox passwd changes a password)",
                $"{file} line 3: no password; write each line as USER@PO PASSWORD",
                $"{file} line 4: \"broken-login\" is not a mailbox; write it as user@postoffice, e.g. alice@example.com",
                $"{file} line 5: no post office named nowhere.test; see akkaimap postoffice list, or create it with akkaimap postoffice add nowhere.test",
                $"{file} line 6: new@every.test is listed twice",
                $"{file}: 5 bad lines, nothing added; fix them and run the import again",
            ],
            result.StderrLines);
        Succeeded(await Run("mailbox", "list", "every.test"), "old@every.test\n");
    }

    [Fact]
    public async Task A_login_without_a_post_office_is_refused()
    {
        var result = await RunWithInput("secret\n", "mailbox", "add", "dave", "--password-stdin");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("\"dave\" is not a mailbox; write it as user@postoffice, e.g. alice@example.com\n", result.Stderr);
    }
}
