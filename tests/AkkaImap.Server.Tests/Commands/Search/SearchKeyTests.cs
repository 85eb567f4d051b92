using Xunit;

namespace AkkaImap.Server.Tests.Commands.Search;

/// <summary>Each search key of RFC 9051 §6.4.4 / RFC 3501 §6.4.4 over the fixture (sequence numbers 1..5, UIDs 2..6).</summary>
public sealed class SearchKeyTests : SearchTestKit
{
    /// <summary>Flags; this server keeps no \Recent: RECENT and NEW match nothing, OLD everything.</summary>
    [Fact]
    public Task Flag_keys_find_the_messages_they_name() => AssertSearches(
        ("ALL", "1 2 3 4 5"),
        ("SEEN", "1"),
        ("UNSEEN", "2 3 4 5"),
        ("ANSWERED", "2"),
        ("UNANSWERED", "1 3 4 5"),
        ("FLAGGED", "2 3 4"),
        ("UNFLAGGED", "1 5"),
        ("DELETED", "3"),
        ("UNDELETED", "1 2 4 5"),
        ("DRAFT", "4"),
        ("UNDRAFT", "1 2 3 5"),
        ("KEYWORD $work", "2"),
        ("UNKEYWORD $Work", "1 3 4 5"),
        ("KEYWORD $Unused", ""),
        ("RECENT", ""),
        ("NEW", ""),
        ("OLD", "1 2 3 4 5"));

    /// <summary>Sequence sets with *, and UID sets (UIDs 2..6).</summary>
    [Fact]
    public Task Sequence_and_uid_set_keys_find_the_messages_they_name() => AssertSearches(
        ("2:4", "2 3 4"),
        ("4:*", "4 5"),
        ("*", "5"),
        ("1,3,9", "1 3"),
        ("UID 3,5:*", "2 4 5"),
        ("UID 1", ""),
        ("UID 100:*", "5"));

    /// <summary>Sizes, internal dates (the date in the internal date's own zone), sent dates (the Date header's own zone).</summary>
    [Fact]
    public Task Size_and_date_keys_find_the_messages_they_name() => AssertSearches(
        ("LARGER 1500", "4"),
        ("SMALLER 1500", "1 2 3 5"),
        ("ON 10-Feb-2024", "2"),
        ("ON 11-Feb-2024", ""),
        ("BEFORE 15-Mar-2024", "1 2"),
        ("SINCE 15-Mar-2024", "3 4 5"),
        ("SENTON 1-Jan-2024", "1"),
        ("SENTBEFORE 10-Feb-2024", "1"),
        ("SENTSINCE 10-Feb-2024", "2 3 5"),
        ("YOUNGER 3600", "5"),
        ("OLDER 3600", "1 2 3 4"));

    /// <summary>Envelope fields: substring, case-insensitive, encoded-words decoded, names and addresses.</summary>
    [Fact]
    public Task Envelope_field_keys_find_the_messages_they_name() => AssertSearches(
        ("FROM alice", "1"),
        ("FROM \"ALICE EXAMPLE <alice@\"", "1"),
        ("FROM example.de", "2"),
        ("FROM \"rgen M\"", "2"),
        ("TO alice@example.com", "2 3 4 5"),
        ("CC carol", "2"),
        ("BCC dave", "3"),
        ("SUBJECT meeting", "1"),
        ("SUBJECT \"\"", "1 2 3 5"),
        ("SUBJECT \"=?UTF-8?\"", ""));

    /// <summary>Other header fields; an empty value means "has the field".</summary>
    [Fact]
    public Task Header_keys_find_the_messages_they_name() => AssertSearches(
        ("HEADER X-Priority 1", "3"),
        ("HEADER x-priority \"\"", "3"),
        ("HEADER Message-ID m1@example", "1"),
        ("HEADER Content-Type alternative", "3"));

    /// <summary>Body and text: decoded text parts, attached messages included; TEXT also searches the header.</summary>
    [Fact]
    public Task Body_and_text_keys_find_the_messages_they_name() => AssertSearches(
        ("BODY noon", "1"),
        ("BODY meeting", ""),
        ("TEXT meeting", "1"),
        ("BODY QUARTERLY", "3"),
        ("BODY figures", "3"),
        ("BODY \"nested words\"", "5"),
        ("TEXT \"inner secret\"", "5"),
        ("BODY \"Sch=C3\"", ""),
        ("TEXT \"string not in mailbox\"", ""));

    /// <summary>NOT, OR, lists, nesting.</summary>
    [Fact]
    public Task Not_or_and_nesting_find_the_messages_they_name() => AssertSearches(
        ("NOT FLAGGED", "1 5"),
        ("OR SEEN DRAFT", "1 4"),
        ("FLAGGED NOT DELETED", "2 4"),
        ("OR (SEEN FROM alice) (DELETED BODY report)", "1 3"),
        ("NOT (OR 1 OR 2 3)", "4 5"),
        ("(((FLAGGED)) LARGER 100) NOT 4", "2 3"),
        ("OR FROM smith BODY nested", "3 5"));

