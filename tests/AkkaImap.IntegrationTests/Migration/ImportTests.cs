using System.Text;
using AkkaImap.IntegrationTests.Cli;
using MailKit;
using MailKit.Net.Imap;
using Xunit;

namespace AkkaImap.IntegrationTests.Migration;

/// <summary>
/// <c>akkaimap import</c> through the real executable into a running server's store: a Maildir++
/// tree, an mbox and a tree of RFC 822 files land with the counts, flags, keywords and internal
/// dates that MailKit then reads; a second run adds nothing; bad files are named by path at the
/// end with exit code 1 while the rest is imported; an idling client hears imported mail.
/// </summary>
public sealed class ImportTests(MigrationServer server) : IClassFixture<MigrationServer>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private Task<CliResult> Import(string login, params string[] source) =>
        AkkaImapExecutable.RunAsync(["import", login, .. source, "--config", server.ConfigFile]);

    [Fact]
    public async Task A_maildir_tree_lands_with_its_folders_flags_keywords_and_dates_and_a_second_run_adds_nothing()
    {
        var root = server.Scratch("maildir-mia");
        var (expected, bad) = MailTrees.WriteMaildir(root);

        var first = await Import("mia@example.com", "--maildir", root);
        Assert.True(first.ExitCode == 1, first.ToString());
        Assert.Contains("imported 7 messages into mia@example.com (0 already there, 1 bad)", first.Stdout);
        Assert.Contains(first.StderrLines, line => line.StartsWith(bad + ": ", StringComparison.Ordinal));
        await AssertLanded("mia@example.com", expected);

        // The files as stored are the files as found, with CRLF line ends.
        using (var client = await server.ConnectAsync("mia@example.com"))
        {
            var inbox = client.Inbox;
            await inbox.OpenAsync(FolderAccess.ReadOnly);
            var uid = (await inbox.SearchAsync(MailKit.Search.SearchQuery.SubjectContains("Read one"))).Single();
            using var stream = await inbox.GetStreamAsync(uid, string.Empty);
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes);
            Assert.Equal(MailTrees.Message("Read one", "Body of Read one.\nSecond line.\n").ReplaceLineEndings("\r\n"), Encoding.UTF8.GetString(bytes.ToArray()));
            Assert.Contains(await client.GetFoldersAsync(client.PersonalNamespaces[0]), f => f.FullName == "Lists");
            await client.DisconnectAsync(true);
        }

        var second = await Import("mia@example.com", "--maildir", root);
        Assert.Contains("imported 0 messages into mia@example.com (7 already there, 1 bad)", second.Stdout);
        Assert.Equal(1, second.ExitCode);
        await AssertLanded("mia@example.com", expected);
    }

    [Fact]
    public async Task An_mbox_lands_with_its_status_flags_and_from_line_dates_without_its_bookkeeping_headers()
    {
        var file = server.Scratch("mo.mbox");
        var expected = MailTrees.WriteMbox(file, "Archive/2019");

        var first = await Import("mo@example.com", "--mbox", file, "--folder", "Archive/2019");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("imported 3 messages into mo@example.com (0 already there, 0 bad)", first.Stdout);
        await AssertLanded("mo@example.com", expected);

        using (var client = await server.ConnectAsync("mo@example.com"))
        {
            var folder = await client.GetFolderAsync("Archive/2019");
            await folder.OpenAsync(FolderAccess.ReadOnly);
            var uid = (await folder.SearchAsync(MailKit.Search.SearchQuery.SubjectContains("Mbox one"))).Single();
            using var stream = await folder.GetStreamAsync(uid, string.Empty);
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes);
            // mboxrd: one '>' less; Status and X-Status are gone; the separator line is not the message's.
            var body = "First line.\nFrom the start of a line.\n>From deeper.\nFrom inside a paragraph is fine.\n";
            Assert.Equal(MailTrees.Message("Mbox one", body).ReplaceLineEndings("\r\n"), Encoding.UTF8.GetString(bytes.ToArray()));
            await client.DisconnectAsync(true);
        }

        var second = await Import("mo@example.com", "--mbox", file, "--folder", "Archive/2019");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("imported 0 messages into mo@example.com (3 already there, 0 bad)", second.Stdout);
        await AssertLanded("mo@example.com", expected);
    }

    [Fact]
    public async Task A_tree_of_rfc822_files_lands_folder_by_folder_and_a_file_that_is_no_message_is_named()
    {
        var root = server.Scratch("eml-eli");
        var (expected, bad) = MailTrees.WriteEmlTree(root);

        var first = await Import("eli@example.com", "--eml", root);
        Assert.True(first.ExitCode == 1, first.ToString());
        Assert.Contains("imported 4 messages into eli@example.com (0 already there, 1 bad)", first.Stdout);
        Assert.Contains(first.StderrLines, line => line.StartsWith(bad + ": not an RFC 822 message", StringComparison.Ordinal));
        await AssertLanded("eli@example.com", expected);

        var second = await Import("eli@example.com", "--eml", root);
        Assert.Contains("imported 0 messages into eli@example.com (4 already there, 1 bad)", second.Stdout);
        await AssertLanded("eli@example.com", expected);
    }

    [Fact]
    public async Task A_client_idling_on_the_inbox_hears_of_mail_imported_while_it_idles()
    {
        using var watcher = await server.ConnectAsync("ida@example.com");
        var inbox = watcher.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(0, inbox.Count);
        var arrived = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        inbox.CountChanged += (_, _) => { if (inbox.Count == 3) arrived.TrySetResult(inbox.Count); };
        using var done = new CancellationTokenSource();
        var idle = watcher.IdleAsync(done.Token);

        var file = server.Scratch("ida.mbox");
        MailTrees.WriteMbox(file);
        var result = await Import("ida@example.com", "--mbox", file);
        Assert.True(result.ExitCode == 0, result.ToString());

        Assert.Equal(3, await arrived.Task.WaitAsync(Generous));
        done.Cancel();
        await idle;
        await watcher.DisconnectAsync(true);
    }

    [Fact]
    public async Task A_command_line_without_exactly_one_source_is_refused_with_one_line()
    {
        var none = await Import("kim@example.com");
        Assert.Equal(2, none.ExitCode);
        Assert.Equal(["name one source: --maildir DIR, --mbox FILE or --eml DIR"], none.StderrLines);

        var missing = await Import("kim@example.com", "--maildir", server.Scratch("no-such-dir"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Single(missing.StderrLines);

        var empty = Directory.CreateDirectory(server.Scratch("eml-empty")).FullName;
        var nobody = await Import("nobody@example.com", "--eml", empty);
        Assert.Equal(1, nobody.ExitCode);
        Assert.Equal(["no mailbox nobody@example.com; see akkaimap mailbox list example.com"], nobody.StderrLines);
    }

    /// <summary>Each folder holds exactly the expected messages, as MailKit reads them.</summary>
    private async Task AssertLanded(string login, List<MailTrees.Expected> expected)
    {
        using var client = await server.ConnectAsync(login);
        foreach (var group in expected.GroupBy(e => e.Folder))
        {
            IMailFolder folder = group.Key == "INBOX" ? client.Inbox : await client.GetFolderAsync(group.Key);
            await folder.OpenAsync(FolderAccess.ReadOnly);
            var summaries = await folder.FetchAsync(0, -1,
                MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.Flags | MessageSummaryItems.InternalDate);
            Assert.Equal(group.Count(), summaries.Count);
            foreach (var want in group)
            {
                var got = summaries.Single(s => s.Envelope?.Subject == want.Subject);
                Assert.Equal(want.Flags, got.Flags!.Value & ~MessageFlags.Recent);
                Assert.Equal(want.Keywords.Order(StringComparer.Ordinal), got.Keywords.Order(StringComparer.Ordinal));
                Assert.Equal(want.Date, got.InternalDate!.Value);
            }
            await folder.CloseAsync();
        }
        await client.DisconnectAsync(true);
    }
}
