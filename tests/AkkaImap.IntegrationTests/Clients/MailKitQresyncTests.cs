using System.Globalization;
using System.Text.RegularExpressions;
using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.IntegrationTests.Protocol;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Clients;

/// <summary>
/// CONDSTORE and QRESYNC (RFC 7162) with the real executable: MailKit resynchronising a folder
/// after another client changed flags and expunged, and the wire details (enabling commands,
/// HIGHESTMODSEQ, MODSEQ, CHANGEDSINCE, UNCHANGEDSINCE and MODIFIED, VANISHED) with a raw client.
/// </summary>
public sealed partial class MailKitQresyncTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Alice = "alice@example.com";
    private const string Bob = "bob@example.com";

    [Fact]
    public async Task A_client_that_resyncs_gets_exactly_the_flag_changes_and_expunges_made_elsewhere()
    {
        var name = "Q" + Guid.NewGuid().ToString("N")[..8];
        uint validity;
        ulong highest;
        IList<UniqueId> known;
        using (var first = await server.ConnectAsync())
        {
            await first.EnableQuickResyncAsync();
            var created = await first.GetFolder(first.PersonalNamespaces[0]).CreateAsync(name, true)
                ?? throw new InvalidOperationException("CREATE failed");
            for (int i = 1; i <= 5; i++)
            {
                await created.AppendAsync(Message("message " + i), MessageFlags.None);
            }
            await created.OpenAsync(FolderAccess.ReadWrite);
            validity = created.UidValidity;
            highest = created.HighestModSeq;
            known = await created.SearchAsync(MailKit.Search.SearchQuery.All);
            Assert.Equal(5, known.Count);
            await first.DisconnectAsync(true);
        }

        // Another client flags the second message, expunges the fourth and adds one.
        using (var other = await server.ConnectAsync())
        {
            var folder = await other.GetFolderAsync(name);
            await folder.OpenAsync(FolderAccess.ReadWrite);
            await folder.AddFlagsAsync(known[1], MessageFlags.Flagged, silent: true);
            await folder.AddFlagsAsync(known[3], MessageFlags.Deleted, silent: true);
            await folder.ExpungeAsync();
            await folder.AppendAsync(Message("message 6"), MessageFlags.None);
            await other.DisconnectAsync(true);
        }

        using var client = await server.ConnectAsync();
        await client.EnableQuickResyncAsync();
        var resynced = await client.GetFolderAsync(name);
        var vanished = new List<(UniqueId Uid, bool Earlier)>();
        var flagged = new List<(UniqueId? Uid, MessageFlags Flags, ulong? ModSeq)>();
        resynced.MessagesVanished += (_, e) => vanished.AddRange(e.UniqueIds.Select(uid => (uid, e.Earlier)));
        resynced.MessageFlagsChanged += (_, e) => flagged.Add((e.UniqueId, e.Flags, e.ModSeq));
        await resynced.OpenAsync(FolderAccess.ReadWrite, validity, highest, known);

        Assert.Equal([(known[3], true)], vanished);
        var change = Assert.Single(flagged, f => f.Uid == known[1]);
        Assert.True(change.Flags.HasFlag(MessageFlags.Flagged));
        Assert.True(change.ModSeq > highest);
        // The new message is a change too (it is not among the known UIDs, so the count tells it).
        Assert.DoesNotContain(flagged, f => f.Uid is { } uid && uid != known[1] && known.Contains(uid));
        Assert.Equal(5, resynced.Count);
        Assert.True(resynced.HighestModSeq > highest);

        // Nothing has changed since: a second resync from the new state reports nothing.
        var now = resynced.HighestModSeq;
        var uids = await resynced.SearchAsync(MailKit.Search.SearchQuery.All);
        await resynced.CloseAsync();
        vanished.Clear();
        flagged.Clear();
        await resynced.OpenAsync(FolderAccess.ReadWrite, validity, now, uids);
        Assert.Empty(vanished);
        Assert.Empty(flagged);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Condstore_commands_report_modseqs_and_refuse_a_store_on_a_message_changed_since()
    {
        var folder = await NewFolderAsync(3);
        await using var a = await RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice]);
        Assert.Contains(a.Received, l => l.Contains(" CONDSTORE", StringComparison.Ordinal) && l.Contains(" QRESYNC", StringComparison.Ordinal));
        await a.OkAsync("s", "SELECT " + folder);

        // FETCH MODSEQ enables CONDSTORE: HIGHESTMODSEQ is reported first (RFC 7162 §3.1).
        var fetch = await a.OkAsync("f", "FETCH 1:* (UID MODSEQ)");
        var highest = ulong.Parse(HighestModSeq().Match(string.Join("\n", fetch)).Groups[1].Value, CultureInfo.InvariantCulture);
        var modseqs = fetch.Select(l => ModSeq().Match(l)).Where(m => m.Success).Select(m => ulong.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(3, modseqs.Count);
        Assert.Equal(highest, modseqs.Max());

        // Another session changes message 2; a conditional STORE based on the old MODSEQ fails for it.
        await using var b = await RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice]);
        await b.OkAsync("s", "SELECT " + folder);
        var bStore = await b.OkAsync("b", "STORE 2 +FLAGS (\\Answered)");
        await a.OkAsync("n", "NOOP");
        var conditional = await a.RunAsync("c", $"STORE 1:3 (UNCHANGEDSINCE {highest}) +FLAGS.SILENT (\\Flagged)");
        Assert.StartsWith("c OK [MODIFIED 2] ", conditional[^1]);
        Assert.Contains(conditional, l => l.StartsWith("* 1 FETCH (MODSEQ (", StringComparison.Ordinal));
        Assert.DoesNotContain(conditional, l => l.StartsWith("* 2 FETCH", StringComparison.Ordinal) && l.Contains("\\Flagged", StringComparison.Ordinal));

        // CHANGEDSINCE and SEARCH MODSEQ name exactly what changed after the first MODSEQ.
        var changed = await a.OkAsync("g", $"FETCH 1:* (FLAGS) (CHANGEDSINCE {highest})");
        Assert.Equal(3, changed.Count(l => l.StartsWith("* ", StringComparison.Ordinal) && l.Contains(" FETCH (", StringComparison.Ordinal)));
        Assert.Contains(await a.OkAsync("h", $"SEARCH MODSEQ {highest + 1}"), l => l.StartsWith("* SEARCH 1 2 3 (MODSEQ ", StringComparison.Ordinal));
        Assert.Contains(await a.OkAsync("t", $"STATUS INBOX (HIGHESTMODSEQ)"), l => l.StartsWith("* STATUS INBOX (HIGHESTMODSEQ ", StringComparison.Ordinal));
        Assert.NotEmpty(bStore);
    }

    [Fact]
    public async Task Once_qresync_is_enabled_expunges_are_vanished_and_uid_fetch_says_what_vanished_earlier()
    {
        var folder = await NewFolderAsync(4);
        await using var a = await RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice]);
        Assert.StartsWith("q BAD ", (await a.RunAsync("q", $"SELECT {folder} (QRESYNC (1 1))"))[^1]);
        Assert.Contains("* ENABLED QRESYNC", await a.OkAsync("e", "ENABLE QRESYNC"));
        var select = await a.OkAsync("s", "SELECT " + folder);
        var highest = ulong.Parse(HighestModSeq().Match(string.Join("\n", select)).Groups[1].Value, CultureInfo.InvariantCulture);
        var uids = (await a.OkAsync("u", "UID SEARCH ALL"))[0]["* SEARCH ".Length..].Split(' ').Select(uint.Parse).ToArray();

        await a.OkAsync("d", $"UID STORE {uids[0]},{uids[2]} +FLAGS.SILENT (\\Deleted)");
        var expunge = await a.OkAsync("x", "EXPUNGE");
        Assert.Contains($"* VANISHED {uids[0]},{uids[2]}", expunge);
        Assert.DoesNotContain(expunge, l => l.EndsWith(" EXPUNGE", StringComparison.Ordinal));

        var fetch = await a.OkAsync("f", $"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {highest} VANISHED)");
        Assert.Equal($"* VANISHED (EARLIER) {uids[0]},{uids[2]}", fetch[0]);

        // A fresh session resyncs with what it knew: the two that went, nothing else changed.
        await using var b = await RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice]);
        await b.OkAsync("e", "ENABLE QRESYNC");
        var validity = UidValidity().Match(string.Join("\n", select)).Groups[1].Value;
        var resync = await b.OkAsync("s", $"SELECT {folder} (QRESYNC ({validity} {highest} {uids[0]}:{uids[^1]}))");
        Assert.Contains($"* VANISHED (EARLIER) {uids[0]},{uids[2]}", resync);
        Assert.DoesNotContain(resync, l => l.Contains(" FETCH (", StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_a_public_folder_a_users_seen_is_their_own_and_resync_reports_it_to_them_alone()
    {
        var name = "Public Folders/R" + Guid.NewGuid().ToString("N")[..8];
        await using var alice = await RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice]);
        await alice.OkAsync("c", $"CREATE \"{name}\"");
        var message = Mail.Message("shared");
        await alice.OkAsync("a", $"APPEND \"{name}\" {{{message.Length}+}}\r\n{message}");
        await alice.OkAsync("e", "ENABLE QRESYNC");
        var select = await alice.OkAsync("s", $"SELECT \"{name}\"");
        var highest = ulong.Parse(HighestModSeq().Match(string.Join("\n", select)).Groups[1].Value, CultureInfo.InvariantCulture);
        var validity = UidValidity().Match(string.Join("\n", select)).Groups[1].Value;

        await using var bob = await RawImapClient.LoginAsync(server.Port, Bob, server.Users[Bob]);
        await bob.OkAsync("e", "ENABLE QRESYNC");
        await bob.OkAsync("s", $"SELECT \"{name}\"");
        var seen = await bob.OkAsync("t", "STORE 1 +FLAGS (\\Seen)");
        Assert.Contains(seen, l => l.StartsWith("* 1 FETCH", StringComparison.Ordinal) && l.Contains("\\Seen", StringComparison.Ordinal) && l.Contains("MODSEQ", StringComparison.Ordinal));

        // Bob's \Seen bumped the MODSEQ, but what alice learns of the message has no \Seen.
        await alice.OkAsync("u", "UNSELECT");
        var resync = await alice.OkAsync("r", $"SELECT \"{name}\" (QRESYNC ({validity} {highest}))");
        var line = Assert.Single(resync, l => l.StartsWith("* 1 FETCH", StringComparison.Ordinal));
        Assert.DoesNotContain("\\Seen", line);
        Assert.Contains("MODSEQ", line);
    }

    // ---- helpers ----

    private static MimeMessage Message(string subject) => new(
        [new MailboxAddress("Alice", Alice)], [new MailboxAddress("Bob", Bob)], subject, new TextPart("plain") { Text = "Body of " + subject });

    private async Task<string> NewFolderAsync(int count)
    {
        var folder = "C" + Guid.NewGuid().ToString("N")[..10];
        await using var client = await RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice]);
        await client.OkAsync("c", "CREATE " + folder);
        for (int i = 0; i < count; i++)
        {
            var message = Mail.Message($"message {i + 1}");
            await client.OkAsync("ap", $"APPEND {folder} {{{message.Length}+}}\r\n{message}");
        }
        return folder;
    }

    [GeneratedRegex(@"\[HIGHESTMODSEQ (\d+)\]")]
    private static partial Regex HighestModSeq();

    [GeneratedRegex(@"\[UIDVALIDITY (\d+)\]")]
    private static partial Regex UidValidity();

    [GeneratedRegex(@"MODSEQ \((\d+)\)")]
    private static partial Regex ModSeq();
}
