using System.Globalization;
using System.Text.RegularExpressions;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Protocol;

/// <summary>
/// SPEC "Concurrency": two sessions of alice on one folder learn of each other's changes at the
/// moments RFC 9051 allows (§7.5.1: never an EXPUNGE while a FETCH, STORE or SEARCH by sequence
/// number runs; §5.2: EXISTS/FETCH at the next command), IDLE hears them at once (RFC 2177),
/// pipelined commands are answered in order (§5.5) and literals follow §7.5 / RFC 7888.
/// Each test works in a folder of its own, so tests of the class cannot disturb one another.
/// </summary>
public sealed partial class ConcurrencyTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Alice = "alice@example.com";

    [Fact]
    public async Task An_expunge_by_another_session_waits_through_fetch_and_store_by_number_and_comes_at_noop()
    {
        var (folder, uids) = await NewFolderAsync(3);
        await using var a = await SelectAsync(folder);
        await using var b = await SelectAsync(folder);
        await b.OkAsync("d", "STORE 2 +FLAGS.SILENT (\\Deleted)");
        Assert.Contains("* 2 EXPUNGE", await b.OkAsync("x", "EXPUNGE"));

        // A STORE goes through the account actor, which told A of the expunge before answering B:
        // once it is answered the expunge is queued in A's session. STORE by number: still held.
        var store = await a.OkAsync("s", "STORE 1 +FLAGS.SILENT (\\Flagged)");
        Assert.DoesNotContain(store, IsExpunge);

        // A's numbering is unchanged during FETCH 1:*: three messages, no EXPUNGE.
        var fetch = await a.OkAsync("f", "FETCH 1:* (UID FLAGS)");
        Assert.DoesNotContain(fetch, IsExpunge);
        Assert.Equal([$"1 {uids[0]}", $"2 {uids[1]}", $"3 {uids[2]}"], FetchedUids(fetch));
        Assert.DoesNotContain(await a.OkAsync("h", "SEARCH ALL"), IsExpunge);

        var noop = await a.OkAsync("n", "NOOP");
        Assert.Equal(["* 2 EXPUNGE"], noop.Where(IsExpunge));
        Assert.Equal([$"1 {uids[0]}", $"2 {uids[2]}"], FetchedUids(await a.OkAsync("g", "FETCH 1:* (UID)")));
    }

    [Fact]
    public async Task Fetches_pipelined_while_another_session_expunges_never_see_an_expunge()
    {
        var (folder, _) = await NewFolderAsync(12);
        await using var a = await SelectAsync(folder);
        await using var b = await SelectAsync(folder);
        await b.OkAsync("d", "STORE 1:* +FLAGS.SILENT (\\Deleted)");

        // Whenever the expunge reaches A's session, it lands between or during these FETCHes.
        const int Fetches = 15;
        await a.SendAsync(string.Concat(Enumerable.Range(0, Fetches).Select(i => $"f{i} FETCH 1:* FLAGS\r\n")));
        await b.OkAsync("x", "EXPUNGE");
        for (int i = 0; i < Fetches; i++)
        {
            var lines = await a.ReadUntilTaggedAsync($"f{i}");
            Assert.StartsWith($"f{i} OK", lines[^1]);
            Assert.DoesNotContain(lines, IsExpunge);
            // Flag updates from B's STORE may come too, but the numbers stay 1..12.
            Assert.Equal(Enumerable.Range(1, 12), lines.Select(l => FetchLine().Match(l)).Where(m => m.Success)
                .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct().Order());
        }

        // All twelve are reported once a command allows it: each as "* 1 EXPUNGE" (§7.5.1 renumbering).
        var expunges = await NoopUntilAsync(a, lines => lines.Count(IsExpunge) >= 12);
        Assert.Equal(Enumerable.Repeat("* 1 EXPUNGE", 12), expunges.Where(IsExpunge));
    }

    [Fact]
    public async Task A_fetch_of_a_message_expunged_elsewhere_sends_the_others_and_says_EXPUNGEISSUED()
    {
        var (folder, uids) = await NewFolderAsync(3);
        await using var a = await SelectAsync(folder);
        await using var b = await SelectAsync(folder);
        await b.OkAsync("d", "STORE 2 +FLAGS.SILENT (\\Deleted)");
        await b.OkAsync("x", "EXPUNGE");
        await a.OkAsync("s", "STORE 1 +FLAGS.SILENT (\\Flagged)");

        // Message 2 is still message 2 for A (§7.5.1) but its content is gone: the others are sent
        // and the tagged OK says why one is missing (RFC 5530 EXPUNGEISSUED), as Dovecot does.
        var fetch = await a.RunAsync("f", "FETCH 1:3 (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])");

        Assert.StartsWith("f OK [EXPUNGEISSUED] ", fetch[^1]);
        Assert.Equal([$"1 {uids[0]}", $"3 {uids[2]}"], FetchedUids(fetch));
        Assert.DoesNotContain(fetch, IsExpunge);
        Assert.Equal(["* 2 EXPUNGE"], (await a.OkAsync("n", "NOOP")).Where(IsExpunge));

        // A fetch that misses nothing says nothing of the kind.
        Assert.Equal("g OK FETCH completed", (await a.OkAsync("g", "FETCH 1:2 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))[^1]);
    }

    [Fact]
    public async Task An_expunge_pending_at_a_uid_fetch_is_reported_exactly_once_with_consistent_numbers()
    {
        var (folder, uids) = await NewFolderAsync(3);
        await using var a = await SelectAsync(folder);
        await using var b = await SelectAsync(folder);
        await b.OkAsync("d", "UID STORE " + uids[1] + " +FLAGS.SILENT (\\Deleted)");
        await b.OkAsync("x", "EXPUNGE");
        await a.OkAsync("s", "STORE 1 +FLAGS.SILENT (\\Flagged)");

        // RFC 9051 §7.5.1 lets UID FETCH carry the EXPUNGE; the server may also keep it for later.
        var uidFetch = await a.OkAsync("u", "UID FETCH 1:* (FLAGS)");
        var noop = await a.OkAsync("n", "NOOP");

        Assert.Equal(["* 2 EXPUNGE"], uidFetch.Concat(noop).Where(IsExpunge));
        // Every FETCH before the EXPUNGE uses the old numbers, every one after it the new ones.
        int expungeAt = uidFetch.ToList().FindIndex(IsExpunge);
        foreach (var (line, index) in uidFetch.Select((l, i) => (l, i)).Where(p => FetchLine().IsMatch(p.l)))
        {
            var known = expungeAt < 0 || index < expungeAt ? uids : new[] { uids[0], uids[2] };
            var m = FetchLine().Match(line);
            Assert.Equal(known[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) - 1].ToString(CultureInfo.InvariantCulture), m.Groups[2].Value);
        }

        Assert.Equal([$"1 {uids[0]}", $"2 {uids[2]}"], FetchedUids(await a.OkAsync("g", "FETCH 1:* (UID)")));
    }

    [Fact]
    public async Task An_own_expunge_after_anothers_is_numbered_after_the_others_expunge()
    {
        var (folder, uids) = await NewFolderAsync(3);
        await using var a = await SelectAsync(folder);
        await using var b = await SelectAsync(folder);
        await b.OkAsync("d", "STORE 2 +FLAGS.SILENT (\\Deleted)");
        await b.OkAsync("x", "EXPUNGE");
        await a.OkAsync("s", "STORE 3 +FLAGS.SILENT (\\Deleted)");

        // B's expunge of message 2 comes first, so A's message 3 is then message 2 (RFC 9051 §7.5.1).
        var expunge = await a.OkAsync("x", "EXPUNGE");

        Assert.Equal(["* 2 EXPUNGE", "* 2 EXPUNGE"], expunge.Where(IsExpunge));
        Assert.Equal([$"1 {uids[0]}"], FetchedUids(await a.OkAsync("f", "FETCH 1:* (UID)")));
        var noop = await NoopUntilAsync(b, lines => lines.Any(IsExpunge));
        Assert.Equal(["* 2 EXPUNGE"], noop.Where(IsExpunge));
    }

    [Fact]
    public async Task Another_sessions_append_is_announced_as_EXISTS_at_the_next_command()
    {
        var (folder, _) = await NewFolderAsync(2);
        await using var a = await SelectAsync(folder);
        await using var b = await SelectAsync(folder);

        var appended = await AppendAsync(b, folder, Mail.Message("from B"));

        var noop = await NoopUntilAsync(a, lines => lines.Contains("* 3 EXISTS"));
        Assert.DoesNotContain(noop, IsExpunge);
        Assert.Equal($"3 {appended}", FetchedUids(await a.OkAsync("f", "FETCH 3 (UID)")).Single());
    }

    [Fact]
    public async Task Another_sessions_store_reaches_a_as_FETCH_FLAGS_at_the_next_noop()
    {
        var (folder, uids) = await NewFolderAsync(2);
        await using var a = await SelectAsync(folder);
        await using var b = await SelectAsync(folder);

        await b.OkAsync("s", "STORE 2 +FLAGS.SILENT (\\Flagged $Important)");

        var noop = await NoopUntilAsync(a, lines => lines.Any(l => l.StartsWith("* 2 FETCH ", StringComparison.Ordinal)));
        var fetch = noop.Single(l => l.StartsWith("* 2 FETCH ", StringComparison.Ordinal));
        Assert.Contains("\\Flagged", fetch);
        Assert.Contains("$Important", fetch);
        // A new keyword is announced with a new FLAGS response first (RFC 9051 §7.3.5).
        Assert.Contains(noop, l => l.StartsWith("* FLAGS (", StringComparison.Ordinal) && l.Contains("$Important", StringComparison.Ordinal));
        Assert.DoesNotContain(noop, l => l.StartsWith("* 1 FETCH ", StringComparison.Ordinal));
        Assert.Contains(uids[1].ToString(CultureInfo.InvariantCulture), (await a.OkAsync("u", "UID SEARCH FLAGGED"))[0]);
    }

    [Fact]
    public async Task An_idling_session_hears_exists_fetch_and_expunge_as_they_happen()
    {
        var (folder, _) = await NewFolderAsync(1);
        await using var a = await SelectAsync(folder);
        await using var b = await SelectAsync(folder);
        await a.SendAsync("i IDLE\r\n");
        Assert.StartsWith("+ ", await a.ReadResponseAsync());

        await AppendAsync(b, folder, Mail.Message("while idling"));
        Assert.Equal("* 2 EXISTS", (await a.ReadUntilAsync(l => l.EndsWith(" EXISTS", StringComparison.Ordinal)))[^1]);

        await b.OkAsync("s", "STORE 1 +FLAGS.SILENT (\\Seen)");
        var fetch = (await a.ReadUntilAsync(l => l.StartsWith("* 1 FETCH ", StringComparison.Ordinal)))[^1];
        Assert.Contains("\\Seen", fetch);

        await b.OkAsync("d", "STORE 1 +FLAGS.SILENT (\\Deleted)");
        await b.OkAsync("x", "EXPUNGE");
        Assert.Equal("* 1 EXPUNGE", (await a.ReadUntilAsync(IsExpunge))[^1]);

        await a.SendAsync("DONE\r\n");
        var done = await a.ReadUntilTaggedAsync("i");
        Assert.StartsWith("i OK", done[^1]);
        Assert.DoesNotContain(done, IsExpunge);
    }

    [Fact]
    public async Task Pipelined_commands_are_answered_in_order()
    {
        await using var setup = await RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice]);
        await AppendAsync(setup, "INBOX", Mail.Message("pipelined"));
        await using var client = await RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice]);

        await client.SendAsync("a NOOP\r\nb SELECT INBOX\r\nc FETCH 1 FLAGS\r\nd LOGOUT\r\n");
        var all = await client.ReadUntilClosedAsync();

        var tagged = all.Where(l => !l.StartsWith('*')).Select(l => l.Split(' ')[0..2]).Select(p => string.Join(' ', p));
        Assert.Equal(["a OK", "b OK", "c OK", "d OK"], tagged);
        var order = all.ToList();
        int selectOk = order.FindIndex(l => l.StartsWith("b OK", StringComparison.Ordinal));
        int fetch = order.FindIndex(l => l.StartsWith("* 1 FETCH (FLAGS", StringComparison.Ordinal));
        int fetchOk = order.FindIndex(l => l.StartsWith("c OK", StringComparison.Ordinal));
        Assert.True(order.FindIndex(l => l.EndsWith(" EXISTS", StringComparison.Ordinal)) < selectOk);
        Assert.True(selectOk < fetch && fetch < fetchOk, client.Transcript);
        Assert.True(order.FindIndex(l => l.StartsWith("* BYE", StringComparison.Ordinal)) < order.FindIndex(l => l.StartsWith("d OK", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Done_and_the_next_command_in_one_write_end_idle_and_run_the_command()
    {
        var (folder, _) = await NewFolderAsync(1);
        await using var a = await SelectAsync(folder);
        await a.SendAsync("i IDLE\r\n");
        Assert.StartsWith("+ ", await a.ReadResponseAsync());

        await a.SendAsync("DONE\r\nf FETCH 1 (FLAGS)\r\n");

        Assert.StartsWith("i OK", (await a.ReadUntilTaggedAsync("i"))[^1]);
        var fetch = await a.ReadUntilTaggedAsync("f");
        // A is the first session to see the message: \Recent is its own (RFC 3501 §2.3.2).
        Assert.Equal(["* 1 FETCH (FLAGS (\\Recent))", "f OK FETCH completed"], fetch);
    }

    [Fact]
    public async Task A_pipelined_burst_larger_than_the_input_buffer_is_answered_completely_and_in_order()
    {
        var (folder, _) = await NewFolderAsync(1);
        await using var a = await SelectAsync(folder);
        // About 1.3 MB of commands: more than the session buffers (max-line + 1 MB), so the server
        // must pause reading the socket and resume it, losing and reordering nothing.
        const int Count = 50_000;
        var burst = string.Concat(Enumerable.Range(0, Count).Select(i => $"f{i} FETCH 1 (FLAGS)\r\n"));

        var send = a.SendAsync(burst);
        for (int i = 0; i < Count; i++)
        {
            var lines = await a.ReadUntilTaggedAsync($"f{i}");
            if (lines.Count != 2 || lines[1] != $"f{i} OK FETCH completed")
            {
                Assert.Fail($"response {i}: {string.Join(" | ", lines)}");
            }
        }

        await send;
    }

    [Fact]
    public async Task A_client_that_reads_only_after_pipelining_megabytes_of_answers_gets_them_all_in_order()
    {
        var (folder, _) = await NewFolderAsync(0);
        await using (var setup = await RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice]))
        {
            for (int i = 0; i < 4; i++)
            {
                await AppendAsync(setup, folder, Mail.Message("padding " + new string('p', 2000)));
            }
        }

        // A small fixed receive buffer: the answers (about 12 MB) cannot all wait in the network,
        // so the server holds them back and pauses taking commands until the client reads.
        await using var client = await RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice], receiveBuffer: 64 * 1024);
        await client.OkAsync("s", "SELECT " + folder);
        client.Recording = false;
        const int Count = 1500;
        await client.SendAsync(string.Concat(Enumerable.Range(0, Count).Select(i => $"f{i} FETCH 1:* BODY.PEEK[]\r\n")));

        for (int i = 0; i < Count; i++)
        {
            var lines = await client.ReadUntilTaggedAsync($"f{i}");
            if (lines.Count != 5 || lines[^1] != $"f{i} OK FETCH completed")
            {
                Assert.Fail($"response {i}: {lines.Count} lines, last {lines[^1]}");
            }
        }

        client.Recording = true;
        await BadInputTests.AssertStillUsableAsync(client);
    }

    [Fact]
    public async Task A_command_sent_one_byte_at_a_time_is_understood()
    {
        var (folder, _) = await NewFolderAsync(0);
        await using var client = await RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice]);
        var message = Mail.Message("trickled");
        var command = $"a APPEND {folder} (\\Seen) {{{message.Length}+}}\r\n{message}\r\nb SELECT {folder}\r\nc FETCH 1 (FLAGS)\r\n";

        foreach (var c in command)
        {
            await client.SendAsync(c.ToString());
        }

        Assert.StartsWith("a OK [APPENDUID ", (await client.ReadUntilTaggedAsync("a"))[^1]);
        Assert.Contains("* 1 EXISTS", await client.ReadUntilTaggedAsync("b"));
        Assert.Equal(["* 1 FETCH (FLAGS (\\Seen \\Recent))", "c OK FETCH completed"], await client.ReadUntilTaggedAsync("c"));
    }

    [Fact]
    public async Task A_synchronizing_literal_waits_for_the_continuation_and_a_literal_plus_does_not()
    {
        var (folder, _) = await NewFolderAsync(0);
        await using var client = await RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice]);
        var message = Mail.Message("literal");

        await client.SendAsync($"a APPEND {folder} {{{message.Length}}}\r\n");
        Assert.StartsWith("+ ", await client.ReadResponseAsync());
        await client.SendAsync(message + "\r\n");
        Assert.StartsWith("a OK", (await client.ReadUntilTaggedAsync("a"))[^1]);

        // RFC 7888: with {n+} the bytes follow at once and no continuation request is sent.
        await client.SendAsync($"b APPEND {folder} {{{message.Length}+}}\r\n{message}\r\nc STATUS {folder} (MESSAGES)\r\n");
        var rest = (await client.ReadUntilTaggedAsync("b")).Concat(await client.ReadUntilTaggedAsync("c")).ToList();
        Assert.DoesNotContain(rest, l => l.StartsWith('+'));
        Assert.StartsWith("b OK", rest.Single(l => l.StartsWith("b ", StringComparison.Ordinal)));
        Assert.Contains($"* STATUS {folder} (MESSAGES 2)", rest);
    }

    // ---- helpers ----

    /// <summary>A fresh folder of alice's holding <paramref name="count"/> messages; returns its name and their UIDs.</summary>
    private async Task<(string Folder, uint[] Uids)> NewFolderAsync(int count)
    {
        var folder = "C" + Guid.NewGuid().ToString("N")[..10];
        await using var client = await RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice]);
        await client.OkAsync("c", "CREATE " + folder);
        var uids = new uint[count];
        for (int i = 0; i < count; i++)
        {
            uids[i] = await AppendAsync(client, folder, Mail.Message($"message {i + 1}"));
        }

        return (folder, uids);
    }

    private async Task<RawImapClient> SelectAsync(string folder)
    {
        var client = await RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice]);
        await client.OkAsync("sel", "SELECT " + folder);
        return client;
    }

    /// <summary>APPEND with LITERAL+; returns the UID from APPENDUID (RFC 4315).</summary>
    private static async Task<uint> AppendAsync(RawImapClient client, string folder, string message)
    {
        var lines = await client.OkAsync("ap", $"APPEND {folder} {{{message.Length}+}}\r\n{message}");
        return uint.Parse(AppendUid().Match(lines[^1]).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// NOOPs until their responses satisfy <paramref name="done"/>: another session's change reaches
    /// this one asynchronously, so its arrival is awaited (bounded), never slept for.
    /// </summary>
    private static async Task<List<string>> NoopUntilAsync(RawImapClient client, Func<List<string>, bool> done)
    {
        var seen = new List<string>();
        using var bound = new CancellationTokenSource(RawImapClient.Bound);
        while (!done(seen))
        {
            Assert.False(bound.IsCancellationRequested, "never announced:\n" + client.Transcript);
            seen.AddRange(await client.OkAsync("n", "NOOP"));
        }

        return seen;
    }

    private static bool IsExpunge(string line) => line.StartsWith('*') && line.EndsWith(" EXPUNGE", StringComparison.Ordinal);

    /// <summary>"msn uid" for each FETCH response that carries a UID.</summary>
    private static List<string> FetchedUids(IEnumerable<string> lines) =>
        [.. lines.Select(l => FetchLine().Match(l)).Where(m => m.Success && m.Groups[2].Success).Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value}")];

    [GeneratedRegex(@"^\* (\d+) FETCH \((?:.*?\bUID (\d+))?")]
    private static partial Regex FetchLine();

    [GeneratedRegex(@"\[APPENDUID \d+ (\d+)\]")]
    private static partial Regex AppendUid();
}
