using System.Text;
using MailKit;
using MailKit.Search;
using Xunit;

namespace AkkaImap.IntegrationTests.Lmtp;

/// <summary>LMTP (RFC 2033) edge cases over a raw socket against the real server; what arrived is read back with MailKit.</summary>
public sealed class LmtpEdgeCaseTests(LmtpServerFixture fixture) : IClassFixture<LmtpServerFixture>
{
    private static string Subject(string what) => $"{what}-{Guid.NewGuid():N}";

    [Fact]
    public async Task LHLO_advertises_the_extensions_and_the_literal_cap_as_SIZE()
    {
        using var client = await RawLmtpClient.ConnectAsync(fixture.LmtpPort);
        await client.SendAsync("LHLO again.test\r\n");

        var lines = (await client.ReadRepliesAsync(1))[0].Split('\n');

        Assert.Equal(["250-PIPELINING", "250-ENHANCEDSTATUSCODES", "250-8BITMIME", $"250 SIZE {LmtpServerFixture.MaxMessage}"], lines[1..]);
    }

    [Fact]
    public async Task Pipelined_RCPTs_with_one_bad_recipient_get_a_reply_each_and_one_reply_per_good_one_after_DATA()
    {
        string subject = Subject("pipelined");
        using var client = await RawLmtpClient.ConnectAsync(fixture.LmtpPort);
        // RFC 2920: the whole envelope in one write, DATA last.
        await client.SendAsync("MAIL FROM:<carol@client.test> BODY=8BITMIME\r\nRCPT TO:<alice@example.com>\r\nRCPT TO:<nobody@example.com>\r\n" +
                               "RCPT TO:<bob@example.com>\r\nDATA\r\n");
        Assert.Equal([
            "250 2.1.0 Sender OK",
            "250 2.1.5 <alice@example.com> Recipient OK",
            "550 5.1.1 <nobody@example.com> User unknown",
            "250 2.1.5 <bob@example.com> Recipient OK",
            "354 Start mail input; end with <CRLF>.<CRLF>"], await client.ReadRepliesAsync(5));
        await client.SendAsync($"Subject: {subject}\r\n\r\nto two of three\r\n.\r\nQUIT\r\n");

        Assert.Equal([
            "250 2.0.0 <alice@example.com> Delivered",
            "250 2.0.0 <bob@example.com> Delivered",
            "221 2.0.0 " + System.Net.Dns.GetHostName() + " closing connection"], await client.ReadRepliesAsync(3));
        Assert.True(await client.ClosedByServerAsync());
        Assert.Equal(1, await fixture.CountAsync("alice@example.com", "INBOX", subject));
        Assert.Equal(1, await fixture.CountAsync("bob@example.com", "INBOX", subject));
    }

    [Fact]
    public async Task A_message_over_SIZE_is_refused_declared_at_MAIL_and_undeclared_after_DATA_and_nothing_is_stored()
    {
        string subject = Subject("too-big");
        using var client = await RawLmtpClient.ConnectAsync(fixture.LmtpPort);
        await client.SendAsync($"MAIL FROM:<carol@client.test> SIZE={LmtpServerFixture.MaxMessage + 1}\r\n");
        Assert.Equal([$"552 5.3.4 Message size exceeds fixed maximum message size ({LmtpServerFixture.MaxMessage} bytes)"], await client.ReadRepliesAsync(1));

        await client.SendAsync("MAIL FROM:<carol@client.test>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\n");
        await client.ReadRepliesAsync(3);
        var line = new string('x', 998) + "\r\n";
        await client.SendAsync($"Subject: {subject}\r\n\r\n" + string.Concat(Enumerable.Repeat(line, (int)(LmtpServerFixture.MaxMessage / 1000) + 1)) + ".\r\n");
        Assert.Equal([$"552 5.3.4 Message size exceeds fixed maximum message size ({LmtpServerFixture.MaxMessage} bytes)"], await client.ReadRepliesAsync(1));

        // The connection goes on: a small message after it is delivered.
        string after = Subject("after-too-big");
        await client.SendAsync($"MAIL FROM:<carol@client.test>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\nSubject: {after}\r\n\r\nsmall\r\n.\r\n");
        Assert.Equal("250 2.0.0 <alice@example.com> Delivered", (await client.ReadRepliesAsync(4))[^1]);
        Assert.Equal(0, await fixture.CountAsync("alice@example.com", "INBOX", subject));
    }

