using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.IntegrationTests.Protocol;
using MailKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Lifecycle;

/// <summary>
/// A client that asks for a large message's body and stops reading after the first line: the
/// server has the whole answer queued (one message is one piece of output) and cannot hand it over.
/// </summary>
internal static class StalledFetch
{
    /// <summary>The large message's body: far more than the kernel and the server buffer for a client that does not read.</summary>
    public const int LargeBodySize = 24 * 1024 * 1024;

    /// <summary>Appends the large message to alice's INBOX.</summary>
    public static async Task AppendLargeMessageAsync(ServerFixture server)
    {
        using var writer = await server.ConnectAsync();
        var body = new StringBuilder(LargeBodySize);
        while (body.Length < LargeBodySize)
        {
            body.Append("A line of a large message that a slow client reads late.\r\n");
        }

        var raw = "From: sender@example.com\r\nTo: alice@example.com\r\nSubject: large\r\n\r\n" + body;
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes(raw));
        await writer.Inbox.AppendAsync(await MimeKit.MimeMessage.LoadAsync(stream));
        await writer.DisconnectAsync(true);
    }

    /// <summary>
    /// A client (with a small fixed receive buffer) that asks for the newest message's body and reads
    /// only the first line of the answer, which announces the literal's size.
    /// </summary>
    public static async Task<(RawImapClient Client, int LiteralSize)> StartAsync(ServerFixture server)
    {
        var client = await RawImapClient.LoginAsync(server.Port, "alice@example.com", server.Users["alice@example.com"], receiveBuffer: 16 * 1024);
        client.Recording = false;
        await client.OkAsync("s", "SELECT INBOX");
        await client.SendAsync("f FETCH * BODY[TEXT]\r\n");
        var first = await client.ReadLineOnlyAsync() ?? throw new IOException("closed before the FETCH answer");
        var size = Regex.Match(first, @"\{(\d+)\}$");
        Assert.True(size.Success, first);
        return (client, int.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture));
    }
}
