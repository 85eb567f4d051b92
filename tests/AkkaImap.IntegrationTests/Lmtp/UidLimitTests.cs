using AkkaImap.IntegrationTests.Protocol;
using MailKit;
using Microsoft.Data.Sqlite;
using MimeKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Lmtp;

public sealed class UidLimitFixture : LmtpServerFixture
{
    public override IReadOnlyDictionary<string, string> Users { get; } = new Dictionary<string, string>
    {
        ["old@example.com"] = "old-Secret-1",
    };
}

/// <summary>
/// UIDs and UIDNEXT are 32-bit numbers (RFC 9051 §2.3.1.1): a folder that has given out UID
/// 4294967294 takes no more messages. APPEND is refused with NO [LIMIT], LMTP delivery with a
/// temporary failure (the MTA keeps the message), and nothing is written.
/// </summary>
public sealed class UidLimitTests(UidLimitFixture fixture) : IClassFixture<UidLimitFixture>
{
    [Fact]
    public async Task A_folder_out_of_UIDs_refuses_APPEND_with_LIMIT_and_LMTP_for_later()
    {
        // As a long-lived folder would be, set before the mailbox's owner first reads it.
        using (var raw = new SqliteConnection($"Data Source={Path.Combine(fixture.DataPath, "akkaimap.db")};Pooling=False"))
        {
            raw.Open();
            using var set = raw.CreateCommand();
            set.CommandText = """
                UPDATE folders SET uidnext = 4294967294
                WHERE name = 'INBOX' AND owner_kind = 0 AND owner_id = (SELECT id FROM accounts WHERE login = 'old@example.com')
                """;
            Assert.Equal(1, set.ExecuteNonQuery());
        }

        using var client = await fixture.ConnectAsync("old@example.com");
        var last = await client.Inbox.AppendAsync(new MimeMessage(
            [MailboxAddress.Parse("carol@client.test")], [MailboxAddress.Parse("old@example.com")], "the last", new TextPart("plain") { Text = "fits" }));
        Assert.Equal(4294967294u, last!.Value.Id);

        await using (var imap = await RawImapClient.LoginAsync(fixture.Port, "old@example.com", fixture.Users["old@example.com"]))
        {
            var refused = await imap.RunAsync("a1", "APPEND INBOX {24+}\r\nSubject: more\r\n\r\nnothing");
            Assert.Equal("a1 NO [LIMIT] This folder has given out its last UID (RFC 9051 allows UIDs up to 4294967295); move its messages into a new folder", refused[^1]);
        }
        using (var lmtp = await RawLmtpClient.ConnectAsync(fixture.LmtpPort))
        {
            await lmtp.SendAsync("MAIL FROM:<carol@client.test>\r\nRCPT TO:<old@example.com>\r\nDATA\r\nSubject: delivered\r\n\r\nlater\r\n.\r\n");
            Assert.Equal("451 4.3.0 <old@example.com> Temporary failure, try again later", (await lmtp.ReadRepliesAsync(4))[^1]);
        }

        await client.Inbox.StatusAsync(StatusItems.Count | StatusItems.UidNext);
        Assert.Equal(1, client.Inbox.Count);
        Assert.Equal(uint.MaxValue, client.Inbox.UidNext!.Value.Id);
    }
}
