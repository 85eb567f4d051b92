using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using AkkaImap.IntegrationTests.Protocol;
using MimeKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Lmtp;

/// <summary>A server with LMTP and two mailboxes whose quotas the tests set through the CLI while it serves.</summary>
public sealed class QuotaFixture : LmtpServerFixture
{
    public override IReadOnlyDictionary<string, string> Users { get; } = new Dictionary<string, string>
    {
        ["alice@example.com"] = "alice-Secret-1",
        ["bob@example.com"] = "bob-Secret-2",
        ["full@example.com"] = "full-Secret-3",
        ["roomy@example.com"] = "roomy-Secret-4",
    };
}

/// <summary>
/// Quotas (RFC 9208) through the real executable: limits set with <c>akkaimap mailbox set</c>,
/// read with MailKit's GETQUOTAROOT, enforced on APPEND, COPY and LMTP just under and just over.
/// </summary>
public sealed class QuotaTests(QuotaFixture fixture) : IClassFixture<QuotaFixture>
{
    private static MimeMessage Message(string subject, int bodyBytes = 100) => new()
    {
        From = { MailboxAddress.Parse("carol@client.test") },
        To = { MailboxAddress.Parse("full@example.com") },
        Subject = subject,
        Body = new TextPart("plain") { Text = new string('q', bodyBytes) },
    };

    [Fact]
    public async Task Capabilities_name_QUOTA_and_a_mailbox_without_limits_has_no_quota_root()
    {
        using var client = await fixture.ConnectAsync("alice@example.com");

        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Quota));
        var quota = await client.Inbox.GetQuotaAsync();
        Assert.Null(quota.QuotaRoot);
    }

    [Fact]
    public async Task Messages_just_under_the_limit_are_taken_and_the_next_APPEND_COPY_and_LMTP_are_refused_over_quota()
    {
        using var client = await fixture.ConnectAsync("full@example.com");
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        int have = client.Inbox.Count;
        var set = await fixture.CliAsync("", "mailbox", "set", "full@example.com", "--quota-messages", (have + 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal($"mailbox full@example.com: quota storage default, messages {have + 2}\n", set.Stdout);

        // Just under: two more fit.
        await client.Inbox.AppendAsync(Message("quota-1"));
        using (var lmtp = await RawLmtpClient.ConnectAsync(fixture.LmtpPort))
        {
            await lmtp.SendAsync("MAIL FROM:<carol@client.test>\r\nRCPT TO:<full@example.com>\r\nDATA\r\nSubject: quota-2\r\n\r\nfits\r\n.\r\n");
            Assert.Equal("250 2.0.0 <full@example.com> Delivered", (await lmtp.ReadRepliesAsync(4))[^1]);

            // Just over: refused whole, nothing written.
            await lmtp.SendAsync("MAIL FROM:<carol@client.test>\r\nRCPT TO:<full@example.com>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\nSubject: quota-3\r\n\r\nno room\r\n.\r\n");
            var replies = await lmtp.ReadRepliesAsync(6);
            Assert.Equal(["552 5.2.2 <full@example.com> Mailbox over quota", "250 2.0.0 <alice@example.com> Delivered"], replies[^2..]);
        }
        await using (var raw = await RawImapClient.LoginAsync(fixture.Port, "full@example.com", fixture.Users["full@example.com"]))
        {
            var refused = await raw.RunAsync("a1", $"APPEND INBOX {Literal(24)}");
            Assert.StartsWith("a1 NO [OVERQUOTA]", refused[^1], StringComparison.Ordinal);
        }
        await client.Inbox.CheckAsync();
        Assert.Equal(have + 2, client.Inbox.Count);

        var archive = await client.GetFolderAsync("Archive");
        var firstUid = (await client.Inbox.SearchAsync(SearchQuery.All))[0];
        var copy = await Assert.ThrowsAsync<ImapCommandException>(() => client.Inbox.CopyToAsync(firstUid, archive));
        Assert.Contains("quota", copy.Message, StringComparison.OrdinalIgnoreCase);
        await archive.StatusAsync(StatusItems.Count);
        Assert.Equal(0, archive.Count);

        // A MOVE within the mailbox changes nothing of its use: allowed at the limit.
        var moved = await client.Inbox.MoveToAsync((await client.Inbox.SearchAsync(SearchQuery.SubjectContains("quota-1")))[0], archive);
        Assert.NotNull(moved);

        var quota = await client.Inbox.GetQuotaAsync();
        Assert.Equal("", quota.QuotaRoot?.FullName);
        Assert.Equal((uint)(have + 2), quota.MessageLimit);
        Assert.Equal((uint)(have + 2), quota.CurrentMessageCount);
        Assert.Null(quota.StorageLimit);

        // Lifted: the next message is taken again.
        await fixture.CliAsync("", "mailbox", "set", "full@example.com", "--quota-messages", "none");
        await client.Inbox.AppendAsync(Message("quota-5"));
    }

    [Fact]
    public async Task A_storage_limit_takes_a_message_that_fits_exactly_and_refuses_one_byte_more()
    {
        await using var raw = await RawImapClient.LoginAsync(fixture.Port, "roomy@example.com", fixture.Users["roomy@example.com"]);
        await raw.OkAsync("a1", $"APPEND INBOX {Literal(3000)}");
        var status = (await raw.OkAsync("a2", "STATUS INBOX (SIZE)"))[0];
        long used = long.Parse(System.Text.RegularExpressions.Regex.Match(status, @"SIZE (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        // Room for exactly one more message of 3,000 bytes.
        await fixture.CliAsync("", "mailbox", "set", "roomy@example.com", "--quota-storage", (used + 3000).ToString(System.Globalization.CultureInfo.InvariantCulture));

        await raw.OkAsync("a3", $"APPEND INBOX {Literal(3000)}");
        var over = await raw.RunAsync("a4", $"APPEND INBOX {Literal(1)}");
        Assert.StartsWith("a4 NO [OVERQUOTA]", over[^1], StringComparison.Ordinal);

        using var client = await fixture.ConnectAsync("roomy@example.com");
        var quota = await client.Inbox.GetQuotaAsync();
        Assert.Equal((uint)((used + 3000) / 1024), quota.StorageLimit);
        Assert.Equal((uint)((used + 3000 + 1023) / 1024), quota.CurrentStorageSize);
        Assert.Null(quota.MessageLimit);
        var list = await fixture.CliAsync("", "mailbox", "list", "example.com");
        var line = Assert.Single(list.Stdout.Split('\n'), l => l.StartsWith("roomy@example.com", StringComparison.Ordinal));
        Assert.Matches(@"^roomy@example\.com\tstorage \S+/\S+ messages 2/-$", line);
    }

    /// <summary>A non-synchronizing literal (LITERAL+) holding a message of exactly <paramref name="size"/> bytes.</summary>
    private static string Literal(int size)
    {
        const string head = "Subject: sized\r\n\r\n";
        string body = size <= head.Length ? new string('x', size) : head + new string('x', size - head.Length);
        return $"{{{size}+}}\r\n{body}";
    }

    [Fact]
    public async Task A_bad_quota_value_is_refused_with_one_line()
    {
        var result = await Cli.AkkaImapExecutable.RunAsync("mailbox", "set", "alice@example.com", "--quota-storage", "lots", "--config", fixture.ConfigFile);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("--quota-storage: expected a size such as 2G or 500M, none or default, got \"lots\"\n", result.Stderr);
    }
}
