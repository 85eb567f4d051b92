using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.IntegrationTests.Protocol;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Xunit;

namespace AkkaImap.IntegrationTests.Clients;

/// <summary>
/// SORT (RFC 5256 §3, RFC 5957) and THREAD=ORDEREDSUBJECT/REFERENCES (RFC 5256 §2) on six fixed
/// messages, against expectations worked out by hand from the RFC's definitions (base subject,
/// sent date, i;ascii-casemap, ties in mailbox order). The messages, by sequence number (= UID):
/// <code>
/// 1 "Lunch plans"                   3 Jan 10:00  Carol &lt;carol@&gt;  id a
/// 2 "Re: Lunch plans"               3 Jan 11:00  Zed &lt;alice@&gt;    id b, replies to a
/// 3 "[list] Re: Fwd: Budget (fwd)"  1 Jan 09:00  Bob &lt;bob@&gt;      id c   (base "Budget", a reply)
/// 4 "Budget"                        2 Jan 08:00  dave@               id d
/// 5 "RE: lunch plans"               4 Jan 12:00  eve@                id e, References a b
/// 6 "Zebra"                         no Date (arrival: now)  Frank &lt;frank@&gt;  id f
/// </code>
/// </summary>
public sealed class SortThreadTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Alice = "alice@example.com";

    [Fact]
    public async Task Sort_orders_by_base_subject_date_and_addresses_with_ties_in_mailbox_order()
    {
        await using var client = await SelectedAsync();
        Assert.Contains(client.Received, l => l.Contains(" SORT SORT=DISPLAY ESORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES", StringComparison.Ordinal));

        Assert.Contains("* SORT 3 4 1 2 5 6", await client.OkAsync("a", "SORT (SUBJECT) UTF-8 ALL"));
        Assert.Contains("* SORT 4 3 5 2 1 6", await client.OkAsync("b", "SORT (SUBJECT REVERSE DATE) UTF-8 ALL"));
        Assert.Contains("* SORT 3 4 1 2 5 6", await client.OkAsync("c", "SORT (DATE) US-ASCII ALL"));
        Assert.Contains("* SORT 6 5 2 1 4 3", await client.OkAsync("d", "SORT (REVERSE DATE) UTF-8 ALL"));
        Assert.Contains("* SORT 2 3 1 4 5 6", await client.OkAsync("e", "SORT (FROM) UTF-8 ALL"));
        Assert.Contains("* SORT 3 1 4 5 6 2", await client.OkAsync("f", "SORT (DISPLAYFROM) UTF-8 ALL"));
        // Sizes (octets as appended): 6 109, 4 139, 1 153, 3 166, 5 194, 2 214. SIZE and ARRIVAL alone read no envelope.
        Assert.Contains("* SORT 6 4 1 3 5 2", await client.OkAsync("i", "SORT (SIZE) UTF-8 ALL"));
        Assert.Contains("* SORT 2 5 3 1 4 6", await client.OkAsync("j", "SORT (REVERSE SIZE ARRIVAL) UTF-8 ALL"));
        // The search keys are SEARCH's: only the lunch messages, the latest to arrive first.
        Assert.Contains("* SORT 5 2 1", await client.OkAsync("g", "SORT (REVERSE ARRIVAL) UTF-8 SUBJECT lunch"));
        Assert.Contains("* SORT 5 2 1", await client.OkAsync("h", "UID SORT (REVERSE ARRIVAL) UTF-8 SUBJECT lunch"));
    }

    [Fact]
    public async Task Esort_answers_esearch_in_sort_order()
    {
        await using var client = await SelectedAsync();

        // RFC 5267 §3.1: by subject the order is 3 4 1 2 5 6; MIN and MAX are its first and last.
        Assert.Contains("* ESEARCH (TAG \"a\") MIN 3 MAX 6 COUNT 6", await client.OkAsync("a", "SORT RETURN (MIN MAX COUNT) (SUBJECT) UTF-8 ALL"));
        // ALL keeps the sort order; only ascending runs become ranges.
        Assert.Contains("* ESEARCH (TAG \"b\") ALL 3:4,1:2,5:6", await client.OkAsync("b", "SORT RETURN (ALL) (SUBJECT) UTF-8 ALL"));
        // An empty RETURN list means ALL (RFC 4731 §3.1).
        Assert.Contains("* ESEARCH (TAG \"c\") ALL 6,5,2,1,4,3", await client.OkAsync("c", "SORT RETURN () (REVERSE DATE) UTF-8 ALL"));
        Assert.Contains("* ESEARCH (TAG \"d\") UID MIN 5 MAX 1", await client.OkAsync("d", "UID SORT RETURN (MIN MAX) (REVERSE ARRIVAL) UTF-8 SUBJECT lunch"));
        // Nothing matched: MIN, MAX and ALL are left out, COUNT is 0.
        var none = await client.OkAsync("e", "UID SORT RETURN (MIN ALL COUNT) (DATE) UTF-8 SUBJECT nowhere");
        Assert.Contains("* ESEARCH (TAG \"e\") UID COUNT 0", none);
        // SAVE alone answers no ESEARCH and keeps the result for $ (RFC 5182).
        var saved = await client.OkAsync("f", "SORT RETURN (SAVE) (SUBJECT) UTF-8 SUBJECT budget");
        Assert.DoesNotContain(saved, l => l.StartsWith("* ESEARCH", StringComparison.Ordinal));
        Assert.Contains("* SEARCH 3 4", await client.OkAsync("g", "UID SEARCH UID $"));
        // PARTIAL and UPDATE belong to CONTEXT=SORT, which is not offered.
        Assert.StartsWith("h BAD ", (await client.RunAsync("h", "SORT RETURN (PARTIAL 1:2) (SUBJECT) UTF-8 ALL"))[^1]);
        Assert.StartsWith("i BAD ", (await client.RunAsync("i", "SORT RETURN (UPDATE) (SUBJECT) UTF-8 ALL"))[^1]);
    }

    [Fact]
    public async Task MailKit_sorts_with_return_options()
    {
        var folder = await FolderAsync();
        using var client = await server.ConnectAsync();
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.ESort));
        var mailbox = await client.GetFolderAsync(folder);
        await mailbox.OpenAsync(FolderAccess.ReadOnly);

        var results = await mailbox.SortAsync(SearchOptions.All | SearchOptions.Count | SearchOptions.Min | SearchOptions.Max,
            SearchQuery.All, [OrderBy.Subject, OrderBy.ReverseDate]);
        Assert.Equal(6, results.Count);
        Assert.Equal(4u, results.Min!.Value.Id);
        Assert.Equal(6u, results.Max!.Value.Id);
        Assert.Equal([4u, 3u, 5u, 2u, 1u, 6u], results.UniqueIds.Select(u => u.Id));
        var lunch = await mailbox.SortAsync(SearchOptions.Count, SearchQuery.SubjectContains("lunch"), [OrderBy.Arrival]);
        Assert.Equal(3, lunch.Count);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Thread_by_ordered_subject_and_by_references()
    {
        await using var client = await SelectedAsync();

        // ORDEREDSUBJECT: one thread per base subject, the first by sent date the parent of the rest.
        Assert.Contains("* THREAD (3 4)(1 (2)(5))(6)", await client.OkAsync("a", "THREAD ORDEREDSUBJECT UTF-8 ALL"));
        // REFERENCES: 1 -> 2 -> 5 by their ids; "Budget" 4 takes the reply 3 by subject.
        Assert.Contains("* THREAD (4 3)(1 2 5)(6)", await client.OkAsync("b", "THREAD REFERENCES UTF-8 ALL"));
        Assert.Contains("* THREAD (4 3)(1 2 5)(6)", await client.OkAsync("c", "UID THREAD REFERENCES UTF-8 ALL"));
        Assert.StartsWith("d BAD ", (await client.RunAsync("d", "THREAD SOMETHING UTF-8 ALL"))[^1]);
    }

    [Fact]
    public async Task MailKit_sorts_and_threads_with_the_server()
    {
        var folder = await FolderAsync();
        using var client = await server.ConnectAsync();
        var mailbox = await client.GetFolderAsync(folder);
        await mailbox.OpenAsync(FolderAccess.ReadOnly);

        var sorted = await mailbox.SortAsync(SearchQuery.All, [OrderBy.Subject, OrderBy.ReverseDate]);
        Assert.Equal([4u, 3u, 5u, 2u, 1u, 6u], sorted.Select(u => u.Id));
        var threads = await mailbox.ThreadAsync(ThreadingAlgorithm.References, SearchQuery.All);
        Assert.Equal([4u, 1u, 6u], threads.Select(t => t.UniqueId!.Value.Id));
        Assert.Equal(3u, Assert.Single(threads[0].Children).UniqueId!.Value.Id);
        await client.DisconnectAsync(true);
    }

    /// <summary>A raw client logged in as alice with a new folder of the six messages selected.</summary>
    private async Task<RawImapClient> SelectedAsync()
    {
        var folder = await FolderAsync();
        var client = await RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice]);
        try
        {
            await client.OkAsync("s", "SELECT " + folder);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        return client;
    }

    private async Task<string> FolderAsync()
    {
        var folder = "T" + Guid.NewGuid().ToString("N")[..8];
        await using var client = await RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice]);
        await client.OkAsync("c", "CREATE " + folder);
        string[] messages =
        [
            Mail("Lunch plans", "Wed, 3 Jan 2024 10:00:00 +0000", "Carol <carol@example.com>", "<a@example.com>"),
            Mail("Re: Lunch plans", "Wed, 3 Jan 2024 11:00:00 +0000", "Zed <alice@example.com>", "<b@example.com>", "In-Reply-To: <a@example.com>\r\nReferences: <a@example.com>\r\n"),
            Mail("[list] Re: Fwd: Budget (fwd)", "Mon, 1 Jan 2024 09:00:00 +0000", "Bob <bob@example.com>", "<c@example.com>"),
            Mail("Budget", "Tue, 2 Jan 2024 08:00:00 +0000", "dave@example.com", "<d@example.com>"),
            Mail("RE: lunch plans", "Thu, 4 Jan 2024 12:00:00 +0000", "eve@example.com", "<e@example.com>", "References: <a@example.com>\r\n <b@example.com>\r\n"),
            Mail("Zebra", null, "Frank <frank@example.com>", "<f@example.com>"),
        ];
        for (var i = 0; i < messages.Length; i++)
        {
            // A second apart: appends within one clock tick would tie on ARRIVAL (the mailbox
            // order breaks ties, RFC 5256 §3), and the tests expect each to arrive after the last.
            var message = messages[i];
            await client.OkAsync("a", $"APPEND {folder} \"05-Jan-2025 10:00:0{i} +0000\" {{{message.Length}+}}\r\n{message}");
        }
        return folder;
    }

    private static string Mail(string subject, string? date, string from, string id, string extra = "") =>
        $"From: {from}\r\nTo: team@example.com\r\nSubject: {subject}\r\n" + (date is null ? "" : $"Date: {date}\r\n") +
        $"Message-ID: {id}\r\n{extra}\r\nBody.\r\n";
}
