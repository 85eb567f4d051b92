using MailKit;
using MailKit.Net.Imap;
using Xunit;

namespace AkkaImap.IntegrationTests.Lmtp;

/// <summary>
/// Mail through a real Postfix (Debian's package, a private instance) into AkkaImap over LMTP,
/// sent with python3's smtplib and read with MailKit.
/// </summary>
public sealed class PostfixDeliveryTests(PostfixFixture fixture) : IClassFixture<PostfixFixture>
{
    private static string Message(string from, string to, string subject, string body = "Hello over LMTP.") =>
        $"From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@client.test>\r\n\r\n{body}\r\n";

    [Fact]
    public async Task Mail_sent_through_Postfix_lands_in_INBOX_and_an_idling_client_hears_it()
    {
        using var idler = await fixture.ConnectAsync("alice@example.com");
        await idler.Inbox.OpenAsync(FolderAccess.ReadOnly);
        int before = idler.Inbox.Count;
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        idler.Inbox.CountChanged += (_, _) => heard.TrySetResult();
        using var done = new CancellationTokenSource();
        var idle = idler.IdleAsync(done.Token);

        string subject = "postfix-inbox-" + Guid.NewGuid().ToString("N");
        Assert.Equal("{}", await fixture.Postfix.SendAsync("carol@client.test", ["alice@example.com"], Message("carol@client.test", "alice@example.com", subject)));

        await heard.Task.WaitAsync(TimeSpan.FromMinutes(1));
        done.Cancel();
        await idle;
        Assert.True(idler.Inbox.Count > before);
        var message = await idler.Inbox.GetMessageAsync(idler.Inbox.Count - 1);
        Assert.Equal(subject, message.Subject);
        // RFC 5321 §4.4: the final delivery adds the envelope sender and the recipient.
        Assert.Equal("<carol@client.test>", message.Headers["Return-Path"]);
        Assert.Equal("alice@example.com", message.Headers["Delivered-To"]);
        Assert.Equal("Hello over LMTP.", message.TextBody?.Trim());
    }

    [Fact]
    public async Task A_plus_detail_address_lands_in_its_folder_and_an_unknown_detail_in_INBOX()
    {
        using (var client = await fixture.ConnectAsync("bob@example.com"))
        {
            if (!(await client.GetFoldersAsync(client.PersonalNamespaces[0])).Any(f => f.FullName == "lists"))
            {
                await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("lists", true);
            }
        }
        string listed = "postfix-detail-" + Guid.NewGuid().ToString("N");
        string unlisted = "postfix-nodetail-" + Guid.NewGuid().ToString("N");

        await fixture.Postfix.SendAsync("carol@client.test", ["bob+lists@example.com"], Message("carol@client.test", "bob+lists@example.com", listed));
        await fixture.Postfix.SendAsync("carol@client.test", ["bob+nosuchfolder@example.com"], Message("carol@client.test", "bob+nosuchfolder@example.com", unlisted));

        var inList = await fixture.WaitForMessageAsync("bob@example.com", "lists", listed);
        Assert.Equal("bob+lists@example.com", inList.Headers["Delivered-To"]);
        var inInbox = await fixture.WaitForMessageAsync("bob@example.com", "INBOX", unlisted);
        Assert.Equal("bob+nosuchfolder@example.com", inInbox.Headers["Delivered-To"]);
        Assert.Equal(0, await fixture.CountAsync("bob@example.com", "INBOX", listed));
    }

    [Fact]
    public async Task An_unknown_recipient_bounces_to_the_sender_and_the_known_one_still_gets_the_message()
    {
        // Postfix accepts both (it relays for loopback); the LMTP server refuses the unknown one
        // with 550 5.1.1, and Postfix returns a delivery status notification to the sender: bob.
        string subject = "postfix-bounce-" + Guid.NewGuid().ToString("N");
        await fixture.Postfix.SendAsync("bob@example.com", ["ghost@example.com", "alice@example.com"],
            Message("bob@example.com", "ghost@example.com, alice@example.com", subject));

        await fixture.WaitForMessageAsync("alice@example.com", "INBOX", subject);
        var bounce = await fixture.WaitForMessageAsync("bob@example.com", "INBOX", "Undelivered Mail Returned to Sender");
        // The notification's text, its delivery-status part and the returned headers.
        string report = bounce.ToString();
        Assert.Contains("ghost@example.com", report, StringComparison.Ordinal);
        Assert.Contains("5.1.1", report, StringComparison.Ordinal);
        Assert.Equal("<>", bounce.Headers["Return-Path"]);
        Assert.Contains(subject, report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mail_sent_while_the_LMTP_listener_is_down_is_delivered_once_it_is_back()
    {
        string subject = "postfix-retry-" + Guid.NewGuid().ToString("N");
        Assert.Equal(0, await fixture.StopAsync());
        try
        {
            await fixture.Postfix.SendAsync("carol@client.test", ["alice@example.com"], Message("carol@client.test", "alice@example.com", subject));
            // Postfix holds it: nothing listens on the LMTP port.
            Assert.NotEmpty(await fixture.Postfix.QueuedAsync());
        }
        finally
        {
            await fixture.StartAsync();
        }

        await fixture.Postfix.FlushAsync();
        MimeKit.MimeMessage message;
        try
        {
            message = await fixture.WaitForMessageAsync("alice@example.com", "INBOX", subject);
        }
        catch (OperationCanceledException e)
        {
            // What Postfix and the server said, for the one time in many this did not arrive.
            throw new TimeoutException($"not delivered within a minute\nPostfix log:\n{fixture.Postfix.Log}\nserver output:\n{fixture.Output}", e);
        }
        Assert.Equal("alice@example.com", message.Headers["Delivered-To"]);
        Assert.Equal(1, await fixture.CountAsync("alice@example.com", "INBOX", subject));
    }

    [Fact]
    public async Task Mail_for_a_mailbox_over_quota_bounces_with_5_2_2()
    {
        // lmtp.quota-temporary is off: 552 5.2.2, and Postfix returns the message to its sender (alice).
        await fixture.CliAsync("", "mailbox", "set", "full@example.com", "--quota-messages", "0");
        string subject = "postfix-quota-" + Guid.NewGuid().ToString("N");
        await fixture.Postfix.SendAsync("alice@example.com", ["full@example.com"], Message("alice@example.com", "full@example.com", subject));

        var bounce = await fixture.WaitForMessageAsync("alice@example.com", "INBOX", "Undelivered Mail Returned to Sender");
        string report = bounce.ToString();
        Assert.Contains("full@example.com", report, StringComparison.Ordinal);
        Assert.Contains("5.2.2", report, StringComparison.Ordinal);
        Assert.Contains(subject, report, StringComparison.Ordinal);
        Assert.Equal(0, await fixture.CountAsync("full@example.com", "INBOX", subject));
    }
}
