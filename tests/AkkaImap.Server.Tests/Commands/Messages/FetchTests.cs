using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Commands.Messages;

/// <summary>FETCH and UID FETCH: data items, \Seen, sequence sets (RFC 9051 §6.4.5, §6.4.9).</summary>
public sealed class FetchTests : MessageTestKit
{
    private const string SimpleDate = "\" 5-Mar-2024 10:20:30 +0200\"";

    [Fact]
    public async Task Fast_macro_answers_flags_internaldate_and_size()
    {
        await AppendAsync("INBOX", Message(Simple, MessageFlags.Seen));
        var client = Selected();
        Assert.Equal(
            $"* 1 FETCH (FLAGS (\\Seen) INTERNALDATE {SimpleDate} RFC822.SIZE 55)\r\na OK FETCH completed",
            Text(client, "a", "FETCH 1 FAST"));
    }

    [Fact]
    public async Task Full_macro_adds_envelope_and_body()
    {
        await AppendTextsAsync(Simple);
        var client = Selected();
        Assert.Equal(
            $"* 1 FETCH (FLAGS () INTERNALDATE {SimpleDate} RFC822.SIZE 55 " +
            "ENVELOPE (NIL \"hi\" ((\"Alice\" NIL \"alice\" \"example.com\")) ((\"Alice\" NIL \"alice\" \"example.com\")) ((\"Alice\" NIL \"alice\" \"example.com\")) NIL NIL NIL NIL NIL) " +
            "BODY (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 7 1))\r\na OK FETCH completed",
            Text(client, "a", "FETCH 1 FULL"));
    }

    [Fact]
    public async Task Bodystructure_of_a_multipart_message()
    {
        await AppendTextsAsync(Multipart);
        var client = Selected();
        Assert.Equal(
            "* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 10 1 NIL NIL NIL NIL)" +
            "(\"application\" \"octet-stream\" (\"name\" \"a.bin\") NIL NIL \"BASE64\" 8 NIL NIL NIL NIL)" +
            "(\"message\" \"rfc822\" NIL NIL NIL \"7BIT\" 62 (NIL \"Inner\" ((\"Carol\" NIL \"carol\" \"example.com\")) ((\"Carol\" NIL \"carol\" \"example.com\")) ((\"Carol\" NIL \"carol\" \"example.com\")) NIL NIL NIL NIL NIL) " +
            "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7BIT\" 11 1 NIL NIL NIL NIL) 4 NIL NIL NIL NIL) " +
            "\"mixed\" (\"boundary\" \"XX\") NIL NIL NIL))\r\na OK FETCH completed",
            Text(client, "a", "FETCH 1 BODYSTRUCTURE"));
    }

    [Fact]
    public async Task Rfc_example_header_fields_of_a_range()
    {
        // RFC 9051 §6.4.5: "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])"; BODY[] sets \Seen.
        const string message = "Date: Wed, 17 Jul 1996 02:23:25 -0700\r\nFrom: Terry Gray <gray@cac.washington.edu>\r\nSubject: IMAP4rev1 WG mtg\r\n\r\nbody\r\n";
        await AppendTextsAsync(message, message, message, message);
        var client = Selected();
        const string fields = "Date: Wed, 17 Jul 1996 02:23:25 -0700\r\nFrom: Terry Gray <gray@cac.washington.edu>\r\n\r\n";
        var expected = string.Concat(Enumerable.Range(2, 3).Select(n =>
            $"* {n} FETCH (FLAGS (\\Seen) BODY[HEADER.FIELDS (DATE FROM)] {{{fields.Length}}}\r\n{fields})\r\n"));
        Assert.Equal(expected + "A654 OK FETCH completed", Text(client, "A654", "FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])"));
    }

    [Fact]
    public async Task Uid_fetch_always_includes_uid_first()
    {
        await AppendTextsAsync(Simple, Simple);
        var client = Selected();
        Assert.Equal(
            ["* 1 FETCH (UID 1 FLAGS ())", "* 2 FETCH (UID 2 FLAGS ())", "a OK UID FETCH completed"],
            client.Run("a", "UID FETCH 1:* FLAGS"));
    }

