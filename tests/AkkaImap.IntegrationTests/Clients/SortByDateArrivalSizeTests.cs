using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.IntegrationTests.Protocol;
using MailKit;
using MailKit.Search;
using Xunit;

namespace AkkaImap.IntegrationTests.Clients;

/// <summary>
/// SORT by DATE, ARRIVAL and SIZE (RFC 5256 §3), the keys answered from integer columns with no
/// envelope read, on seven messages whose sent dates and internal dates disagree, with ties in
/// every key; expectations worked out by hand. By sequence number (= UID):
/// <code>
///    Date header                        internal date (APPEND)         size
/// 1  Fri, 5 Jan 2024 10:00 +0000        01-Feb-2024 00:00 +0000        300
/// 2  Mon, 1 Jan 2024 10:00 +0000        03-Feb-2024 00:00 +0000        250
/// 3  (none: the internal date)          02-Jan-2024 12:00 +0000        300
/// 4  "sometime next week" (unreadable)  06-Jan-2024 00:00 +0000        200
/// 5  Wed, 3 Jan 2024 10:00 +0100        04-Feb-2024 00:00 +0000        400
/// 6  Wed, 3 Jan 2024 09:00 +0000        01-Feb-2024 01:00 +0100        250
/// 7  Thu, 4 Jan 2024 10:00 +0000        31-Dec-2023 20:00 -0200        350
/// </code>
/// 5 and 6 were sent at the same instant, 1 and 6 arrived at the same instant (other zones).
/// </summary>
public sealed class SortByDateArrivalSizeTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Alice = "alice@example.com";

    [Fact]
    public async Task MailKit_sorts_by_sent_date_not_internal_date_with_the_fallbacks_and_ties_of_rfc_5256()
    {
        var folder = await FolderAsync();
        using var client = await server.ConnectAsync();
        var mailbox = await client.GetFolderAsync(folder);
        await mailbox.OpenAsync(FolderAccess.ReadOnly);

        async Task<uint[]> Sort(params OrderBy[] order) => [.. (await mailbox.SortAsync(SearchQuery.All, order)).Select(u => u.Id)];

        // The sent date: a missing or unreadable Date is the internal date (RFC 5256 §2.2); 5 and 6 tie.
        Assert.Equal(new uint[] { 2u, 3u, 5u, 6u, 7u, 1u, 4u }, await Sort(OrderBy.Date));
        // REVERSE turns the date round, not the sequence order that breaks the tie of 5 and 6.
        Assert.Equal(new uint[] { 4u, 1u, 7u, 5u, 6u, 3u, 2u }, await Sort(OrderBy.ReverseDate));
        Assert.Equal(new uint[] { 7u, 3u, 4u, 1u, 6u, 2u, 5u }, await Sort(OrderBy.Arrival));
        Assert.Equal(new uint[] { 5u, 2u, 1u, 6u, 4u, 3u, 7u }, await Sort(OrderBy.ReverseArrival));
        Assert.Equal(new uint[] { 4u, 2u, 6u, 1u, 3u, 7u, 5u }, await Sort(OrderBy.Size));
        // A second key breaks the first one's ties.
        Assert.Equal(new uint[] { 4u, 6u, 2u, 1u, 3u, 7u, 5u }, await Sort(OrderBy.Size, OrderBy.ReverseDate));
        Assert.Equal(new uint[] { 2u, 3u, 6u, 5u, 7u, 1u, 4u }, await Sort(OrderBy.Date, OrderBy.Arrival));
        Assert.Equal(new uint[] { 5u, 7u, 3u, 1u, 2u, 6u, 4u }, await Sort(OrderBy.ReverseSize, OrderBy.Date));
        // Only the matched messages (SEARCH's keys): those of 300 to 399 octets.
        Assert.Equal(new uint[] { 3u, 7u, 1u }, (await mailbox.SortAsync(SearchQuery.LargerThan(299).And(SearchQuery.SmallerThan(400)), [OrderBy.Date])).Select(u => u.Id));
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Sequence_numbers_follow_an_expunge_and_a_later_append()
    {
        var folder = await FolderAsync();
        await using var client = await RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice]);
        await client.OkAsync("s", "SELECT " + folder);
        await client.OkAsync("d", "UID STORE 2 +FLAGS.SILENT (\\Deleted)");
        await client.OkAsync("e", "EXPUNGE");
        var late = Mail(8, "Sun, 31 Dec 2023 10:00:00 +0000", 220);
        await client.OkAsync("a", $"APPEND {folder} \"07-Feb-2024 00:00:00 +0000\" {{{late.Length}+}}\r\n{late}");

        // Now sequence 1..7 are UIDs 1 3 4 5 6 7 8; UID 8 was sent first and arrived last.
        Assert.Contains("* SORT 7 2 4 5 6 1 3", await client.OkAsync("a", "SORT (DATE) UTF-8 ALL"));
        Assert.Contains("* SORT 8 3 5 6 7 1 4", await client.OkAsync("b", "UID SORT (DATE) UTF-8 ALL"));
        Assert.Contains("* SORT 7 4 1 5 3 2 6", await client.OkAsync("c", "SORT (REVERSE ARRIVAL) UTF-8 ALL"));
        Assert.Contains("* ESEARCH (TAG \"d\") UID MIN 4 MAX 5 COUNT 7", await client.OkAsync("d", "UID SORT RETURN (MIN MAX COUNT) (SIZE) UTF-8 ALL"));
    }

    private async Task<string> FolderAsync()
    {
        var folder = "K" + Guid.NewGuid().ToString("N")[..8];
        await using var client = await RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice]);
        await client.OkAsync("c", "CREATE " + folder);
        (string? Date, string Arrived, int Size)[] messages =
        [
            ("Fri, 5 Jan 2024 10:00:00 +0000", "01-Feb-2024 00:00:00 +0000", 300),
            ("Mon, 1 Jan 2024 10:00:00 +0000", "03-Feb-2024 00:00:00 +0000", 250),
            (null, "02-Jan-2024 12:00:00 +0000", 300),
            ("sometime next week", "06-Jan-2024 00:00:00 +0000", 200),
            ("Wed, 3 Jan 2024 10:00:00 +0100", "04-Feb-2024 00:00:00 +0000", 400),
            ("Wed, 3 Jan 2024 09:00:00 +0000", "01-Feb-2024 01:00:00 +0100", 250),
            ("Thu, 4 Jan 2024 10:00:00 +0000", "31-Dec-2023 20:00:00 -0200", 350),
        ];
        for (int i = 0; i < messages.Length; i++)
        {
            var (date, arrived, size) = messages[i];
            var message = Mail(i + 1, date, size);
            await client.OkAsync("a", $"APPEND {folder} \"{arrived}\" {{{message.Length}+}}\r\n{message}");
        }
        return folder;
    }

    /// <summary>A message of exactly <paramref name="size"/> octets (the body padded).</summary>
    private static string Mail(int n, string? date, int size)
    {
        var header = $"From: sender{n}@example.com\r\nTo: team@example.com\r\nSubject: message {n}\r\n" +
            (date is null ? "" : $"Date: {date}\r\n") + $"Message-ID: <k{n}@example.com>\r\n\r\n";
        return header + new string('x', size - header.Length - 2) + "\r\n";
    }
}
