using Xunit;

namespace AkkaImap.Server.Tests.Commands.Mailbox;

/// <summary>CREATE, DELETE, RENAME, SUBSCRIBE (RFC 9051 §6.3.4-§6.3.8, RFC 6154 §3) and name checks.</summary>
public sealed class FolderTests : MailboxTestKit
{
    [Fact]
    public void Create_makes_missing_parents_and_refuses_existing_names()
    {
        var client = SignedIn();
        // RFC 8474 §4.1: CREATE's OK names the new mailbox's id.
        Assert.Matches(@"^a OK \[MAILBOXID \([A-Za-z0-9_-]+\)\] CREATE completed$", Assert.Single(client.Run("a", "CREATE Work/Projects/")));
        Assert.Equal(
        [
            @"* LIST (\HasChildren) ""/"" Work",
            @"* LIST (\HasNoChildren) ""/"" Work/Projects",
            "b OK LIST completed",
        ], client.Run("b", "LIST \"\" Work*"));
        Assert.Equal(["c NO [ALREADYEXISTS] folder Sent already exists"], client.Run("c", "CREATE Sent"));
        Assert.Equal(["d NO [ALREADYEXISTS] folder INBOX already exists"], client.Run("d", "CREATE inbox"));
    }

    [Fact]
    public void Create_with_use_sets_the_special_use_once_per_account()
    {
        var client = SignedIn();
        Assert.Equal([@"a NO [USEATTR] \Sent is already the special use of another mailbox"], client.Run("a", @"CREATE Outbox (USE (\Sent))"));
        Assert.Equal([@"b NO [USEATTR] Unsupported special use \Important"], client.Run("b", @"CREATE Vip (USE (\Important))"));
        Assert.Equal([@"c NO [USEATTR] Unsupported special use \All"], client.Run("c", @"CREATE Everything (USE (\All))"));
        AssertOk(client.Run("d", "DELETE Junk"));

        Assert.Matches(@"^e OK \[MAILBOXID \([A-Za-z0-9_-]+\)\] CREATE completed$", Assert.Single(client.Run("e", @"CREATE Spam (USE (\junk))")));
        Assert.Equal([@"* LIST (\HasNoChildren \Junk) ""/"" Spam", "f OK LIST completed"], client.Run("f", "LIST \"\" Spam"));
    }

    [Theory]
    [InlineData("\"a%b\"", "NO [CANNOT] Invalid mailbox name: % and * are not allowed")]
    [InlineData("\"Stars*\"", "NO [CANNOT] Invalid mailbox name: % and * are not allowed")]
    [InlineData("a//b", "NO [CANNOT] Invalid mailbox name: empty hierarchy level")]
    [InlineData("a/../b", "NO [CANNOT] Invalid mailbox name: \".\" and \"..\" are not allowed as hierarchy levels")]
    [InlineData("./a", "NO [CANNOT] Invalid mailbox name: \".\" and \"..\" are not allowed as hierarchy levels")]
    [InlineData("/etc", "NO [CANNOT] Invalid mailbox name: it may not start with /")]
    [InlineData("~bob", "NO [CANNOT] Invalid mailbox name: it may not start with ~ or #")]
    [InlineData("#shared", "NO [CANNOT] Invalid mailbox name: it may not start with ~ or #")]
    [InlineData("&AAE-", "NO [CANNOT] Invalid mailbox name: not valid modified UTF-7")]
    [InlineData("&AGE-", "NO [CANNOT] Invalid mailbox name: not valid modified UTF-7")]
    [InlineData("\"\"", "NO [CANNOT] Invalid mailbox name: empty")]
    public void Create_refuses_bad_names(string name, string expected)
    {
        var client = SignedIn();
        Assert.Equal(["a " + expected], client.Run("a", "CREATE " + name));
        Assert.Equal(["b OK NOOP completed"], client.Run("b", "NOOP"));
    }

    [Fact]
    public void Rev2_clients_name_folders_in_utf8_and_rev1_clients_see_modified_utf7()
    {
        var rev2 = SignedIn(rev2: true);
        Assert.Matches(@"^a OK \[MAILBOXID \([A-Za-z0-9_-]+\)\] CREATE completed$", Assert.Single(rev2.Run("a", "CREATE \"Černý\"")));

        var rev1 = SignedIn();
        Assert.Equal([@"* LIST (\HasNoChildren) ""/"" &AQw-ern&AP0-", "b OK LIST completed"], rev1.Run("b", "LIST \"\" *ern*"));
        Assert.Equal(["c OK DELETE completed"], rev1.Run("c", "DELETE &AQw-ern&AP0-"));
    }

