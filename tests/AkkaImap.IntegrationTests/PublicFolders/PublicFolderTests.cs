using AkkaImap.IntegrationTests.Protocol;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;
using Xunit;

namespace AkkaImap.IntegrationTests.PublicFolders;

/// <summary>
/// Public folders through MailKit and the real executable: shared by the mailboxes of one post
/// office (changes and IDLE notifications across users, \Seen per user), invisible to another
/// post office, read-only (anyone = lrs) when the operator says so, and gone when the post office switch is off.
/// </summary>
public sealed class PublicFolderTests(PublicFolderServer server) : IClassFixture<PublicFolderServer>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);

    private static MimeMessage Message(string subject) => new(
        [new MailboxAddress("Alice", "alice@example.com")], [new MailboxAddress("Team", "team@example.com")], subject,
        new TextPart("plain") { Text = "Hello team." });

    private async Task<string> NewFolderAsync(params string[] options)
    {
        var name = "F" + Guid.NewGuid().ToString("N")[..8];
        await server.CliAsync("", ["publicfolder", "add", "example.com", name, .. options]);
        return "Public Folders/" + name;
    }

    [Fact]
    public async Task Namespace_and_list_show_the_post_offices_public_folders()
    {
        using var alice = await server.ConnectAsync();

        var shared = Assert.Single(alice.SharedNamespaces);
        Assert.Equal("Public Folders", shared.Path.TrimEnd('/'));
        var root = alice.GetFolder(shared);
        var names = (await root.GetSubfoldersAsync(false)).Select(f => f.FullName).ToList();
        Assert.Contains("Public Folders/News", names);
        Assert.DoesNotContain("Public Folders/OtherNews", names);
        // The personal namespace stays as it was: no special use moves to a public folder.
        Assert.Equal("Sent", alice.GetFolder(SpecialFolder.Sent)?.FullName);
    }

    [Fact]
    public async Task Two_users_share_a_folder_and_idle_sees_the_others_append()
    {
        var name = await NewFolderAsync();
        using var alice = await server.ConnectAsync();
        using var bob = await server.ConnectAsync("bob@example.com");
        var bobs = await bob.GetFolderAsync(name);
        await bobs.OpenAsync(FolderAccess.ReadWrite);
        Assert.Equal(0, bobs.Count);

        using var done = new CancellationTokenSource(Generous);
        bobs.CountChanged += (_, _) =>
        {
            if (bobs.Count == 1)
            {
                done.Cancel();
            }
        };
        var idle = bob.IdleAsync(done.Token);
        var alices = await alice.GetFolderAsync(name);
        var uid = await alices.AppendAsync(Message("Minutes"));
        await idle;

        Assert.Equal(1, bobs.Count);
        var summary = Assert.Single(await bobs.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.UniqueId));
        Assert.Equal("Minutes", summary.Envelope?.Subject);
        Assert.Equal(uid, summary.UniqueId);
    }

    [Fact]
    public async Task Seen_is_kept_per_user_and_other_flags_are_shared()
    {
        var name = await NewFolderAsync();
        using var alice = await server.ConnectAsync();
        using var bob = await server.ConnectAsync("bob@example.com");
        var alices = await alice.GetFolderAsync(name);
        var uid = (await alices.AppendAsync(Message("Read me")))!.Value;
        await alices.OpenAsync(FolderAccess.ReadWrite);
        await alices.AddFlagsAsync(uid, MessageFlags.Seen | MessageFlags.Flagged, true);

        var bobs = await bob.GetFolderAsync(name);
        await bobs.OpenAsync(FolderAccess.ReadWrite);
        var bobsView = Assert.Single(await bobs.FetchAsync([uid], MessageSummaryItems.Flags)).Flags;
        var alicesView = Assert.Single(await alices.FetchAsync([uid], MessageSummaryItems.Flags)).Flags;

        Assert.Equal(MessageFlags.Flagged, bobsView);
        // Alice selected the folder first, so \Recent is hers and not bob's (RFC 3501 §2.3.2).
        Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged | MessageFlags.Recent, alicesView);
        await alices.CloseAsync();
        await alices.StatusAsync(StatusItems.Unread);
        Assert.Equal(0, alices.Unread);
        await bobs.CloseAsync();
        await bobs.StatusAsync(StatusItems.Unread);
        Assert.Equal(1, bobs.Unread);
    }

    [Fact]
    public async Task A_read_only_folder_keeps_each_users_seen_and_refuses_every_other_change()
    {
        // --read-only on is anyone = lrs (RFC 4314): look up, read, and keep one's own \Seen.
        var name = await NewFolderAsync("--read-only", "on");
        using var alice = await server.ConnectAsync();
        var folder = await alice.GetFolderAsync(name);

        var refused = await Assert.ThrowsAsync<ImapCommandException>(() => folder.AppendAsync(Message("Not here")));
        Assert.Equal(ImapCommandResponse.No, refused.Response);
        Assert.Equal("lrs", (await folder.GetMyAccessRightsAsync()).ToString());
        await server.CliAsync("", "publicfolder", "set", "example.com", name["Public Folders/".Length..], "--read-only", "off");
        Assert.NotNull(await folder.AppendAsync(Message("Now allowed")));
        await server.CliAsync("", "publicfolder", "set", "example.com", name["Public Folders/".Length..], "--read-only", "on");
        await using (var raw = await RawImapClient.LoginAsync(server.Port, "bob@example.com", server.Users["bob@example.com"]))
        {
            Assert.Contains(await raw.OkAsync("s", $"SELECT \"{name}\""), l => l.StartsWith("s OK [READ-WRITE]", StringComparison.Ordinal));
            Assert.StartsWith("a NO [NOPERM]", (await raw.RunAsync("a", $"APPEND \"{name}\" {{5+}}\r\nHello"))[^1]);
            Assert.StartsWith("t NO [NOPERM]", (await raw.RunAsync("t", "UID STORE 1:* +FLAGS (\\Deleted)"))[^1]);
            Assert.StartsWith("f NO [NOPERM]", (await raw.RunAsync("f", "UID STORE 1:* +FLAGS (\\Flagged)"))[^1]);
            Assert.StartsWith("e NO [NOPERM]", (await raw.RunAsync("e", "EXPUNGE"))[^1]);
            await raw.OkAsync("r", "UID STORE 1:* +FLAGS (\\Seen)");
        }
        // With neither w, i, t nor e nor s, the folder opens read-only.
        await server.CliAsync("", "publicfolder", "revoke", "example.com", name["Public Folders/".Length..], "anyone", "s");
        Assert.Equal(FolderAccess.ReadOnly, await folder.OpenAsync(FolderAccess.ReadWrite));
    }

    [Fact]
    public async Task Another_post_office_sees_nothing_whatever_name_it_tries()
    {
        using var carol = await server.CarolAsync();
        var names = (await carol.GetFolder(carol.SharedNamespaces[0]).GetSubfoldersAsync(false)).Select(f => f.FullName).ToList();
        await using var raw = await RawImapClient.LoginAsync(server.Port, PublicFolderServer.Carol, PublicFolderServer.CarolPassword);

        Assert.Equal(["Public Folders/OtherNews"], names);
        foreach (var command in new[] { "SELECT \"Public Folders/News\"", "STATUS \"Public Folders/News\" (MESSAGES)", "EXAMINE \"Public Folders/News\"" })
        {
            var lines = await raw.RunAsync("t", command);
            Assert.StartsWith("t NO", lines[^1]);
        }
        var append = await raw.RunAsync("a", "APPEND \"Public Folders/News\" {5+}\r\nHello");
        Assert.StartsWith("a NO", append[^1]);
        var list = await raw.RunAsync("l", "LIST \"\" \"*News*\"");
        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" \"Public Folders/OtherNews\"", "l OK LIST completed"], list);
    }

    [Fact]
    public async Task The_post_office_switch_counts_while_the_server_runs()
    {
        await using var raw = await RawImapClient.LoginAsync(server.Port, PublicFolderServer.Carol, PublicFolderServer.CarolPassword);
        Assert.Contains("* NAMESPACE ((\"\" \"/\")) NIL ((\"Public Folders/\" \"/\"))", await raw.OkAsync("n", "NAMESPACE"));

        await server.CliAsync("", "postoffice", "set", "other.org", "--public-folders", "off");
        try
        {
            Assert.Contains("* NAMESPACE ((\"\" \"/\")) NIL NIL", await raw.OkAsync("n", "NAMESPACE"));
            Assert.DoesNotContain(await raw.OkAsync("l", "LIST \"\" \"*\""), l => l.Contains("Public Folders", StringComparison.Ordinal));
            Assert.StartsWith("s NO", (await raw.RunAsync("s", "SELECT \"Public Folders/OtherNews\""))[^1]);
        }
        finally
        {
            await server.CliAsync("", "postoffice", "set", "other.org", "--public-folders", "on");
        }
        Assert.StartsWith("s OK", (await raw.RunAsync("s", "SELECT \"Public Folders/OtherNews\""))[^1]);
    }

    [Fact]
    public async Task Users_create_below_the_namespace_and_copy_into_it()
    {
        using var alice = await server.ConnectAsync();
        var name = "Public Folders/Made-" + Guid.NewGuid().ToString("N")[..6];
        var root = alice.GetFolder(alice.SharedNamespaces[0]);
        var created = await root.CreateAsync(name["Public Folders/".Length..], true) ?? throw new InvalidOperationException("not created");
        var inbox = alice.Inbox;
        var uid = (await inbox.AppendAsync(Message("Pass it on")))!.Value;
        await inbox.OpenAsync(FolderAccess.ReadWrite);

        var copied = await inbox.CopyToAsync(uid, created);

        Assert.Equal(name, created.FullName);
        Assert.NotNull(copied);
        await created.StatusAsync(StatusItems.Count);
        Assert.Equal(1, created.Count);
    }

    [Fact]
    public async Task Move_into_a_public_folder_and_back_out_keeps_the_message_and_its_flags()
    {
        var name = await NewFolderAsync();
        using var alice = await server.ConnectAsync();
        var inbox = alice.Inbox;
        var uid = (await inbox.AppendAsync(Message("Travelling"), MessageFlags.Flagged | MessageFlags.Seen))!.Value;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var before = inbox.Count;
        var shared = await alice.GetFolderAsync(name);

        var inPublic = await inbox.MoveToAsync(uid, shared);
        Assert.NotNull(inPublic);
        Assert.Equal(before - 1, inbox.Count);

        await shared.OpenAsync(FolderAccess.ReadWrite);
        var seenThere = Assert.Single(await shared.FetchAsync(0, -1, MessageSummaryItems.Flags | MessageSummaryItems.UniqueId));
        Assert.Equal(MessageFlags.Flagged | MessageFlags.Seen | MessageFlags.Recent, seenThere.Flags);
        var archive = await alice.GetFolderAsync("Archive");
        var back = await shared.MoveToAsync(seenThere.UniqueId, archive);

        Assert.NotNull(back);
        Assert.Equal(0, shared.Count);
        await archive.OpenAsync(FolderAccess.ReadOnly);
        var landed = Assert.Single(await archive.FetchAsync([back.Value], MessageSummaryItems.Flags | MessageSummaryItems.Envelope));
        Assert.Equal("Travelling", landed.Envelope?.Subject);
        // New in Archive and claimed by no session yet: EXAMINE sees it \Recent (RFC 3501 §2.3.2).
        Assert.Equal(MessageFlags.Flagged | MessageFlags.Seen | MessageFlags.Recent, landed.Flags);
    }

    [Fact]
    public async Task Only_the_administrator_deletes_or_renames_and_special_uses_stay_personal()
    {
        await using var raw = await RawImapClient.LoginAsync(server.Port, "alice@example.com", server.Users["alice@example.com"]);

        var delete = await raw.RunAsync("d", "DELETE \"Public Folders/News\"");
        // Renaming needs x (RFC 4314 §4), which anyone does not hold; across namespaces it never works.
        var rename = await raw.RunAsync("r", "RENAME \"Public Folders/News\" \"Public Folders/Mine\"");
        var outOf = await raw.RunAsync("o", "RENAME \"Public Folders/News\" Mine");
        var into = await raw.RunAsync("i", "RENAME Archive \"Public Folders/Archive\"");
        var use = await raw.RunAsync("u", "CREATE \"Public Folders/Outbox\" (USE (\\Sent))");

        Assert.StartsWith("d NO [NOPERM]", Assert.Single(delete));
        Assert.StartsWith("r NO [NOPERM]", Assert.Single(rename));
        Assert.StartsWith("o NO [CANNOT]", Assert.Single(outOf));
        Assert.StartsWith("i NO [CANNOT]", Assert.Single(into));
        Assert.StartsWith("u NO [USEATTR]", Assert.Single(use));
        Assert.Contains(await raw.OkAsync("l", "LIST \"\" \"Public Folders/%\""), l => l.EndsWith("\"Public Folders/News\"", StringComparison.Ordinal));
    }
}
