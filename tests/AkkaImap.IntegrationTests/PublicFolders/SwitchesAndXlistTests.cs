using AkkaImap.IntegrationTests.Protocol;
using Xunit;

namespace AkkaImap.IntegrationTests.PublicFolders;

/// <summary>With <c>public-folders.enabled = off</c> and <c>xlist = off</c>: no shared namespace, no XLIST.</summary>
public sealed class SwitchedOffTests(SwitchedOffServer server) : IClassFixture<SwitchedOffServer>
{
    [Fact]
    public async Task The_service_switch_hides_public_folders_although_the_post_office_has_them()
    {
        await using var alice = await RawImapClient.LoginAsync(server.Port, "alice@example.com", server.Users["alice@example.com"]);

        Assert.Contains("* NAMESPACE ((\"\" \"/\")) NIL NIL", await alice.OkAsync("n", "NAMESPACE"));
        Assert.DoesNotContain(await alice.OkAsync("l", "LIST \"\" \"*\""), l => l.Contains("Public Folders", StringComparison.Ordinal));
        Assert.StartsWith("s NO", (await alice.RunAsync("s", "SELECT \"Public Folders/News\""))[^1]);
    }

    [Fact]
    public async Task Xlist_off_is_not_advertised_and_is_bad()
    {
        await using var alice = await RawImapClient.LoginAsync(server.Port, "alice@example.com", server.Users["alice@example.com"]);

        var capability = (await alice.OkAsync("c", "CAPABILITY"))[0];
        var xlist = await alice.RunAsync("x", "XLIST \"\" \"*\"");

        Assert.DoesNotContain(" XLIST", capability);
        Assert.Contains(" SPECIAL-USE", capability);
        Assert.StartsWith("x BAD", Assert.Single(xlist));
    }
}

/// <summary>XLIST (on by default) over the raw protocol, and SPECIAL-USE beside it.</summary>
public sealed class XlistAndSpecialUseTests(PublicFolderServer server) : IClassFixture<PublicFolderServer>
{
    [Fact]
    public async Task Xlist_is_advertised_and_names_the_folders_in_its_own_words()
    {
        await using var bob = await RawImapClient.LoginAsync(server.Port, "bob@example.com", server.Users["bob@example.com"]);

        var capability = (await bob.OkAsync("c", "CAPABILITY"))[0];
        var lines = await bob.OkAsync("x", "XLIST \"\" \"*\"");

        Assert.Contains(" XLIST", capability);
        Assert.Contains("* XLIST (\\HasNoChildren \\Inbox) \"/\" INBOX", lines);
        Assert.Contains("* XLIST (\\HasNoChildren \\Sent) \"/\" Sent", lines);
        Assert.Contains("* XLIST (\\HasNoChildren \\Drafts) \"/\" Drafts", lines);
        Assert.Contains("* XLIST (\\HasNoChildren \\Trash) \"/\" Trash", lines);
        Assert.Contains("* XLIST (\\HasNoChildren \\Spam) \"/\" Junk", lines);
        Assert.Contains("* XLIST (\\HasNoChildren) \"/\" Archive", lines);
        Assert.DoesNotContain(lines, l => l.Contains("\\Junk", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Special_use_selection_and_return_options_answer_only_what_was_asked()
    {
        await using var bob = await RawImapClient.LoginAsync(server.Port, "bob@example.com", server.Users["bob@example.com"]);

        var selected = await bob.OkAsync("s", "LIST (SPECIAL-USE) \"\" \"*\"");
        var returned = await bob.OkAsync("r", "LIST \"\" \"*\" RETURN (SPECIAL-USE)");

        Assert.Equal(6, selected.Count); // Archive, Drafts, Junk, Sent, Trash and the tagged OK
        Assert.All(selected.SkipLast(1), l => Assert.Matches(@"\\(Archive|Drafts|Junk|Sent|Trash)\)", l));
        Assert.Contains("* LIST (\\HasNoChildren \\Junk) \"/\" Junk", returned);
        Assert.Contains(returned, l => l.EndsWith("\"Public Folders/News\"", StringComparison.Ordinal) && !l.Contains("\\Junk", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_special_use_takes_a_free_use_and_refuses_a_taken_one()
    {
        await using var alice = await RawImapClient.LoginAsync(server.Port, "alice@example.com", server.Users["alice@example.com"]);

        var taken = await alice.RunAsync("t", "CREATE MoreSent (USE (\\Sent))");
        await alice.OkAsync("d", "DELETE Archive");
        await alice.OkAsync("c", "CREATE Old (USE (\\Archive))");

        Assert.StartsWith("t NO [USEATTR]", taken[^1]);
        using var client = await server.ConnectAsync();
        Assert.Equal("Old", client.GetFolder(MailKit.SpecialFolder.Archive)?.FullName);
        Assert.Equal("Sent", client.GetFolder(MailKit.SpecialFolder.Sent)?.FullName);
    }
}

/// <summary>With <c>public-folders.user-create = off</c> only the administrator makes public folders.</summary>
public sealed class NoUserCreateTests(NoUserCreateServer server) : IClassFixture<NoUserCreateServer>
{
    [Fact]
    public async Task Users_cannot_create_public_folders_but_still_use_them()
    {
        await using var alice = await RawImapClient.LoginAsync(server.Port, "alice@example.com", server.Users["alice@example.com"]);

        var create = await alice.RunAsync("c", "CREATE \"Public Folders/Mine\"");
        await ProtocolServer.AppendAsync(alice, "\"Public Folders/News\"", Mail.Message("still allowed"));
        await alice.OkAsync("m", "CREATE Mine");

        Assert.StartsWith("c NO [NOPERM]", Assert.Single(create));
        Assert.Contains("* STATUS \"Public Folders/News\" (MESSAGES 1)", await alice.OkAsync("s", "STATUS \"Public Folders/News\" (MESSAGES)"));
    }
}