    [Fact]
    public void Create_refuses_names_over_1024_bytes()
    {
        var client = SignedIn();
        Assert.Equal(["a NO [LIMIT] Mailbox name too long: at most 1024 bytes"], client.Run("a", "CREATE " + new string('x', 1025)));
        AssertOk(client.Run("b", "CREATE " + new string('x', 1024)));
    }

    [Fact]
    public void Delete_refuses_inbox_and_unknown_names()
    {
        var client = SignedIn();
        Assert.Equal(["a NO [CANNOT] INBOX cannot be deleted"], client.Run("a", "DELETE inbox"));
        Assert.Equal(["b NO [NONEXISTENT] No such mailbox"], client.Run("b", "DELETE Nowhere"));
    }

    [Fact]
    public void Deleting_a_parent_leaves_it_noselect_until_its_children_are_gone()
    {
        var client = SignedIn();
        AssertOk(client.Run("a", "CREATE Work/Projects"));
        Assert.Equal(["b OK DELETE completed"], client.Run("b", "DELETE Work"));
        Assert.Equal([@"* LIST (\Noselect \HasChildren) ""/"" Work", "c OK LIST completed"], client.Run("c", "LIST \"\" Work"));
        Assert.Equal(["d NO [HASCHILDREN] Work has child folders; delete them first"], client.Run("d", "DELETE Work"));
        AssertOk(client.Run("e", "DELETE Work/Projects"));
        Assert.Equal(["f OK DELETE completed"], client.Run("f", "DELETE Work"));
        Assert.Equal(["g OK LIST completed"], client.Run("g", "LIST \"\" Work*"));
    }

    [Fact]
    public void Deleting_the_selected_folder_closes_it()
    {
        var client = SignedIn();
        AssertOk(client.Run("a", "SELECT Trash"));
        Assert.Equal(["* OK [CLOSED] The selected mailbox was deleted", "b OK DELETE completed"], client.Run("b", "DELETE Trash"));
        Assert.Equal(["c BAD [CLIENTBUG] EXPUNGE is only allowed when a mailbox is selected"], client.Run("c", "EXPUNGE"));
    }

    [Fact]
    public void Rename_moves_children_and_refuses_existing_targets()
    {
        var client = SignedIn();
        AssertOk(client.Run("a", "CREATE Work/Projects"));
        Assert.Equal(["b OK RENAME completed"], client.Run("b", "RENAME Work Job"));
        Assert.Equal(
        [
            @"* LIST (\HasChildren) ""/"" Job",
            @"* LIST (\HasNoChildren) ""/"" Job/Projects",
            "c OK LIST completed",
        ], client.Run("c", "LIST \"\" Jo*"));
        Assert.Equal(["d NO [ALREADYEXISTS] folder Sent already exists"], client.Run("d", "RENAME Drafts Sent"));
        Assert.Equal(["e NO [NONEXISTENT] No such mailbox"], client.Run("e", "RENAME Nowhere Somewhere"));
        Assert.Equal(["f NO [CANNOT] Invalid mailbox name: % and * are not allowed"], client.Run("f", "RENAME Job \"Job%\""));
    }

    [Fact]
    public async Task Renaming_inbox_moves_its_messages_and_leaves_it_empty()
    {
        await AppendAsync("INBOX");
        await AppendAsync("INBOX");
        var client = SignedIn();
        AssertOk(client.Run("a", "SELECT INBOX"));

        Assert.Equal(["* 1 EXPUNGE", "* 1 EXPUNGE", "b OK RENAME completed"], client.Run("b", "RENAME INBOX \"Old Mail\""));
        Assert.Equal(["* STATUS \"Old Mail\" (MESSAGES 2)", "c OK STATUS completed"], client.Run("c", "STATUS \"Old Mail\" (MESSAGES)"));
        Assert.Equal(["* STATUS INBOX (MESSAGES 0)", "d OK STATUS completed"], client.Run("d", "STATUS INBOX (MESSAGES)"));
    }

    [Fact]
    public void Subscriptions_may_name_folders_that_do_not_exist()
    {
        var client = SignedIn();
        Assert.Equal(["a OK SUBSCRIBE completed"], client.Run("a", "SUBSCRIBE Later"));
        Assert.Equal([@"* LSUB (\Noselect) ""/"" Later", "b OK LSUB completed"], client.Run("b", "LSUB \"\" L*"));
        Assert.Equal(["c OK UNSUBSCRIBE completed"], client.Run("c", "UNSUBSCRIBE Later"));
        Assert.Equal(["d OK LSUB completed"], client.Run("d", "LSUB \"\" L*"));
        Assert.Equal(["e NO [CANNOT] Invalid mailbox name: \".\" and \"..\" are not allowed as hierarchy levels"], client.Run("e", "SUBSCRIBE ../x"));
    }
}
