using AkkaImap.IntegrationTests.Cli;
using AkkaImap.IntegrationTests.Protocol;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;
using Xunit;

namespace AkkaImap.IntegrationTests.PublicFolders;

/// <summary>
/// ACL (RFC 4314) on public folders through the real executable: MailKit's GetAccessControlList,
/// GetMyAccessRights, GetAccessRights, SetAccessRights and RemoveAccess; each right refused and then
/// allowed on the commands it governs (raw IMAP, for the exact response codes); the CLI's grant and
/// revoke counting at once in the running server; private folders answered with their owner's full
/// rights and never shared; another post office seeing nothing.
/// </summary>
public sealed class AclTests(PublicFolderServer server) : IClassFixture<PublicFolderServer>
{
    private const string Bob = "bob@example.com";

    private static MimeMessage Message(string subject) => new(
        [new MailboxAddress("Alice", "alice@example.com")], [new MailboxAddress("Team", "team@example.com")], subject,
        new TextPart("plain") { Text = "Hello team." });

    /// <summary>A new public folder holding one message (UID 1), made by the CLI; its name as users see it.</summary>
    private async Task<string> NewFolderAsync()
    {
        var inner = "A" + Guid.NewGuid().ToString("N")[..8];
        await server.CliAsync("", "publicfolder", "add", "example.com", inner);
        using var alice = await server.ConnectAsync();
        await (await alice.GetFolderAsync("Public Folders/" + inner)).AppendAsync(Message("First"));
        return "Public Folders/" + inner;
    }

    private static string Inner(string name) => name["Public Folders/".Length..];

    private Task<CliResult> Cli(params string[] args) => server.CliAsync("", args);

    private Task<RawImapClient> BobRawAsync() => RawImapClient.LoginAsync(server.Port, Bob, server.Users[Bob]);

    private static void Refused(IReadOnlyList<string> lines, string tag, string code = "[NOPERM]") =>
        Assert.StartsWith($"{tag} NO {code}", lines[^1]);

    private static void Ok(IReadOnlyList<string> lines, string tag) => Assert.StartsWith($"{tag} OK", lines[^1]);

    [Fact]
    public async Task Acl_and_rights_texk_are_advertised()
    {
        using var alice = await server.ConnectAsync();
        Assert.True(alice.Capabilities.HasFlag(ImapCapabilities.Acl));
        await using var raw = await BobRawAsync();
        var capability = (await raw.OkAsync("c", "CAPABILITY"))[0];
        Assert.Contains(" ACL ", capability + " ");
        Assert.Contains(" RIGHTS=texk", capability);
    }

    [Fact]
    public async Task A_new_public_folder_gives_anyone_lrswipkte_and_only_an_administrator_reads_its_list()
    {
        var name = await NewFolderAsync();
        using var bob = await server.ConnectAsync(Bob);
        var folder = await bob.GetFolderAsync(name);

        // "d" stands for t and e (RFC 4314 §2.1.1); without x there is no "c".
        Assert.Equal("lrswipkted", (await folder.GetMyAccessRightsAsync()).ToString());
        var refused = await Assert.ThrowsAsync<ImapCommandException>(() => folder.GetAccessControlListAsync());
        Assert.Equal(ImapCommandResponse.No, refused.Response);

        await Cli("publicfolder", "grant", "example.com", Inner(name), "bob", "a");
        var acl = await folder.GetAccessControlListAsync();
        Assert.Equal(["anyone=lrswipkted", "bob@example.com=a"], acl.Select(a => $"{a.Name}={a.Rights}"));
        Assert.Equal("lrswipktead", (await folder.GetMyAccessRightsAsync()).ToString());
        var listed = await folder.GetAccessRightsAsync("anyone");
        Assert.Equal("lrswipkxtea", listed.ToString());
    }

