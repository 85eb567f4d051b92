using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Commands.Mailbox;

/// <summary>LIST (RFC 9051 §6.3.9, RFC 5258, RFC 6154, RFC 3348), LSUB (RFC 3501 §6.3.9) and XLIST.</summary>
public sealed class ListTests : MailboxTestKit
{
    private static readonly string[] Defaults = ["INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash"];

    [Fact]
    public void List_star_returns_every_folder_with_children_and_special_use()
    {
        var client = SignedIn();
        Assert.Equal(
        [
            @"* LIST (\HasNoChildren) ""/"" INBOX",
            @"* LIST (\HasNoChildren \Archive) ""/"" Archive",
            @"* LIST (\HasNoChildren \Drafts) ""/"" Drafts",
            @"* LIST (\HasNoChildren \Junk) ""/"" Junk",
            @"* LIST (\HasNoChildren \Sent) ""/"" Sent",
            @"* LIST (\HasNoChildren \Trash) ""/"" Trash",
            "a OK LIST completed",
        ], client.Run("a", "LIST \"\" *"));
    }

    [Fact]
    public void Percent_stops_at_the_delimiter_and_the_reference_is_prepended()
    {
        var client = SignedIn();
        AssertOk(client.Run("a", "CREATE Work/Projects/Alpha"));

        Assert.Equal(@"* LIST (\HasChildren) ""/"" Work", client.Run("b", "LIST \"\" %")[^2]);
        Assert.Equal([@"* LIST (\HasChildren) ""/"" Work/Projects", "c OK LIST completed"], client.Run("c", "LIST \"\" Work/%"));
        Assert.Equal([@"* LIST (\HasChildren) ""/"" Work/Projects", "d OK LIST completed"], client.Run("d", "LIST Work/ %"));
        Assert.Equal([@"* LIST (\HasNoChildren) ""/"" Work/Projects/Alpha", "e OK LIST completed"], client.Run("e", "LIST \"\" *Alpha"));
        Assert.Equal(
        [
            @"* LIST (\HasChildren) ""/"" Work/Projects",
            @"* LIST (\HasNoChildren) ""/"" Work/Projects/Alpha",
            "f OK LIST completed",
        ], client.Run("f", "LIST Work/ *"));
    }

