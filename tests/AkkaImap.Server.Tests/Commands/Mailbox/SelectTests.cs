using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Commands.Mailbox;

/// <summary>SELECT and EXAMINE (RFC 9051 §6.3.2/§6.3.3, RFC 3501 §6.3.1/§6.3.2).</summary>
public sealed class SelectTests : MailboxTestKit
{
    [Fact]
    public async Task Select_answers_a_rev1_client_with_recent_and_first_unseen()
    {
        await AppendAsync("INBOX", MessageFlags.Seen);
        await AppendAsync("INBOX", MessageFlags.None, "$Work");
        var validity = await UidValidityAsync("INBOX");
        var id = (await FolderAsync("INBOX")).MailboxId;
        var client = SignedIn();

        Assert.Equal(
        [
            @"* FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Work)",
            @"* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Work \*)] Flags permitted.",
            "* 2 EXISTS",
            // RFC 3501 §2.3.2: this is the first session to see them.
            "* 2 RECENT",
            "* OK [UNSEEN 2] First unseen.",
            $"* OK [UIDVALIDITY {validity}] UIDs valid",
            "* OK [UIDNEXT 3] Predicted next UID",
            // RFC 8474 §4.1.
            $"* OK [MAILBOXID ({id})] Mailbox id",
            "a OK [READ-WRITE] SELECT completed",
        ], client.Run("a", "SELECT inbox"));
    }

    [Fact]
    public async Task A_folder_larger_than_one_snapshot_piece_is_selected_whole_and_in_order()
    {
        // 2,500 messages, more than a snapshot piece (a session on another node gets them in pieces, ClusterTests A2).
        var inbox = await FolderAsync("INBOX");
        var mail = new AppendRequest(System.Text.Encoding.ASCII.GetBytes(Message));
        await Store.AppendAsync(inbox.Id, [.. Enumerable.Repeat(mail, 1000)]);
        await Store.AppendAsync(inbox.Id, [.. Enumerable.Repeat(mail with { Flags = MessageFlags.Flagged }, 1500)]);
        var client = SignedIn();

        var select = client.Run("a", "SELECT INBOX");
        Assert.Contains("* 2500 EXISTS", select);
        Assert.Contains("* 2500 RECENT", select);
        Assert.Equal(["* 1 FETCH (UID 1 FLAGS (\\Recent))", "b OK FETCH completed"], client.Run("b", "FETCH 1 (UID FLAGS)"));
        Assert.Equal(["* 1001 FETCH (UID 1001 FLAGS (\\Flagged \\Recent))", "c OK FETCH completed"], client.Run("c", "FETCH 1001 (UID FLAGS)"));
        Assert.Equal(["* 2500 FETCH (UID 2500 FLAGS (\\Flagged \\Recent))", "d OK FETCH completed"], client.Run("d", "FETCH 2500 (UID FLAGS)"));
    }

    [Fact]
    public async Task Select_answers_a_rev2_client_without_recent_and_with_the_list_response()
    {
        var validity = await UidValidityAsync("Sent");
        var id = (await FolderAsync("Sent")).MailboxId;
        var client = SignedIn(rev2: true);

        Assert.Equal(
        [
            @"* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)",
            @"* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted.",
            "* 0 EXISTS",
            $"* OK [UIDVALIDITY {validity}] UIDs valid",
            "* OK [UIDNEXT 1] Predicted next UID",
            $"* OK [MAILBOXID ({id})] Mailbox id",
            "* LIST () \"/\" Sent",
            "a OK [READ-WRITE] SELECT completed",
        ], client.Run("a", "SELECT Sent"));
    }

    [Fact]
    public async Task Examine_is_read_only_with_no_permanent_flags()
    {
        await AppendAsync("INBOX", MessageFlags.Seen);
        var validity = await UidValidityAsync("INBOX");
        var id = (await FolderAsync("INBOX")).MailboxId;
        var client = SignedIn();

        Assert.Equal(
        [
            @"* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)",
            "* OK [PERMANENTFLAGS ()] Read-only mailbox.",
            "* 1 EXISTS",
            // EXAMINE sees \Recent and leaves it to a session that selects read-write (RFC 3501 §2.3.2).
            "* 1 RECENT",
            $"* OK [UIDVALIDITY {validity}] UIDs valid",
            "* OK [UIDNEXT 2] Predicted next UID",
            $"* OK [MAILBOXID ({id})] Mailbox id",
            "a OK [READ-ONLY] EXAMINE completed",
        ], client.Run("a", "EXAMINE INBOX"));
        Assert.Equal(["b NO [READ-ONLY] Mailbox is read-only (EXAMINE)"], client.Run("b", "EXPUNGE"));
    }

    [Fact]
    public void Selecting_while_selected_says_the_previous_mailbox_is_closed()
    {
        var client = SignedIn();
        AssertOk(client.Run("a", "SELECT INBOX"));

        var lines = client.Run("b", "EXAMINE Drafts");

        Assert.Equal("* OK [CLOSED] Previous mailbox closed.", lines[0]);
        Assert.Equal("b OK [READ-ONLY] EXAMINE completed", lines[^1]);
    }

    [Fact]
    public void A_failed_select_leaves_no_mailbox_selected()
    {
        var client = SignedIn();
        AssertOk(client.Run("a", "SELECT INBOX"));

        Assert.Equal(
        [
            "* OK [CLOSED] Previous mailbox closed.",
            "b NO [NONEXISTENT] No such mailbox",
        ], client.Run("b", "SELECT Nowhere"));
        Assert.Equal(["c BAD [CLIENTBUG] CLOSE is only allowed when a mailbox is selected"], client.Run("c", "CLOSE"));
    }

    [Fact]
    public void A_noselect_folder_cannot_be_selected()
    {
        var client = SignedIn();
        AssertOk(client.Run("a", "CREATE Projects/2026"));
        AssertOk(client.Run("b", "DELETE Projects"));

        Assert.Equal(["c NO [NONEXISTENT] Mailbox is not selectable"], client.Run("c", "SELECT Projects"));
    }

    [Fact]
    public void Qresync_parameters_need_enable_qresync_first()
    {
        var client = SignedIn();
        // RFC 7162 §3.2.5: without ENABLE QRESYNC the parameter is BAD.
        Assert.Equal(["a BAD [CLIENTBUG] QRESYNC must be enabled first (ENABLE QRESYNC)"], client.Run("a", "SELECT INBOX (QRESYNC (1 1))"));
        Assert.Equal(["b OK NOOP completed"], client.Run("b", "NOOP"));
    }

    [Theory]
    [InlineData("\"&Jjo\"", "d NO [CANNOT] Invalid mailbox name: not valid modified UTF-7")]
    [InlineData("../bob/INBOX", "d NO [CANNOT] Invalid mailbox name: \".\" and \"..\" are not allowed as hierarchy levels")]
    [InlineData("/INBOX", "d NO [CANNOT] Invalid mailbox name: it may not start with /")]
    [InlineData("~bob", "d NO [NONEXISTENT] No such mailbox")]
    [InlineData("#shared/INBOX", "d NO [NONEXISTENT] No such mailbox")]
    public void Names_that_could_leave_the_account_are_refused_or_not_found(string name, string expected)
    {
        var client = SignedIn();
        Assert.Equal([expected], client.Run("d", "SELECT " + name));
    }
}
