using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Commands.Mailbox;

/// <summary>STATUS (RFC 9051 §6.3.11, RFC 8438 SIZE, RFC 7889 APPENDLIMIT).</summary>
public sealed class StatusTests : MailboxTestKit
{
    [Fact]
    public async Task Status_answers_every_item_in_the_order_asked()
    {
        await AppendAsync("INBOX", MessageFlags.Seen);
        await AppendAsync("INBOX", MessageFlags.Deleted);
        var validity = await UidValidityAsync("INBOX");
        var limit = Settings.Limits.MaxLiteral;
        var client = SignedIn();

        Assert.Equal(
        [
            $"* STATUS INBOX (MESSAGES 2 UIDNEXT 3 UIDVALIDITY {validity} UNSEEN 1 DELETED 1 SIZE 44 RECENT 2 APPENDLIMIT {limit})",
            "a OK STATUS completed",
        ], client.Run("a", "STATUS inbox (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE RECENT APPENDLIMIT)"));
    }

    [Fact]
    public void Rev2_clients_get_no_recent()
    {
        var client = SignedIn(rev2: true);
        Assert.Equal(["* STATUS Sent (MESSAGES 0)", "a OK STATUS completed"], client.Run("a", "STATUS Sent (MESSAGES RECENT)"));
    }

    [Fact]
    public async Task Status_of_the_selected_folder_is_allowed()
    {
        var client = SignedIn();
        AssertOk(client.Run("a", "SELECT INBOX"));
        await AppendAsync("INBOX");

        // The new message is announced with the command's other untagged responses.
        Assert.Equal(["* STATUS INBOX (MESSAGES 1)", "* 1 EXISTS", "b OK STATUS completed"], client.Run("b", "STATUS INBOX (MESSAGES)"));
    }

    [Fact]
    public void Status_of_missing_or_noselect_folders_is_refused()
    {
        var client = SignedIn();
        Assert.Equal(["a NO [NONEXISTENT] No such mailbox"], client.Run("a", "STATUS Nowhere (MESSAGES)"));
        AssertOk(client.Run("b", "CREATE Work/Projects"));
        AssertOk(client.Run("c", "DELETE Work"));
        Assert.Equal(["d NO [NONEXISTENT] Mailbox is not selectable"], client.Run("d", "STATUS Work (MESSAGES)"));
    }
}
