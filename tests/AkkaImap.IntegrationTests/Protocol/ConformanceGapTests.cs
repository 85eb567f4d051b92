using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Protocol;

/// <summary>
/// What an independent IMAP test suite found wrong in what is advertised (issue 15), each checked
/// on the wire of the real server: \Recent (RFC 3501 §2.3.2), NOOP/CHECK reporting every change
/// committed before they started (RFC 9051 §6.1.2, §7.5), BINARY of quoted-printable (RFC 3516,
/// RFC 2045 §6.7), no NUL in a plain literal (RFC 9051 §4.3) and CHILDINFO with a pattern list
/// (RFC 5258 §3.5). Each test works in folders of its own.
/// </summary>
public sealed partial class ConformanceGapTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Alice = "alice@example.com";

    [Fact]
    public async Task Recent_belongs_to_the_first_session_that_sees_a_message()
    {
        var folder = await NewFolderAsync(2);
        await using var other = await LoginAsync();
        Assert.Contains($"* STATUS {folder} (MESSAGES 2 RECENT 2)", await other.OkAsync("s", $"STATUS {folder} (MESSAGES RECENT)"));

        // EXAMINE sees \Recent but leaves it to a session that selects read-write.
        await using var examiner = await LoginAsync();
        Assert.Contains("* 2 RECENT", await examiner.OkAsync("e", "EXAMINE " + folder));
        await using var first = await LoginAsync();
        var select = await first.OkAsync("s", "SELECT " + folder);
        Assert.Contains("* 2 RECENT", select);
        Assert.Equal(2, (await first.OkAsync("f", "FETCH 1:* FLAGS")).Count(l => l.Contains("\\Recent", StringComparison.Ordinal)));
        Assert.Contains("* SEARCH 1 2", await first.OkAsync("r", "SEARCH RECENT"));
        Assert.Contains("* SEARCH 1 2", await first.OkAsync("n", "SEARCH NEW"));
        Assert.Contains("* SEARCH", await first.OkAsync("o", "SEARCH OLD"));
        Assert.DoesNotContain("* SEARCH 1", await first.OkAsync("o2", "SEARCH OLD"));

        // The first session took them: a later one, and STATUS, see none.
        await using var second = await LoginAsync();
        Assert.Contains("* 0 RECENT", await second.OkAsync("s", "SELECT " + folder));
        Assert.Contains("* SEARCH 1 2", await second.OkAsync("o", "SEARCH OLD"));
        Assert.DoesNotContain(await second.OkAsync("f", "FETCH 1:* FLAGS"), l => l.Contains("\\Recent", StringComparison.Ordinal));
        Assert.Contains($"* STATUS {folder} (RECENT 0)", await other.OkAsync("s2", $"STATUS {folder} (RECENT)"));

        // A message that arrives while both have the folder selected is recent for exactly one of them.
        await AppendAsync(other, folder, Mail.Message("third"));
        int recentFor = 0;
        foreach (var session in new[] { first, second })
        {
            var lines = await session.OkAsync("n", "NOOP");
            Assert.Contains("* 3 EXISTS", lines);
            var flags = await session.OkAsync("f3", "FETCH 3 FLAGS");
            if (flags.Any(l => l.Contains("\\Recent", StringComparison.Ordinal))) recentFor++;
        }
        Assert.Equal(1, recentFor);
        Assert.Contains($"* STATUS {folder} (RECENT 0)", await other.OkAsync("s3", $"STATUS {folder} (RECENT)"));

        // \Recent stays for the session's whole selection, whatever happens to the other flags.
        var stored = await first.OkAsync("st", "STORE 1 +FLAGS (\\Flagged)");
        Assert.Contains(stored, l => l.StartsWith("* 1 FETCH", StringComparison.Ordinal) && l.Contains("\\Recent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_session_that_enabled_imap4rev2_sees_no_recent_and_takes_none()
    {
        var folder = await NewFolderAsync(1);
        await using var rev2 = await LoginAsync();
        await rev2.OkAsync("e", "ENABLE IMAP4rev2");
        var select = await rev2.OkAsync("s", "SELECT " + folder);
        Assert.DoesNotContain(select, l => l.EndsWith(" RECENT", StringComparison.Ordinal));
        Assert.DoesNotContain(await rev2.OkAsync("f", "FETCH 1 FLAGS"), l => l.Contains("\\Recent", StringComparison.Ordinal));

        await using var rev1 = await LoginAsync();
        Assert.Contains("* 1 RECENT", await rev1.OkAsync("s", "SELECT " + folder));
    }

    [Fact]
    public async Task Noop_and_check_report_an_expunge_committed_before_they_started()
    {
        const int Rounds = 20;
        var folder = await NewFolderAsync(2 * Rounds);
        await using var a = await LoginAsync();
        await a.OkAsync("s", "SELECT " + folder);
        await using var b = await LoginAsync();
        await b.OkAsync("s", "SELECT " + folder);
        for (int round = 0; round < Rounds; round++)
        {
            // A sets \Deleted and expunges; once A has its OK, B's very next NOOP or CHECK must say so.
            await a.OkAsync("d", "STORE 1 +FLAGS.SILENT (\\Deleted)");
            Assert.Contains("* 1 EXPUNGE", await a.OkAsync("x", "EXPUNGE"));
            var lines = await b.OkAsync("c", round % 2 == 0 ? "CHECK" : "NOOP");
            Assert.True(lines.Contains("* 1 EXPUNGE"), "round " + round + ":\n" + b.Transcript);
        }
    }

    [Fact]
    public async Task Binary_of_a_quoted_printable_part_is_the_decoded_bytes()
    {
        // Soft breaks, whitespace before a soft break (kept) and after one (transport padding, dropped),
        // =XX escapes in both cases, and a hard break.
        const string Encoded = "Caf=C3=A9 au lait, tr=c3=a8s  =\r\nbon.=20=20  \r\nSecond line=3D=\r\n end.\r\n";
        byte[] decoded = [.. "Café au lait, très  bon.  \r\nSecond line= end.\r\n"u8];
        var message = "From: a@example.com\r\nSubject: qp\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + Encoded;
        var folder = await NewFolderAsync(0);
        await using var client = await LoginAsync();
        await AppendAsync(client, folder, message);
        await client.OkAsync("s", "SELECT " + folder);

        var size = await client.OkAsync("z", "FETCH 1 (BINARY.SIZE[1])");
        Assert.Contains($"* 1 FETCH (BINARY.SIZE[1] {decoded.Length})", size);
        var body = await client.OkAsync("b", "FETCH 1 (BINARY.PEEK[1])");
        var literal = body.Single(l => l.StartsWith("* 1 FETCH", StringComparison.Ordinal));
        Assert.Contains($"BINARY[1] {{{decoded.Length}}}\r\n", literal);
        Assert.Contains(Encoding.Latin1.GetString(decoded), literal);
    }

    [Fact]
    public async Task A_nul_byte_never_goes_out_in_a_plain_literal()
    {
        var head = "From: a@example.com\r\nSubject: nul\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n";
        var content = "\0abc\0\x01\xff\r\n";
        var message = head + content;
        var folder = await NewFolderAsync(0);
        await using var client = await LoginAsync();
        await client.OkAsync("a", $"APPEND {folder} ~{{{message.Length}+}}\r\n{message}");
        await client.OkAsync("s", "SELECT " + folder);

        foreach (var item in new[] { "BODY.PEEK[1]", "BODY.PEEK[]", "BODY.PEEK[TEXT]", "RFC822" })
        {
            var line = (await client.OkAsync("f", $"FETCH 1 ({item})")).Single(l => l.StartsWith("* 1 FETCH", StringComparison.Ordinal));
            Assert.DoesNotContain("~{", line);
            Assert.DoesNotContain('\0', line);
        }
        // The bytes themselves come with BINARY, as literal8 (RFC 3516 §4.3).
        var binary = (await client.OkAsync("b", "FETCH 1 (BINARY.PEEK[1])")).Single(l => l.StartsWith("* 1 FETCH", StringComparison.Ordinal));
        Assert.Contains($"BINARY[1] ~{{{content.Length}}}\r\n{content}", binary);
    }

    [Fact]
    public async Task Childinfo_comes_only_for_a_subscribed_descendant_that_no_pattern_matches()
    {
        var parent = "P" + Guid.NewGuid().ToString("N")[..8];
        await using var client = await LoginAsync();
        await client.OkAsync("c", $"CREATE {parent}/Child");
        await client.OkAsync("u", $"SUBSCRIBE {parent}/Child");

        // The child matches a pattern of its own, so the unsubscribed parent is not listed for it.
        var both = await client.OkAsync("l", $"LIST (SUBSCRIBED RECURSIVEMATCH) \"\" ({parent} {parent}/Child)");
        Assert.Contains(both, l => l.EndsWith($"\"{parent}/Child\"", StringComparison.Ordinal) || l.EndsWith($" {parent}/Child", StringComparison.Ordinal));
        Assert.DoesNotContain(both, l => l.Contains("CHILDINFO", StringComparison.Ordinal));

        // Asked for the parent alone, the child is the reason it is listed.
        var alone = await client.OkAsync("m", $"LIST (SUBSCRIBED RECURSIVEMATCH) \"\" ({parent})");
        Assert.Contains(alone, l => l.Contains("CHILDINFO", StringComparison.Ordinal) && l.Contains(parent, StringComparison.Ordinal));
    }

    // ---- helpers ----

    private Task<RawImapClient> LoginAsync() => RawImapClient.LoginAsync(server.Port, Alice, server.Users[Alice]);

    /// <summary>A fresh folder of alice's holding <paramref name="count"/> messages, appended by a session that does not select it.</summary>
    private async Task<string> NewFolderAsync(int count)
    {
        var folder = "G" + Guid.NewGuid().ToString("N")[..10];
        await using var client = await LoginAsync();
        await client.OkAsync("c", "CREATE " + folder);
        for (int i = 0; i < count; i++)
        {
            await AppendAsync(client, folder, Mail.Message($"message {i + 1}"));
        }

        return folder;
    }

    private static async Task<uint> AppendAsync(RawImapClient client, string folder, string message)
    {
        var lines = await client.OkAsync("ap", $"APPEND {folder} {{{message.Length}+}}\r\n{message}");
        return uint.Parse(AppendUid().Match(lines[^1]).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"\[APPENDUID \d+ (\d+)\]")]
    private static partial Regex AppendUid();
}