    [Fact]
    public async Task Duplicate_items_are_answered_once()
    {
        await AppendTextsAsync(Simple);
        var client = Selected();
        Assert.Equal(["* 1 FETCH (UID 1 FLAGS ())", "a OK UID FETCH completed"], client.Run("a", "UID FETCH 1 (UID FLAGS FLAGS)"));
    }

    [Fact]
    public async Task Uid_fetch_of_missing_uids_returns_nothing()
    {
        await AppendTextsAsync(Simple);
        var client = Selected();
        Assert.Equal(["a OK UID FETCH completed"], client.Run("a", "UID FETCH 5:9 FLAGS"));
    }

    [Fact]
    public async Task Sequence_number_beyond_exists_is_bad()
    {
        await AppendTextsAsync(Simple);
        var client = Selected();
        Assert.Equal(["a BAD Invalid sequence set"], client.Run("a", "FETCH 2 FLAGS"));
        Assert.Equal(["b BAD Invalid sequence set"], client.Run("b", "FETCH 1,3:4 FLAGS"));
        Assert.Equal(["c OK FETCH completed"], client.Run("c", "FETCH 1:1 UID").Skip(1).ToList());
    }

    [Fact]
    public void Star_in_an_empty_folder_is_bad()
    {
        var client = Selected();
        Assert.Equal(["a BAD Invalid sequence set"], client.Run("a", "FETCH * FLAGS"));
        Assert.Equal(["b OK UID FETCH completed"], client.Run("b", "UID FETCH 1:* FLAGS"));
    }

    [Fact]
    public async Task Saved_search_result_names_the_messages()
    {
        await AppendTextsAsync(Simple, Simple, Simple);
        var client = Selected();
        // RFC 5182 §2.2: before any SEARCH ... SAVE, $ is empty, not an error.
        Assert.Equal(["a OK FETCH completed"], client.Run("a", "FETCH $ FLAGS"));
        Assert.Equal("b OK SEARCH completed", client.Run("b", "SEARCH RETURN (SAVE) 2:3")[^1]);
        Assert.Equal(["* 2 FETCH (UID 2)", "* 3 FETCH (UID 3)", "c OK FETCH completed"], client.Run("c", "FETCH $ UID"));
        Assert.Equal(["* 2 FETCH (FLAGS (\\Flagged))", "* 3 FETCH (FLAGS (\\Flagged))", "d OK STORE completed"], client.Run("d", "STORE $ +FLAGS (\\Flagged)"));
    }

    [Fact]
    public async Task Body_fetch_sets_seen_and_reports_the_new_flags()
    {
        await AppendTextsAsync(Simple);
        var client = Selected();
        Assert.Equal(
            "* 1 FETCH (BODY[TEXT] {7}\r\nhello\r\n FLAGS (\\Seen))\r\na OK FETCH completed",
            Text(client, "a", "FETCH 1 BODY[TEXT]"));
        Assert.Equal(["* 1 FETCH (FLAGS (\\Seen))", "b OK FETCH completed"], client.Run("b", "FETCH 1 FLAGS"));
        // Already seen: nothing changes, so no FLAGS is added.
        Assert.Equal("* 1 FETCH (BODY[TEXT] {7}\r\nhello\r\n)\r\nc OK FETCH completed", Text(client, "c", "FETCH 1 BODY[TEXT]"));
    }

    [Fact]
    public async Task Peek_does_not_set_seen()
    {
        await AppendTextsAsync(Simple);
        var client = Selected();
        client.Run("a", "FETCH 1 (BODY.PEEK[] BINARY.PEEK[1] RFC822.HEADER)");
        Assert.Equal(["* 1 FETCH (FLAGS ())", "b OK FETCH completed"], client.Run("b", "FETCH 1 FLAGS"));
    }

    [Fact]
    public async Task Rfc822_sets_seen_and_flags_requested_show_it()
    {
        await AppendTextsAsync(Simple);
        var client = Selected();
        Assert.Equal(
            $"* 1 FETCH (FLAGS (\\Seen) RFC822 {{55}}\r\n{Simple})\r\na OK FETCH completed",
            Text(client, "a", "FETCH 1 (FLAGS RFC822)"));
    }