    [Fact]
    public void An_empty_pattern_returns_the_delimiter()
    {
        var client = SignedIn();
        Assert.Equal([@"* LIST (\Noselect) ""/"" """"", "a OK LIST completed"], client.Run("a", "LIST \"\" \"\""));
    }

    [Fact]
    public void Inbox_matches_in_any_case_and_keeps_its_children()
    {
        var client = SignedIn();
        AssertOk(client.Run("a", "CREATE inbox/Sub"));

        Assert.Equal([@"* LIST (\HasChildren) ""/"" INBOX", "b OK LIST completed"], client.Run("b", "LIST \"\" inbox"));
        Assert.Equal([@"* LIST (\HasNoChildren) ""/"" INBOX/Sub", "c OK LIST completed"], client.Run("c", "LIST \"\" Inbox/*"));
    }

    /// <summary>The mailboxes of the RFC 5258 §5 examples: Fruit/Peach and Vegetable/Broccoli are subscribed, Peach does not exist.</summary>
    private Client Rfc5258Mailboxes()
    {
        var client = SignedIn();
        foreach (var name in Defaults)
        {
            AssertOk(client.Run("u", "UNSUBSCRIBE " + name));
        }
        foreach (var name in new[] { "Fruit/Apple", "Fruit/Banana", "Tofu", "Vegetable/Broccoli", "Vegetable/Corn" })
        {
            AssertOk(client.Run("c", "CREATE " + name));
        }
        foreach (var name in new[] { "Fruit/Banana", "Fruit/Peach", "Vegetable", "Vegetable/Broccoli" })
        {
            AssertOk(client.Run("s", "SUBSCRIBE " + name));
        }
        return client;
    }

    [Fact]
    public void Subscribed_selection_includes_names_that_do_not_exist()
    {
        var client = Rfc5258Mailboxes();
        Assert.Equal(
        [
            @"* LIST (\Subscribed \HasNoChildren) ""/"" Fruit/Banana",
            @"* LIST (\NonExistent \Subscribed) ""/"" Fruit/Peach",
            @"* LIST (\Subscribed \HasChildren) ""/"" Vegetable",
            @"* LIST (\Subscribed \HasNoChildren) ""/"" Vegetable/Broccoli",
            "a OK LIST completed",
        ], client.Run("a", "LIST (SUBSCRIBED) \"\" *"));
    }

    [Fact]
    public void Recursivematch_returns_parents_of_subscribed_names_with_childinfo()
    {
        var client = Rfc5258Mailboxes();
        Assert.Equal([@"* LIST (\Subscribed \HasChildren) ""/"" Vegetable", "a OK LIST completed"], client.Run("a", "LIST (SUBSCRIBED) \"\" %"));
        Assert.Equal(
        [
            @"* LIST (\HasChildren) ""/"" Fruit (""CHILDINFO"" (""SUBSCRIBED""))",
            @"* LIST (\Subscribed \HasChildren) ""/"" Vegetable (""CHILDINFO"" (""SUBSCRIBED""))",
            "b OK LIST completed",
        ], client.Run("b", "LIST (SUBSCRIBED RECURSIVEMATCH) \"\" %"));
    }

    [Fact]
    public void Return_subscribed_marks_subscriptions_among_all_mailboxes()
    {
        var client = Rfc5258Mailboxes();
        Assert.Equal(
        [
            @"* LIST (\HasChildren) ""/"" Fruit",
            @"* LIST (\HasNoChildren) ""/"" Fruit/Apple",
            @"* LIST (\Subscribed \HasNoChildren) ""/"" Fruit/Banana",
            "a OK LIST completed",
        ], client.Run("a", "LIST \"\" (Fruit Fruit/*) RETURN (SUBSCRIBED CHILDREN)"));
    }

    [Fact]
    public void Special_use_selection_returns_only_special_folders()
    {
        var client = SignedIn();
        Assert.Equal(
        [
            @"* LIST (\HasNoChildren \Archive) ""/"" Archive",
            @"* LIST (\HasNoChildren \Drafts) ""/"" Drafts",
            @"* LIST (\HasNoChildren \Junk) ""/"" Junk",
            @"* LIST (\HasNoChildren \Sent) ""/"" Sent",
            @"* LIST (\HasNoChildren \Trash) ""/"" Trash",
            "a OK LIST completed",
        ], client.Run("a", "LIST (SPECIAL-USE) \"\" *"));
    }

    [Fact]
    public async Task List_status_follows_each_selectable_mailbox_with_its_status()
    {
        await AppendAsync("INBOX");
        await AppendAsync("INBOX", MessageFlags.Seen);
        var client = SignedIn();
        AssertOk(client.Run("a", "CREATE Projects/2026"));
        AssertOk(client.Run("b", "DELETE Projects"));

        Assert.Equal(
        [
            @"* LIST (\HasNoChildren) ""/"" INBOX",
            "* STATUS INBOX (MESSAGES 2 UNSEEN 1)",
            @"* LIST (\Noselect \HasChildren) ""/"" Projects",
            @"* LIST (\HasNoChildren \Sent) ""/"" Sent",
            "* STATUS Sent (MESSAGES 0 UNSEEN 0)",
            "c OK LIST completed",
        ], client.Run("c", "LIST \"\" (INBOX Sent Projects) RETURN (STATUS (MESSAGES UNSEEN))"));
    }

    [Fact]
    public void Lsub_returns_subscriptions_and_noselect_parents_hidden_by_percent()
    {
        var client = SignedIn();
        AssertOk(client.Run("a", "CREATE Work/Projects"));
        AssertOk(client.Run("b", "SUBSCRIBE Work/Projects"));

        Assert.Equal(
        [
            @"* LSUB () ""/"" INBOX",
            @"* LSUB () ""/"" Archive",
            @"* LSUB () ""/"" Drafts",
            @"* LSUB () ""/"" Junk",
            @"* LSUB () ""/"" Sent",
            @"* LSUB () ""/"" Trash",
            @"* LSUB (\Noselect) ""/"" Work",
            "c OK LSUB completed",
        ], client.Run("c", "LSUB \"\" %"));
        Assert.Equal([@"* LSUB () ""/"" Work/Projects", "d OK LSUB completed"], client.Run("d", "LSUB \"\" W*"));
    }

    [Fact]
    public void Names_go_out_in_modified_utf7_to_rev1_and_utf8_to_rev2()
    {
        var rev1 = SignedIn();
        AssertOk(rev1.Run("a", "CREATE Entw&APw-rfe"));
        Assert.Equal([@"* LIST (\HasNoChildren) ""/"" Entw&APw-rfe", "b OK LIST completed"], rev1.Run("b", "LIST \"\" Entw*"));

        var rev2 = SignedIn(rev2: true);
        Assert.Equal([@"* LIST (\HasNoChildren) ""/"" ""Entwürfe""", "c OK LIST completed"], rev2.Run("c", "LIST \"\" Entw%"));
        Assert.Equal([@"* LIST (\HasNoChildren) ""/"" ""Entwürfe""", "d OK LIST completed"], rev2.Run("d", "LIST \"\" \"Entwürfe\""));
    }

    [Fact]
    public void A_pattern_that_is_not_modified_utf7_matches_nothing()
    {
        var client = SignedIn();
        Assert.Equal(["a OK LIST completed"], client.Run("a", "LIST \"\" &Jjo*"));
    }

    [Fact]
    public void Xlist_is_advertised_only_when_switched_on()
    {
        var on = SignedIn();
        Assert.Contains(" XLIST", on.Run("a", "CAPABILITY")[0]);

        var off = SignedIn(settings: Settings with { Xlist = false });
        Assert.DoesNotContain(" XLIST", off.Run("b", "CAPABILITY")[0]);
        Assert.Equal(["c BAD [CLIENTBUG] XLIST is not enabled"], off.Run("c", "XLIST \"\" *"));
    }

    [Fact]
    public void Xlist_marks_inbox_and_special_folders()
    {
        var client = SignedIn();
        Assert.Equal(
        [
            @"* XLIST (\HasNoChildren \Inbox) ""/"" INBOX",
            @"* XLIST (\HasNoChildren \Spam) ""/"" Junk",
            @"* XLIST (\HasNoChildren \Sent) ""/"" Sent",
            "a OK XLIST completed",
        ], client.Run("a", "XLIST \"\" \"*n*\""));
    }
}
