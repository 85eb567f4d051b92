using System.Globalization;
using System.Text.RegularExpressions;
using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.IntegrationTests.Protocol;
using MailKit;
using MailKit.Search;
using MimeKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Clients;

/// <summary>
/// OBJECTID (RFC 8474) and SAVEDATE (RFC 8514) against the real executable, over raw sockets and
/// with MailKit: MAILBOXID in CREATE, SELECT/EXAMINE and STATUS (kept across RENAME), EMAILID kept
/// by COPY, SEARCH EMAILID/THREADID, FETCH SAVEDATE and the SAVED* search keys.
/// </summary>
public sealed partial class ObjectIdSaveDateTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Mail = "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: {0}\r\nDate: Mon, 7 Feb 2022 10:00:00 +0000\r\n\r\nBody {0}\r\n";

    [Fact]
    public async Task Mailbox_ids_come_with_create_select_examine_and_status_and_survive_a_rename()
    {
        await using var client = await RawImapClient.LoginAsync(server.Port, "alice@example.com", server.Users["alice@example.com"]);
        var capability = string.Join("\n", await client.OkAsync("c", "CAPABILITY"));
        Assert.Contains(" OBJECTID", capability);
        Assert.Contains(" SAVEDATE", capability);

        var name = "Ids-" + Guid.NewGuid().ToString("N")[..6];
        var created = (await client.OkAsync("a", $"CREATE {name}"))[^1];
        var id = MailboxId().Match(created).Groups[1].Value;
        Assert.Matches("^[A-Za-z0-9_-]{1,255}$", id);

        Assert.Contains($"* OK [MAILBOXID ({id})] Mailbox id", await client.OkAsync("b", $"SELECT {name}"));
        Assert.Contains($"* OK [MAILBOXID ({id})] Mailbox id", await client.OkAsync("d", $"EXAMINE {name}"));
        await client.OkAsync("e", "UNSELECT");
        Assert.Contains($"* STATUS {name} (MESSAGES 0 MAILBOXID ({id}))", await client.OkAsync("f", $"STATUS {name} (MESSAGES MAILBOXID)"));

        // RFC 8474 §4.1: RENAME keeps the id; another mailbox has another.
        await client.OkAsync("g", $"RENAME {name} {name}-new");
        Assert.Contains($"* STATUS {name}-new (MAILBOXID ({id}))", await client.OkAsync("h", $"STATUS {name}-new (MAILBOXID)"));
        var inbox = await client.OkAsync("i", "STATUS INBOX (MAILBOXID)");
        Assert.Matches(@"^\* STATUS INBOX \(MAILBOXID \([A-Za-z0-9_-]+\)\)$", inbox[0]);
        Assert.DoesNotContain(id, inbox[0]);
        await client.OkAsync("z", "LOGOUT");
    }

    [Fact]
    public async Task Email_ids_are_kept_by_copy_and_searched_and_thread_ids_are_nil()
    {
        await using var client = await RawImapClient.LoginAsync(server.Port, "alice@example.com", server.Users["alice@example.com"]);
        var name = "Mail-" + Guid.NewGuid().ToString("N")[..6];
        await client.OkAsync("a", $"CREATE {name}");
        await client.OkAsync("b", $"CREATE {name}-copy");
        await AppendAsync(client, name, "one");
        await AppendAsync(client, name, "two");
        await client.OkAsync("c", $"SELECT {name}");

        var fetched = await client.OkAsync("d", "FETCH 1:2 (EMAILID THREADID)");
        var ids = fetched.Where(l => l.StartsWith('*')).Select(l => EmailId().Match(l).Groups[1].Value).ToList();
        Assert.Equal(2, ids.Count);
        Assert.NotEqual(ids[0], ids[1]);
        Assert.All(fetched.Where(l => l.StartsWith('*')), l => Assert.Contains("THREADID NIL", l));

        Assert.Equal(["* SEARCH 2", "e OK SEARCH completed"], await client.RunAsync("e", $"SEARCH EMAILID {ids[1]}"));
        Assert.Equal(["* SEARCH", "f OK SEARCH completed"], await client.RunAsync("f", "SEARCH THREADID T1"));
        Assert.Equal(["* SEARCH 1", "g OK SEARCH completed"], await client.RunAsync("g", $"SEARCH NOT EMAILID {ids[1]}"));

        // RFC 8474 §5.1: a copy is the same message, with the same EMAILID.
        await client.OkAsync("h", $"COPY 2 {name}-copy");
        await client.OkAsync("i", $"SELECT {name}-copy");
        Assert.Contains($"EMAILID ({ids[1]})", (await client.OkAsync("j", "FETCH 1 EMAILID"))[0]);
        await client.OkAsync("z", "LOGOUT");
    }

    [Fact]
    public async Task Savedate_is_the_time_the_message_was_stored_and_the_saved_keys_search_it()
    {
        await using var client = await RawImapClient.LoginAsync(server.Port, "alice@example.com", server.Users["alice@example.com"]);
        var name = "Saved-" + Guid.NewGuid().ToString("N")[..6];
        await client.OkAsync("a", $"CREATE {name}");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        // The internal date is set far in the past: SAVEDATE must not follow it.
        await client.SendAsync($"b APPEND {name} \"01-Jan-2001 00:00:00 +0000\" {{{string.Format(CultureInfo.InvariantCulture, Mail, "old").Length}+}}\r\n" + string.Format(CultureInfo.InvariantCulture, Mail, "old") + "\r\n");
        Assert.StartsWith("b OK", (await client.ReadUntilTaggedAsync("b"))[^1]);
        var after = DateTimeOffset.UtcNow.AddSeconds(1);
        await client.OkAsync("c", $"SELECT {name}");

        var line = (await client.OkAsync("d", "FETCH 1 (INTERNALDATE SAVEDATE)"))[0];
        var text = SaveDate().Match(line).Groups[1].Value.Trim();
        // date-time zone is +hhmm; .NET reads +hh:mm.
        var saved = DateTimeOffset.ParseExact(text[..^2] + ":" + text[^2..], "d-MMM-yyyy HH:mm:ss zzz", CultureInfo.InvariantCulture);
        Assert.InRange(saved, before, after);
        Assert.Contains("INTERNALDATE \" 1-Jan-2001 00:00:00 +0000\"", line);

        // The SAVED* keys compare the date of SAVEDATE in its own time zone, as SINCE does for the
        // internal date: the message was saved on that day, not in 2001.
        var today = saved.ToString("d-MMM-yyyy", CultureInfo.InvariantCulture);
        Assert.Equal(["* SEARCH 1", "e OK SEARCH completed"], await client.RunAsync("e", $"SEARCH SAVEDON {today}"));
        Assert.Equal(["* SEARCH 1", "f OK SEARCH completed"], await client.RunAsync("f", "SEARCH SAVEDSINCE 1-Jan-2020"));
        Assert.Equal(["* SEARCH", "g OK SEARCH completed"], await client.RunAsync("g", "SEARCH SAVEDBEFORE 1-Jan-2020"));
        Assert.Equal(["* SEARCH", "h OK SEARCH completed"], await client.RunAsync("h", "SEARCH BEFORE 1-Jan-2001 SAVEDSINCE 1-Jan-2020"));
        Assert.Equal(["* SEARCH 1", "i OK SEARCH completed"], await client.RunAsync("i", "SEARCH SAVEDATESUPPORTED"));
        await client.OkAsync("z", "LOGOUT");
    }

    [Fact]
    public async Task MailKit_reads_mailbox_and_email_ids_and_save_dates()
    {
        using var client = await server.ConnectAsync("bob@example.com");
        Assert.True(client.Capabilities.HasFlag(MailKit.Net.Imap.ImapCapabilities.ObjectID));
        Assert.True(client.Capabilities.HasFlag(MailKit.Net.Imap.ImapCapabilities.SaveDate));
        var folder = await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync("Kit-" + Guid.NewGuid().ToString("N")[..6], true)
            ?? throw new InvalidOperationException("CREATE gave no folder");
        await folder.AppendAsync(new MimeMessage([new MailboxAddress("A", "alice@example.com")], [new MailboxAddress("B", "bob@example.com")], "Hi", new TextPart("plain") { Text = "hello" }));

        await folder.OpenAsync(FolderAccess.ReadOnly);
        Assert.False(string.IsNullOrEmpty(folder.Id));
        var summary = Assert.Single(await folder.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.EmailId | MessageSummaryItems.SaveDate | MessageSummaryItems.ThreadId));
        Assert.False(string.IsNullOrEmpty(summary.EmailId));
        Assert.Null(summary.ThreadId);
        Assert.NotNull(summary.SaveDate);
        Assert.InRange(summary.SaveDate!.Value, DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(10));
        Assert.Equal([summary.UniqueId], await folder.SearchAsync(SearchQuery.SavedSince(DateTime.Today.AddDays(-1))));
        Assert.Empty(await folder.SearchAsync(SearchQuery.SavedBefore(DateTime.Today.AddDays(-1))));
        await client.DisconnectAsync(true);
    }

    private static async Task AppendAsync(RawImapClient client, string folder, string subject)
    {
        var mail = string.Format(CultureInfo.InvariantCulture, Mail, subject);
        await client.SendAsync($"p APPEND {folder} {{{mail.Length}+}}\r\n{mail}\r\n");
        Assert.StartsWith("p OK", (await client.ReadUntilTaggedAsync("p"))[^1]);
    }

    [GeneratedRegex(@"\[MAILBOXID \(([^)]+)\)\]")]
    private static partial Regex MailboxId();

    [GeneratedRegex(@"EMAILID \(([^)]+)\)")]
    private static partial Regex EmailId();

    [GeneratedRegex("SAVEDATE \"([^\"]+)\"")]
    private static partial Regex SaveDate();
}
