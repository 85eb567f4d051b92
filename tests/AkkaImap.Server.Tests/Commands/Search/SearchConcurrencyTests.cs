using System.Text;
using AkkaImap.Server.Accounts;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Commands.Search;

/// <summary>SEARCH while other sessions change the folder: numbers stay as the client knows them (RFC 9051 §7.5.1).</summary>
public sealed class SearchConcurrencyTests : SearchTestKit
{
    [Fact]
    public async Task Search_during_a_pending_expunge_sends_no_expunge()
    {
        await AddFixtureAsync();
        var client = InInbox();
        // Another session expunges message 3 (the \Deleted one).
        await SendAsync<Expunged>(new Expunge((await FolderAsync("INBOX")).Id));

        Assert.Equal(["* SEARCH 1 2 3 4 5", "a OK SEARCH completed"], client.Run("a", "SEARCH ALL"));
        // Keys that need the stored message no longer match the expunged one, and the client is told why.
        Assert.Equal(["* SEARCH 1 2 4 5", "b OK [EXPUNGEISSUED] SEARCH completed"], client.Run("b", "SEARCH LARGER 1"));
        // UID SEARCH is a different command, which may be accompanied by EXPUNGE (RFC 3501 §7.4.1).
        Assert.Equal(["* SEARCH 3 4 5", "* 3 EXPUNGE", "c OK UID SEARCH completed"], client.Run("c", "UID SEARCH FLAGGED"));
        Assert.Equal(["d OK NOOP completed"], client.Run("d", "NOOP"));
        Assert.Equal(["* SEARCH 1 2 3 4", "e OK SEARCH completed"], client.Run("e", "SEARCH ALL"));
    }

    [Fact]
    public async Task Search_leaves_out_messages_the_client_has_not_heard_of_and_announces_them_after()
    {
        await AddFixtureAsync();
        var client = InInbox();
        await AppendAsync("INBOX", [new AppendRequest(Encoding.ASCII.GetBytes("From: alice@example.com\r\n\r\nnew\r\n"))]);

        Assert.Equal(["* SEARCH 1", "* 6 EXISTS", "a OK SEARCH completed"], client.Run("a", "SEARCH FROM alice"));
        Assert.Equal(["* SEARCH 1 6", "b OK SEARCH completed"], client.Run("b", "SEARCH FROM alice"));
    }
}