    [Fact]
    public async Task An_administrator_sets_and_removes_rights_and_the_other_user_feels_them_at_once()
    {
        var name = await NewFolderAsync();
        await Cli("publicfolder", "grant", "example.com", Inner(name), "alice@example.com", "a");
        using var alice = await server.ConnectAsync();
        using var bob = await server.ConnectAsync(Bob);
        var alices = await alice.GetFolderAsync(name);
        var bobs = await bob.GetFolderAsync(name);

        await alices.SetAccessRightsAsync("anyone", new AccessRights("lr"));
        Assert.Equal("lr", (await bobs.GetMyAccessRightsAsync()).ToString());
        Assert.Equal(FolderAccess.ReadOnly, await bobs.OpenAsync(FolderAccess.ReadWrite));
        await bobs.CloseAsync();
        Assert.Equal(ImapCommandResponse.No, (await Assert.ThrowsAsync<ImapCommandException>(() => bobs.AppendAsync(Message("No")))).Response);

        await alices.AddAccessRightsAsync(Bob, new AccessRights("i"));
        Assert.NotNull(await bobs.AppendAsync(Message("Yes")));
        await alices.RemoveAccessRightsAsync("anyone", new AccessRights("r"));
        Assert.Equal("li", (await bobs.GetMyAccessRightsAsync()).ToString());
        await alices.RemoveAccessAsync(Bob);
        Assert.Equal("l", (await bobs.GetMyAccessRightsAsync()).ToString());
        Assert.Equal(["anyone=l", "alice@example.com=a"], (await alices.GetAccessControlListAsync()).Select(a => $"{a.Name}={a.Rights}"));
    }

    [Fact]
    public async Task Setacl_refuses_unknown_rights_negative_identifiers_and_mailboxes_of_another_post_office()
    {
        var name = await NewFolderAsync();
        await Cli("publicfolder", "grant", "example.com", Inner(name), "bob", "a");
        await using var raw = await BobRawAsync();

        Assert.StartsWith("u BAD", (await raw.RunAsync("u", $"SETACL \"{name}\" anyone lrz"))[^1]);
        Assert.StartsWith("n NO", (await raw.RunAsync("n", $"SETACL \"{name}\" -anyone r"))[^1]);
        Assert.StartsWith("o NO", (await raw.RunAsync("o", $"SETACL \"{name}\" {PublicFolderServer.Carol} lr"))[^1]);
        Assert.StartsWith("m NO", (await raw.RunAsync("m", $"SETACL \"{name}\" nobody@example.com lr"))[^1]);
        // The obsolete c and d stand for kx and te.
        await raw.OkAsync("c", $"SETACL \"{name}\" alice cd");
        Assert.Contains(await raw.OkAsync("g", $"GETACL \"{name}\""), l => l == $"* ACL \"{name}\" anyone lrswipkted alice@example.com kxtecd bob@example.com a");
    }

    [Fact]
    public async Task Private_folders_answer_full_rights_for_their_owner_and_are_never_shared()
    {
        using var bob = await server.ConnectAsync(Bob);
        var inbox = bob.Inbox;

        Assert.Equal("lrswipkxteacd", (await inbox.GetMyAccessRightsAsync()).ToString());
        Assert.Equal(["bob@example.com=lrswipkxteacd"], (await inbox.GetAccessControlListAsync()).Select(a => $"{a.Name}={a.Rights}"));
        await using var raw = await BobRawAsync();
        Refused(await raw.RunAsync("s", "SETACL INBOX alice@example.com lr"), "s");
        Refused(await raw.RunAsync("d", "DELETEACL INBOX bob@example.com"), "d");
        Assert.StartsWith("n NO [NONEXISTENT]", (await raw.RunAsync("n", "MYRIGHTS Missing"))[^1]);
    }

    [Fact]
    public async Task Another_post_office_sees_no_rights_and_no_list()
    {
        var name = await NewFolderAsync();
        await using var carol = await RawImapClient.LoginAsync(server.Port, PublicFolderServer.Carol, PublicFolderServer.CarolPassword);

        foreach (var command in new[] { "MYRIGHTS", "GETACL" })
        {
            Refused(await carol.RunAsync("t", $"{command} \"{name}\""), "t", "[NONEXISTENT]");
        }
        Refused(await carol.RunAsync("l", $"LISTRIGHTS \"{name}\" anyone"), "l", "[NONEXISTENT]");
        Assert.StartsWith("s NO", (await carol.RunAsync("s", $"SETACL \"{name}\" anyone lrswipkxtea"))[^1]);
        Assert.Equal("lrswipkte", (await AclOf(name)).Single(e => e.StartsWith("anyone=", StringComparison.Ordinal))["anyone=".Length..]);
    }