    [Fact]
    public async Task Examine_never_sets_seen()
    {
        await AppendTextsAsync(Simple);
        var client = Selected(examine: true);
        Assert.Equal("* 1 FETCH (BODY[TEXT] {7}\r\nhello\r\n)\r\na OK FETCH completed", Text(client, "a", "FETCH 1 BODY[TEXT]"));
        Assert.Equal(["* 1 FETCH (FLAGS ())", "b OK FETCH completed"], client.Run("b", "FETCH 1 FLAGS"));
    }

    [Fact]
    public async Task Seen_set_by_fetch_reaches_other_sessions()
    {
        await AppendTextsAsync(Simple);
        var reader = Selected();
        var other = Selected();
        reader.Run("a", "FETCH 1 BODY[]");
        Assert.Equal(["* 1 FETCH (UID 1 FLAGS (\\Seen))", "b OK NOOP completed"], other.Run("b", "NOOP"));
    }

    [Fact]
    public async Task Message_expunged_by_another_session_is_skipped()
    {
        await AppendTextsAsync(Simple, Simple);
        var reader = Selected();
        var other = Selected();
        other.Run("a", "STORE 1 +FLAGS.SILENT (\\Deleted)");
        Assert.Equal("b OK EXPUNGE completed", other.Run("b", "EXPUNGE")[^1]);
        // The reader still numbers the message 1 (no EXPUNGE during FETCH, RFC 9051 §7.5.1), but it is gone;
        // the flag change it had not heard of yet comes after the data, and the OK says one is missing (RFC 5530).
        Assert.Equal(
            ["* 2 FETCH (RFC822.SIZE 55)", "* 1 FETCH (UID 1 FLAGS (\\Deleted))", "c OK [EXPUNGEISSUED] FETCH completed; some messages were expunged meanwhile"],
            reader.Run("c", "FETCH 1:2 RFC822.SIZE"));
        Assert.Equal(["* 1 EXPUNGE", "d OK NOOP completed"], reader.Run("d", "NOOP"));
    }

