using System.Text;
using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.IntegrationTests.Protocol;
using MailKit;
using MimeKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Clients;

/// <summary>
/// UTF8=ACCEPT (RFC 6855) against the real executable: a rev1 session that enables it names
/// mailboxes and searches in UTF-8 (no modified UTF-7), APPENDs with the UTF8 data item, and may no
/// longer give SEARCH a CHARSET; a session that did not enable it still sees modified UTF-7.
/// </summary>
public sealed class Utf8AcceptTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_session_that_enables_utf8_accept_speaks_utf8_and_others_still_see_modified_utf7()
    {
        await using var client = await RawImapClient.LoginAsync(server.Port, "alice@example.com", server.Users["alice@example.com"]);
        Assert.Contains(" UTF8=ACCEPT", string.Join("\n", await client.OkAsync("c", "CAPABILITY")));

        var suffix = Guid.NewGuid().ToString("N")[..6];
        var name = "Grüße-" + suffix;
        var message = Encoding.UTF8.GetBytes("From: Jürgen <j@example.com>\r\nTo: alice@example.com\r\nSubject: Größe ändern\r\n\r\nHallo, schöne Grüße\r\n");

        // RFC 6855 §4: the UTF8 item is refused until UTF8=ACCEPT is enabled.
        await client.SendAsync(Utf8($"a APPEND INBOX UTF8 (~{{{message.Length}+}}\r\n"));
        await client.SendAsync([.. message, .. ")\r\n"u8.ToArray()]);
        Assert.StartsWith("a BAD", (await client.ReadUntilTaggedAsync("a"))[^1]);

        Assert.Equal(["* ENABLED UTF8=ACCEPT", "b OK ENABLE completed"], await client.RunAsync("b", "ENABLE UTF8=ACCEPT"));

        await client.SendAsync(Utf8($"d CREATE \"{name}\"\r\n"));
        Assert.StartsWith("d OK", (await client.ReadUntilTaggedAsync("d"))[^1]);
        await client.SendAsync(Utf8($"e LIST \"\" \"Grüße-{suffix}\"\r\n"));
        var listed = await client.ReadUntilTaggedAsync("e");
        Assert.Equal(Wire($"* LIST (\\HasNoChildren) \"/\" \"{name}\""), listed[0]);

        await client.SendAsync(Utf8($"f APPEND \"{name}\" UTF8 (~{{{message.Length}+}}\r\n"));
        await client.SendAsync([.. message, .. ")\r\n"u8.ToArray()]);
        Assert.StartsWith("f OK", (await client.ReadUntilTaggedAsync("f"))[^1]);

        await client.SendAsync(Utf8($"g SELECT \"{name}\"\r\n"));
        Assert.StartsWith("g OK", (await client.ReadUntilTaggedAsync("g"))[^1]);
        // Search strings are UTF-8 without a CHARSET; naming one is BAD (RFC 6855 §3).
        await client.SendAsync(Utf8("h SEARCH SUBJECT \"größe\" BODY \"schöne\"\r\n"));
        Assert.Equal(["* SEARCH 1", "h OK SEARCH completed"], await client.ReadUntilTaggedAsync("h"));
        var charset = await client.RunAsync("i", "SEARCH CHARSET UTF-8 SUBJECT x");
        Assert.StartsWith("i BAD", charset[^1]);

        // Another session, without UTF8=ACCEPT (rev1), sees the name in modified UTF-7.
        await using var other = await RawImapClient.LoginAsync(server.Port, "alice@example.com", server.Users["alice@example.com"]);
        var otherList = await other.OkAsync("a", $"LIST \"\" \"Gr*{suffix}\"");
        Assert.Equal($"* LIST (\\HasNoChildren) \"/\" Gr&APwA3w-e-{suffix}", otherList[0]);
        await client.OkAsync("z", "LOGOUT");
    }

    [Fact]
    public async Task MailKit_enables_utf8_and_round_trips_a_unicode_folder_name()
    {
        using var client = await server.ConnectAsync("bob@example.com");
        Assert.True(client.Capabilities.HasFlag(MailKit.Net.Imap.ImapCapabilities.UTF8Accept));
        await client.EnableUTF8Async();
        var name = "Čeština-" + Guid.NewGuid().ToString("N")[..6];
        var folder = await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync(name, true)
            ?? throw new InvalidOperationException("CREATE gave no folder");
        await folder.AppendAsync(new MimeMessage([new MailboxAddress("Jürgen", "j@example.com")], [new MailboxAddress("Bob", "bob@example.com")], "Größe", new TextPart("plain") { Text = "schöne Grüße" }));

        var listed = (await client.GetFolder(client.PersonalNamespaces[0]).GetSubfoldersAsync(false)).Select(f => f.FullName).ToList();
        Assert.Contains(name, listed);
        await folder.OpenAsync(FolderAccess.ReadOnly);
        var summary = Assert.Single(await folder.FetchAsync(0, -1, MessageSummaryItems.Envelope));
        Assert.Equal("Größe", summary.Envelope!.Subject);
        Assert.Equal("Jürgen", summary.Envelope.From.Mailboxes.Single().Name);
        await client.DisconnectAsync(true);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>UTF-8 text as the raw client shows received bytes (one char per byte).</summary>
    private static string Wire(string text) => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(text));
}