    private async Task<string[]> AclOf(string name)
    {
        var line = (await Cli("publicfolder", "list", "example.com")).StdoutLines.Single(l => l.StartsWith(Inner(name) + "\t", StringComparison.Ordinal));
        return line.Split('\t')[^1].Split(' ');
    }

    /// <summary>
    /// Bob holds every right but one (anyone holds none): the commands that right governs are
    /// refused; granted with the CLI while bob stays connected, they work.
    /// </summary>
    [Theory]
    [InlineData('l')]
    [InlineData('r')]
    [InlineData('s')]
    [InlineData('w')]
    [InlineData('i')]
    [InlineData('k')]
    [InlineData('x')]
    [InlineData('t')]
    [InlineData('e')]
    [InlineData('a')]
    public async Task Each_right_is_enforced_on_the_commands_it_governs(char right)
    {
        var name = await NewFolderAsync();
        var inner = Inner(name);
        await Cli("publicfolder", "revoke", "example.com", inner, "anyone", "all");
        await Cli("publicfolder", "grant", "example.com", inner, Bob, "lrswipkxtea".Replace(right.ToString(), ""));
        await using var bob = await BobRawAsync();

        if (right != 'r')
        {
            await bob.OkAsync("s0", $"SELECT \"{name}\"");
        }
        await Governed(bob, name, right, allowed: false);
        await Cli("publicfolder", "grant", "example.com", inner, Bob, right.ToString());
        await Governed(bob, name, right, allowed: true);
    }

    private static async Task Governed(RawImapClient bob, string name, char right, bool allowed)
    {
        void Check(IReadOnlyList<string> lines, string tag)
        {
            if (allowed) Ok(lines, tag);
            else Refused(lines, tag);
        }
        switch (right)
        {
            case 'l':
                var listed = await bob.OkAsync("l", "LIST \"\" \"Public Folders/*\"");
                Assert.Equal(allowed, listed.Any(l => l.EndsWith($"\"{name}\"", StringComparison.Ordinal)));
                await bob.RunAsync("u", $"SUBSCRIBE \"{name}\"");
                Assert.Equal(allowed, (await bob.OkAsync("ls", "LSUB \"\" \"Public Folders/*\"")).Any(l => l.EndsWith($"\"{name}\"", StringComparison.Ordinal)));
                break;
            case 'r':
                Check(await bob.RunAsync("r", $"SELECT \"{name}\""), "r");
                // Without r, STATUS answers as for a folder that is not there.
                var status = await bob.RunAsync("q", $"STATUS \"{name}\" (MESSAGES)");
                Assert.StartsWith(allowed ? "q OK" : "q NO", status[^1]);
                break;
            case 's':
                Check(await bob.RunAsync("s", "UID STORE 1 +FLAGS (\\Seen)"), "s");
                if (!allowed)
                {
                    // A body FETCH does not fail without s; it just leaves \Seen alone.
                    await bob.OkAsync("f", "UID FETCH 1 BODY[TEXT]");
                    Assert.DoesNotContain(await bob.OkAsync("g", "UID FETCH 1 FLAGS"), l => l.Contains("\\Seen", StringComparison.Ordinal));
                }
                break;
            case 'w':
                Check(await bob.RunAsync("w", "UID STORE 1 +FLAGS (\\Flagged)"), "w");
                Check(await bob.RunAsync("k", "UID STORE 1 +FLAGS (Later)"), "k");
                break;
            case 't':
                Check(await bob.RunAsync("t", "UID STORE 1 +FLAGS (\\Deleted)"), "t");
                break;
            case 'e':
                await bob.OkAsync("d", "UID STORE 1 +FLAGS (\\Deleted)");
                Check(await bob.RunAsync("e", "EXPUNGE"), "e");
                break;
            case 'i':
                Check(await bob.RunAsync("i", $"APPEND \"{name}\" {{5+}}\r\nHello"), "i");
                Check(await bob.RunAsync("c", $"UID COPY 1 \"{name}\""), "c");
                break;
            case 'k':
                Check(await bob.RunAsync("k", $"CREATE \"{name}/Sub\""), "k");
                break;
            case 'x':
                if (!allowed)
                {
                    await bob.OkAsync("u", "UNSELECT");
                }
                Check(await bob.RunAsync("x", $"DELETE \"{name}\""), "x");
                break;
            case 'a':
                Check(await bob.RunAsync("g", $"GETACL \"{name}\""), "g");
                Check(await bob.RunAsync("p", $"LISTRIGHTS \"{name}\" anyone"), "p");
                Check(await bob.RunAsync("a", $"SETACL \"{name}\" anyone l"), "a");
                Check(await bob.RunAsync("d", $"DELETEACL \"{name}\" anyone"), "d");
                break;
        }
    }