    [Fact]
    public async Task A_dot_stuffed_body_and_bare_LF_lines_are_stored_unstuffed_with_CRLF()
    {
        string subject = Subject("dots");
        using var client = await RawLmtpClient.ConnectAsync(fixture.LmtpPort);
        await client.SendAsync("MAIL FROM:<carol@client.test>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\n");
        await client.ReadRepliesAsync(3);
        // "..." is a stuffed "..", ".." a stuffed ".", and "\n.\n" (bare LF) is content, not the end.
        await client.SendAsync($"Subject: {subject}\r\n\r\n...\r\n..\r\n..leading\r\nbare\nlf\n.\nstill here\r\n.\r\n");
        Assert.Equal(["250 2.0.0 <alice@example.com> Delivered"], await client.ReadRepliesAsync(1));

        var body = await RawBodyAsync("alice@example.com", subject);
        Assert.EndsWith($"Subject: {subject}\r\n\r\n..\r\n.\r\n.leading\r\nbare\r\nlf\r\n\r\nstill here\r\n", body);
        Assert.StartsWith("Return-Path: <carol@client.test>\r\nDelivered-To: alice@example.com\r\n", body);
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_DATA_delivers_nothing()
    {
        string subject = Subject("cut");
        using (var client = await RawLmtpClient.ConnectAsync(fixture.LmtpPort))
        {
            await client.SendAsync("MAIL FROM:<carol@client.test>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\n");
            await client.ReadRepliesAsync(3);
            await client.SendAsync($"Subject: {subject}\r\n\r\nhalf a message\r\n");
        }

        // A message sent after the hang-up arrives; the cut one never does.
        string next = Subject("after-cut");
        using (var client = await RawLmtpClient.ConnectAsync(fixture.LmtpPort))
        {
            await client.SendAsync($"MAIL FROM:<carol@client.test>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\nSubject: {next}\r\n\r\nwhole\r\n.\r\n");
            Assert.Equal("250 2.0.0 <alice@example.com> Delivered", (await client.ReadRepliesAsync(4))[^1]);
        }
        Assert.Equal(1, await fixture.CountAsync("alice@example.com", "INBOX", next));
        Assert.Equal(0, await fixture.CountAsync("alice@example.com", "INBOX", subject));
    }

    [Fact]
    public async Task A_message_over_64_KiB_is_staged_and_arrives_whole()
    {
        string subject = Subject("large");
        var text = new StringBuilder();
        for (int i = 0; text.Length < 150_000; i++)
        {
            text.Append(i).Append(' ').Append(new string((char)('a' + i % 26), 70)).Append("\r\n");
        }
        using var client = await RawLmtpClient.ConnectAsync(fixture.LmtpPort);
        await client.SendAsync("MAIL FROM:<carol@client.test>\r\nRCPT TO:<bob@example.com>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\n");
        await client.ReadRepliesAsync(4);
        await client.SendAsync($"Subject: {subject}\r\n\r\n{text}.\r\n");
        Assert.Equal(["250 2.0.0 <bob@example.com> Delivered", "250 2.0.0 <alice@example.com> Delivered"], await client.ReadRepliesAsync(2));

        var body = await RawBodyAsync("bob@example.com", subject);
        Assert.Equal($"Return-Path: <carol@client.test>\r\nDelivered-To: bob@example.com\r\nSubject: {subject}\r\n\r\n{text}", body);
    }

    [Fact]
    public async Task Commands_out_of_order_and_unknown_ones_are_refused_and_the_connection_stays_usable()
    {
        using var client = await RawLmtpClient.ConnectAsync(fixture.LmtpPort);
        await client.SendAsync("RCPT TO:<alice@example.com>\r\nDATA\r\nEHLO x\r\nMAIL FROM:<a@b.test>\r\nDATA\r\nRSET\r\nNOOP\r\n");

        Assert.Equal([
            "503 5.5.1 Need MAIL before RCPT",
            "503 5.5.1 Need MAIL before DATA",
            "500 5.5.1 This is LMTP: use LHLO",
            "250 2.1.0 Sender OK",
            "503 5.5.1 No valid recipients",
            "250 2.0.0 OK",
            "250 2.0.0 OK"], await client.ReadRepliesAsync(7));
    }

    /// <summary>The stored bytes of the message with <paramref name="subject"/> in INBOX (BODY.PEEK[]).</summary>
    private async Task<string> RawBodyAsync(string login, string subject)
    {
        using var imap = await fixture.ConnectAsync(login);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var uid = Assert.Single(await imap.Inbox.SearchAsync(SearchQuery.SubjectContains(subject)));
        using var stream = await imap.Inbox.GetStreamAsync(uid, "");
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return Encoding.UTF8.GetString(memory.ToArray());
    }
}