    [Fact]
    public async Task Flags_fetch_of_2000_messages_is_served_from_the_view()
    {
        await AppendAsync("INBOX", Enumerable.Range(0, 2000).Select(i => Message(Simple, i % 2 == 0 ? MessageFlags.Seen : MessageFlags.None)).ToArray());
        var (store, counter) = CountingStore.Wrap(Store);
        var client = Selected(store: store);
        var lines = client.Run("a", "FETCH 1:* (UID FLAGS)");
        Assert.Equal(2001, lines.Count);
        Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Seen))", lines[0]);
        Assert.Equal("* 2000 FETCH (UID 2000 FLAGS ())", lines[1999]);
        Assert.Equal("a OK FETCH completed", lines[^1]);
        Assert.Equal(0, counter.MessageReads);
        Assert.Equal(["* 7 FETCH (RFC822.SIZE 55)", "b OK FETCH completed"], client.Run("b", "FETCH 7 RFC822.SIZE"));
        Assert.True(counter.MessageReads > 0);
    }

    [Fact]
    public async Task Headers_of_many_large_messages_are_read_without_their_bodies()
    {
        // 300 messages with bodies many times their headers: a client listing headers gets each
        // header exactly, read in one query of headers alone (one chunk), not 300 whole messages.
        string Large(int n) => $"From: Alice <alice@example.com>\r\nSubject: number {n}\r\nX-Long: {new string('h', n)}\r\n\r\n{new string('b', 6_000)}\r\n";
        await AppendTextsAsync(Enumerable.Range(1, 300).Select(Large).ToArray());
        var (store, counter) = CountingStore.Wrap(Store);
        var client = Selected(store: store);

        var lines = client.Run("a", "UID FETCH 1:* (UID BODY.PEEK[HEADER])");

        Assert.Equal("a OK UID FETCH completed", lines[^1]);
        var headers = string.Join("\r\n", lines);
        for (int n = 1; n <= 300; n++)
        {
            var header = Large(n)[..(Large(n).IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)];
            Assert.Contains($"* {n} FETCH (UID {n} BODY[HEADER] {{{header.Length}}}\r\n{header})", headers);
        }
        Assert.Equal(0, counter.WholeReads);
        Assert.Equal(1, counter.PrefixReads);
        Assert.DoesNotContain("bbbb", headers);
    }

    [Fact]
    public async Task Header_fields_partial_headers_and_a_header_with_the_text_from_large_messages()
    {
        const string header = "From: Alice <alice@example.com>\r\nSubject: big\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\n\r\n";
        var body = new string('b', 300_000) + "\r\n";
        await AppendTextsAsync(header + body, header + "short\r\n");
        var client = Selected();

        Assert.Equal(
            ["* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {16}", "Subject: big", "", ")",
             "* 2 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {16}", "Subject: big", "", ")", "a OK FETCH completed"],
            client.Run("a", "FETCH 1:2 BODY.PEEK[HEADER.FIELDS (SUBJECT)]"));
        Assert.Equal(["* 1 FETCH (BODY[HEADER]<6> {5}", "Alice)", "b OK FETCH completed"], client.Run("b", "FETCH 1 BODY.PEEK[HEADER]<6.5>"));
        Assert.Equal(["* 1 FETCH (BODY[HEADER.FIELDS.NOT (FROM DATE)]<0> {5}", "Subje)", "c OK FETCH completed"],
            client.Run("c", "FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (FROM DATE)]<0.5>"));
        // The header and a part of the text in one FETCH: the text comes from beyond the header.
        var mixed = string.Join("\r\n", client.Run("d", "FETCH 1:2 (RFC822.HEADER BODY.PEEK[TEXT]<299998.10>)"));
        Assert.Contains($"* 1 FETCH (RFC822.HEADER {{{header.Length}}}\r\n{header} BODY[TEXT]<299998> {{4}}\r\nbb\r\n)", mixed);
        Assert.Contains($"* 2 FETCH (RFC822.HEADER {{{header.Length}}}\r\n{header} BODY[TEXT]<299998> {{0}}\r\n)", mixed);
    }

    [Fact]
    public async Task Metadata_of_many_messages_comes_in_order()
    {
        await AppendAsync("INBOX", Enumerable.Range(0, 600).Select(_ => Message(Simple)).ToArray());
        var client = Selected();
        var lines = client.Run("a", "UID FETCH 1:* (RFC822.SIZE)");
        Assert.Equal(601, lines.Count);
        Assert.All(lines.Take(600).Select((line, i) => (line, i)), x => Assert.Equal($"* {x.i + 1} FETCH (UID {x.i + 1} RFC822.SIZE 55)", x.line));
    }

    [Fact]
    public async Task Objectid_savedate_and_preview_items()
    {
        await AppendTextsAsync(Simple);
        var client = Selected();
        var line = client.Run("a", "FETCH 1 (PREVIEW THREADID)")[0];
        Assert.Equal("* 1 FETCH (PREVIEW \"hello\" THREADID NIL)", line);
        Assert.Matches("^\\* 1 FETCH \\(EMAILID \\([A-Za-z0-9_-]+\\) SAVEDATE \"[^\"]+\"\\)$", client.Run("b", "FETCH 1 (EMAILID SAVEDATE)")[0]);
    }

    [Fact]
    public async Task Modseq_enables_condstore_and_changedsince_names_what_changed()
    {
        await AppendTextsAsync(Simple, Simple);
        var client = Selected();
        var first = client.Run("a", "FETCH 1 MODSEQ");
        // RFC 7162 §3.1: the first CONDSTORE-enabling command in a selected mailbox reports HIGHESTMODSEQ.
        Assert.Matches(@"^\* OK \[HIGHESTMODSEQ \d+\] ", first[0]);
        Assert.Matches(@"^\* 1 FETCH \(MODSEQ \(\d+\)\)$", first[1]);
        var modseq = ulong.Parse(System.Text.RegularExpressions.Regex.Match(first[1], @"\((\d+)\)").Groups[1].Value);
        client.Run("s", "STORE 2 +FLAGS.SILENT (\\Flagged)");
        // RFC 7162 §3.1.4.1: only messages changed above CHANGEDSINCE, each with its MODSEQ.
        var changed = client.Run("b", $"FETCH 1:* FLAGS (CHANGEDSINCE {modseq})");
        Assert.Matches(@"^\* 2 FETCH \(FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)$", Assert.Single(changed, l => l.StartsWith('*')));
        Assert.Equal(["c BAD [CLIENTBUG] VANISHED needs ENABLE QRESYNC, UID FETCH and CHANGEDSINCE"],
            client.Run("c", $"UID FETCH 1:* FLAGS (CHANGEDSINCE {modseq} VANISHED)"));
    }
}