    [Fact]
    public async Task Uid_search_answers_with_uids()
    {
        await AddFixtureAsync();
        var client = InInbox();

        Assert.Equal(["* SEARCH 2 3 4 5 6", "a OK UID SEARCH completed"], client.Run("a", "UID SEARCH ALL"));
        Assert.Equal(["* SEARCH 3 4 5", "b OK UID SEARCH completed"], client.Run("b", "UID SEARCH FLAGGED"));
        Assert.Equal(["* SEARCH 3 4", "c OK UID SEARCH completed"], client.Run("c", "UID SEARCH UID 3:4"));
        Assert.Equal(["* SEARCH 3", "d OK UID SEARCH completed"], client.Run("d", "UID SEARCH 2"));
        Assert.Equal(["* SEARCH 2 4", "e OK UID SEARCH completed"], client.Run("e", "UID SEARCH FROM example.com"));
    }

    [Fact]
    public async Task Utf8_charset_literal_finds_an_encoded_word_subject_and_body()
    {
        await AddFixtureAsync();
        var client = InInbox();

        Assert.Equal(["* SEARCH 2", "a OK SEARCH completed"], RunWithLiteral(client, "a", "SEARCH CHARSET UTF-8 SUBJECT ", "grüße"));
        Assert.Equal(["* SEARCH 2", "b OK SEARCH completed"], RunWithLiteral(client, "b", "SEARCH CHARSET utf-8 FROM ", "Müller"));
        Assert.Equal(["* SEARCH 2", "c OK SEARCH completed"], RunWithLiteral(client, "c", "SEARCH CHARSET UTF-8 BODY ", "SCHÖNE"));
    }

    [Fact]
    public async Task An_unknown_charset_is_no_badcharset()
    {
        await AddFixtureAsync();
        var client = InInbox();

        var lines = client.Run("a", "SEARCH CHARSET KOI8-R TEXT \"x\"");

        Assert.Single(lines);
        Assert.StartsWith("a NO [BADCHARSET (US-ASCII UTF-8)] ", lines[0]);
        Assert.Equal(["* SEARCH 1 2 3 4 5", "b OK SEARCH completed"], client.Run("b", "SEARCH CHARSET US-ASCII ALL"));
    }

    [Fact]
    public async Task An_empty_folder_gives_an_empty_search_response()
    {
        var client = Connect();
        client.LogIn();
        client.Run("s", "SELECT Sent");

        Assert.Equal(["* SEARCH", "a OK SEARCH completed"], client.Run("a", "SEARCH ALL"));
        Assert.Equal(["* SEARCH", "b OK SEARCH completed"], client.Run("b", "SEARCH 1:* FROM x"));
        Assert.Equal(["* SEARCH", "c OK UID SEARCH completed"], client.Run("c", "UID SEARCH UID 1:*"));
    }

    [Fact]
    public void Savedate_and_objectid_keys_are_offered_and_run()
    {
        var client = InInbox();

        // CONDSTORE is offered: MODSEQ enables it (RFC 7162 §3.1.5).
        Assert.Equal("a OK SEARCH completed", client.Run("a", "SEARCH MODSEQ 5")[^1]);
        // RFC 8514 and RFC 8474 are advertised now: their keys run instead of being BAD.
        Assert.Equal(["* SEARCH", "b OK SEARCH completed"], client.Run("b", "SEARCH SAVEDBEFORE 1-Jan-2000"));
        Assert.Equal(["* SEARCH", "c OK SEARCH completed"], client.Run("c", "SEARCH EMAILID no-such-id"));
        Assert.Equal(["* SEARCH", "d OK SEARCH completed"], client.Run("d", "SEARCH THREADID no-such-thread"));
        Assert.Equal(["* SEARCH", "e OK SEARCH completed"], client.Run("e", "SEARCH ALL"));
    }

    [Fact]
    public async Task Search_needs_a_selected_mailbox()
    {
        await AddFixtureAsync();
        var client = Connect();
        client.LogIn();

        Assert.StartsWith("a BAD [CLIENTBUG] SEARCH is only allowed when a mailbox is selected", client.Run("a", "SEARCH ALL")[0]);
    }

    [Fact]
    public void Within_esearch_and_searchres_are_advertised()
    {
        var client = Connect();
        client.LogIn();

        var capability = client.Run("c", "CAPABILITY")[0];

        Assert.Contains(" ESEARCH ", capability + " ");
        Assert.Contains(" SEARCHRES ", capability + " ");
        Assert.Contains(" WITHIN ", capability + " ");
    }

    /// <summary>Runs each search in one session and compares every answer, so a failure names its criteria.</summary>
    private async Task AssertSearches(params (string Criteria, string Expected)[] searches)
    {
        await AddFixtureAsync();
        var client = InInbox();
        var expected = searches.Select(s => $"{s.Criteria} => {Untagged(s.Expected)} / a OK SEARCH completed").ToList();
        var actual = searches.Select(s => $"{s.Criteria} => {string.Join(" / ", client.Run("a", "SEARCH " + s.Criteria))}").ToList();
        Assert.Equal(expected, actual);
    }

    private static string Untagged(string numbers) => numbers.Length == 0 ? "* SEARCH" : "* SEARCH " + numbers;
}