    /// <summary>
    /// RFC 4314 §4: RENAME of a public folder needs x on it and k on the new parent; the folder keeps
    /// its messages and its ACL, and a session that has it selected goes on using it.
    /// </summary>
    [Fact]
    public async Task Rename_of_a_public_folder_needs_x_on_it_and_k_on_the_new_parent()
    {
        var name = await NewFolderAsync();
        var parent = await NewFolderAsync();
        foreach (var folder in new[] { name, parent })
        {
            await Cli("publicfolder", "revoke", "example.com", Inner(folder), "anyone", "all");
            await Cli("publicfolder", "grant", "example.com", Inner(folder), Bob, "lr");
        }
        var acl = await AclOf(name);
        await using var bob = await BobRawAsync();
        await using var watcher = await BobRawAsync();
        await watcher.OkAsync("s", $"SELECT \"{name}\"");

        Refused(await bob.RunAsync("r1", $"RENAME \"{name}\" \"{name}X\""), "r1");
        await Cli("publicfolder", "grant", "example.com", Inner(name), Bob, "x");
        Ok(await bob.RunAsync("r2", $"RENAME \"{name}\" \"{name}X\""), "r2");
        Refused(await bob.RunAsync("r3", $"RENAME \"{name}X\" \"{parent}/Sub\""), "r3");
        await Cli("publicfolder", "grant", "example.com", Inner(parent), Bob, "k");
        Ok(await bob.RunAsync("r4", $"RENAME \"{name}X\" \"{parent}/Sub\""), "r4");

        var listed = await bob.OkAsync("l", "LIST \"\" \"Public Folders/*\"");
        Assert.Contains(listed, l => l.EndsWith($"\"{parent}/Sub\"", StringComparison.Ordinal));
        Assert.DoesNotContain(listed, l => l.EndsWith($"\"{name}\"", StringComparison.Ordinal) || l.EndsWith($"\"{name}X\"", StringComparison.Ordinal));
        // The list went with the folder, x included; the old name has none.
        Assert.Equal(acl.Select(e => e.StartsWith("bob", StringComparison.Ordinal) ? e + "x" : e), await AclOf($"{parent}/Sub"));
        Assert.Contains(await bob.OkAsync("g", $"MYRIGHTS \"{parent}/Sub\""), l => l.StartsWith("* MYRIGHTS ", StringComparison.Ordinal) && l.EndsWith(" lrx", StringComparison.Ordinal));
        // The session that had it selected still reads the same message under the same UID.
        await watcher.OkAsync("n", "NOOP");
        Assert.Contains(await watcher.OkAsync("f", "UID FETCH 1 (UID)"), l => l.StartsWith("* 1 FETCH (UID 1)", StringComparison.Ordinal));
        Assert.Contains(await bob.OkAsync("t", $"STATUS \"{parent}/Sub\" (MESSAGES)"), l => l.Contains("(MESSAGES 1)", StringComparison.Ordinal));
    }

