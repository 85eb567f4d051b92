using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Commands.Mailbox;

/// <summary>EXPUNGE (RFC 9051 §6.4.3, §7.5.1) and UID EXPUNGE (RFC 4315 §2.1).</summary>
public sealed class ExpungeTests : MailboxTestKit
{
    /// <summary>Four messages, UIDs 1-4; 1, 3 and 4 are \Deleted.</summary>
    private async Task<Client> FourMessagesAsync()
    {
        await AppendAsync("INBOX", MessageFlags.Deleted);
        await AppendAsync("INBOX");
        await AppendAsync("INBOX", MessageFlags.Deleted);
        await AppendAsync("INBOX", MessageFlags.Deleted);
        var client = SignedIn();
        Assert.Contains("* 4 EXISTS", client.Run("a", "SELECT INBOX"));
        return client;
    }

    [Fact]
    public async Task Expunge_numbers_each_removal_as_the_client_renumbers()
    {
        var client = await FourMessagesAsync();
        Assert.Equal(["* 1 EXPUNGE", "* 2 EXPUNGE", "* 2 EXPUNGE", "b OK EXPUNGE completed"], client.Run("b", "EXPUNGE"));
        Assert.Equal(["* STATUS INBOX (MESSAGES 1)", "c OK STATUS completed"], client.Run("c", "STATUS INBOX (MESSAGES)"));
    }

    [Fact]
    public async Task Uid_expunge_removes_only_deleted_messages_in_the_set()
    {
        var client = await FourMessagesAsync();
        Assert.Equal(["* 3 EXPUNGE", "b OK UID EXPUNGE completed"], client.Run("b", "UID EXPUNGE 2:3"));
        Assert.Equal(["c OK UID EXPUNGE completed"], client.Run("c", "UID EXPUNGE 2,3,10:20"));
        Assert.Equal(["* 1 EXPUNGE", "* 2 EXPUNGE", "d OK UID EXPUNGE completed"], client.Run("d", "UID EXPUNGE 1:*"));
    }

    [Fact]
    public async Task Uid_expunge_takes_the_saved_search_result()
    {
        var client = await FourMessagesAsync();
        AssertOk(client.Run("b", "UID SEARCH RETURN (SAVE) UID 3:4"));
        Assert.Equal(["* 3 EXPUNGE", "* 3 EXPUNGE", "c OK UID EXPUNGE completed"], client.Run("c", "UID EXPUNGE $"));
    }

    [Fact]
    public async Task Other_sessions_hear_of_the_expunge()
    {
        var first = await FourMessagesAsync();
        var second = SignedIn();
        AssertOk(second.Run("x", "EXAMINE INBOX"));
        second.Send("y IDLE\r\n");
        Assert.Equal("+ idling", second.ReadLine());

        AssertOk(first.Run("b", "EXPUNGE"));

        Assert.Equal("* 1 EXPUNGE", second.ReadLine());
        Assert.Equal("* 2 EXPUNGE", second.ReadLine());
        Assert.Equal("* 2 EXPUNGE", second.ReadLine());
        second.Send("DONE\r\n");
        Assert.Equal("y OK IDLE terminated", second.ReadLine());
    }
}