    /// <summary>
    /// RFC 4314 §4: flags of an APPEND, COPY or MOVE into a public folder that the reader may not
    /// set are dropped and the command succeeds: \Seen needs s, \Deleted t, the rest and keywords w.
    /// </summary>
    [Theory]
    [InlineData("lri", "")]
    [InlineData("lrsti", "\\Seen \\Deleted")]
    [InlineData("lrswi", "\\Seen \\Answered \\Flagged Later")]
    [InlineData("lrswit", "\\Seen \\Answered \\Flagged \\Deleted Later")]
    public async Task Flags_the_reader_may_not_set_are_dropped_from_append_copy_and_move(string rights, string kept)
    {
        var name = await NewFolderAsync();
        var inner = Inner(name);
        await Cli("publicfolder", "revoke", "example.com", inner, "anyone", "all");
        await Cli("publicfolder", "grant", "example.com", inner, Bob, rights);
        await using var bob = await BobRawAsync();
        var own = "F" + Guid.NewGuid().ToString("N")[..8];
        await bob.OkAsync("c", "CREATE " + own);
        const string flags = "(\\Seen \\Answered \\Flagged \\Deleted Later)";
        await bob.OkAsync("a1", $"APPEND {own} {flags} {{5+}}\r\nHello");
        await bob.OkAsync("a2", $"APPEND {own} {flags} {{5+}}\r\nHello");
        await bob.OkAsync("s", "SELECT " + own);

        Ok(await bob.RunAsync("a", $"APPEND \"{name}\" {flags} {{5+}}\r\nHello"), "a");
        Ok(await bob.RunAsync("c", $"COPY 1 \"{name}\""), "c");
        Ok(await bob.RunAsync("m", $"MOVE 2 \"{name}\""), "m");

        await bob.OkAsync("p", $"EXAMINE \"{name}\"");
        var fetched = (await bob.OkAsync("f", "FETCH 2:* (FLAGS)")).Where(l => l.StartsWith("* ", StringComparison.Ordinal) && l.Contains(" FETCH ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, fetched.Count);
        foreach (var line in fetched)
        {
            var inside = line[(line.IndexOf("FLAGS (", StringComparison.Ordinal) + 7)..];
            var shown = inside[..inside.IndexOf(')', StringComparison.Ordinal)].Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(f => f != "\\Recent");
            Assert.Equal(kept.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(), shown.Order());
        }
    }

    [Fact]
    public async Task Revoking_read_ends_the_sessions_that_have_the_folder_selected()
    {
        var name = await NewFolderAsync();
        await using var bob = await BobRawAsync();
        await bob.OkAsync("s", $"SELECT \"{name}\"");

        await Cli("publicfolder", "revoke", "example.com", Inner(name), "anyone", "r");

        var rest = await bob.ReadUntilClosedAsync();
        Assert.Contains(rest, l => l.StartsWith("* BYE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_cli_refuses_unknown_rights_and_mailboxes_of_another_post_office_with_one_line()
    {
        var name = await NewFolderAsync();
        var wrongRight = await AkkaImapExecutable.RunWithUmaskAsync("", null, ["publicfolder", "grant", "example.com", Inner(name), "bob", "lrz", "--config", server.ConfigFile]);
        var wrongWho = await AkkaImapExecutable.RunWithUmaskAsync("", null, ["publicfolder", "grant", "example.com", Inner(name), PublicFolderServer.Carol, "lr", "--config", server.ConfigFile]);

        Assert.Equal(1, wrongRight.ExitCode);
        Assert.Equal("unknown right 'z' in lrz: use letters of lrswipkxtea (c and d as RFC 4314 defines them), or all", Assert.Single(wrongRight.StderrLines));
        Assert.Equal(1, wrongWho.ExitCode);
        Assert.StartsWith("no mailbox carol@other.org in example.com", Assert.Single(wrongWho.StderrLines));
        Assert.Equal(["anyone=lrswipkte"], await AclOf(name));
    }
}
