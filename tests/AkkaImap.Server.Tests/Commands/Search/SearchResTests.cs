using Xunit;

namespace AkkaImap.Server.Tests.Commands.Search;

/// <summary>The saved search result <c>$</c> (RFC 5182, RFC 9051 §6.4.4.1) over the fixture (FLAGGED is 2 3 4).</summary>
public sealed class SearchResTests : SearchTestKit
{
    [Fact]
    public async Task Save_alone_answers_nothing_and_dollar_reuses_the_result()
    {
        await AddFixtureAsync();
        var client = InInbox();

        Assert.Equal(["A1 OK SEARCH completed"], client.Run("A1", "SEARCH RETURN (SAVE) FLAGGED"));
        Assert.Equal(["* SEARCH 2 3 4", "A2 OK SEARCH completed"], client.Run("A2", "SEARCH $"));
        Assert.Equal(["* SEARCH 3 5", "A3 OK UID SEARCH completed"], client.Run("A3", "UID SEARCH UID $ NOT DELETED"));
        // RFC 5182 §4 example: "$" combined with other keys.
        Assert.Equal(["* SEARCH 2 3", "A4 OK SEARCH completed"], client.Run("A4", "SEARCH $ SMALLER 1500"));
        Assert.Equal(["* SEARCH 1 5", "A5 OK SEARCH completed"], client.Run("A5", "SEARCH NOT $"));
    }

    [Fact]
    public async Task Uid_search_saves_the_same_messages()
    {
        await AddFixtureAsync();
        var client = InInbox(rev2: true);

        Assert.Equal(["A1 OK UID SEARCH completed"], client.Run("A1", "UID SEARCH RETURN (SAVE) FROM example.com"));
        Assert.Equal(["* ESEARCH (TAG \"A2\") ALL 1,3", "A2 OK SEARCH completed"], client.Run("A2", "SEARCH $"));
        Assert.Equal(["* ESEARCH (TAG \"A3\") UID ALL 2,4", "A3 OK UID SEARCH completed"], client.Run("A3", "UID SEARCH $"));
    }

    [Fact]
    public async Task Save_with_min_or_max_saves_only_those()
    {
        await AddFixtureAsync();
        var client = InInbox();

        Assert.Equal(["* ESEARCH (TAG \"a\") MIN 2", "a OK SEARCH completed"], client.Run("a", "SEARCH RETURN (SAVE MIN) FLAGGED"));
        Assert.Equal(["* SEARCH 2", "b OK SEARCH completed"], client.Run("b", "SEARCH $"));
        Assert.Equal(["* ESEARCH (TAG \"c\") MIN 2 MAX 4", "c OK SEARCH completed"], client.Run("c", "SEARCH RETURN (MAX SAVE MIN) FLAGGED"));
        Assert.Equal(["* SEARCH 2 4", "d OK SEARCH completed"], client.Run("d", "SEARCH $"));
        Assert.Equal(["* ESEARCH (TAG \"e\") MIN 2 COUNT 3", "e OK SEARCH completed"], client.Run("e", "SEARCH RETURN (MIN COUNT SAVE) FLAGGED"));
        Assert.Equal(["* SEARCH 2 3 4", "f OK SEARCH completed"], client.Run("f", "SEARCH $"));
    }

    [Fact]
    public async Task A_save_may_refine_the_saved_result_and_an_empty_result_empties_it()
    {
        await AddFixtureAsync();
        var client = InInbox();

        Assert.Equal(["* SEARCH", "a OK SEARCH completed"], client.Run("a", "SEARCH $"));
        client.Run("b", "SEARCH RETURN (SAVE) FLAGGED");
        Assert.Equal(["c OK SEARCH completed"], client.Run("c", "SEARCH RETURN (SAVE) $ UNDELETED"));
        Assert.Equal(["* SEARCH 2 4", "d OK SEARCH completed"], client.Run("d", "SEARCH $"));
        Assert.Equal(["e OK SEARCH completed"], client.Run("e", "SEARCH RETURN (SAVE) SEEN DRAFT"));
        Assert.Equal(["* SEARCH", "f OK SEARCH completed"], client.Run("f", "SEARCH $"));
    }

    [Fact]
    public async Task A_bad_search_or_one_without_save_keeps_the_saved_result()
    {
        await AddFixtureAsync();
        var client = InInbox();

        client.Run("a", "SEARCH RETURN (SAVE) FLAGGED");
        Assert.StartsWith("b BAD ", client.Run("b", "SEARCH RETURN (SAVE) NOSUCHKEY abc")[0]);
        Assert.Equal(["* SEARCH 1", "c OK SEARCH completed"], client.Run("c", "SEARCH SEEN"));
        Assert.Equal(["* SEARCH 2 3 4", "d OK SEARCH completed"], client.Run("d", "SEARCH $"));
    }

    [Fact]
    public async Task Select_resets_the_saved_result()
    {
        await AddFixtureAsync();
        var client = InInbox();

        client.Run("a", "SEARCH RETURN (SAVE) FLAGGED");
        Assert.StartsWith("b OK ", client.Run("b", "SELECT INBOX")[^1]);

        Assert.Equal(["* SEARCH", "c OK SEARCH completed"], client.Run("c", "SEARCH $"));
    }

    [Fact]
    public async Task Expunged_messages_leave_the_saved_result()
    {
        await AddFixtureAsync();
        var client = InInbox();

        client.Run("a", "SEARCH RETURN (SAVE) FLAGGED");
        Assert.Equal(["* 3 EXPUNGE", "b OK EXPUNGE completed"], client.Run("b", "EXPUNGE"));

        Assert.Equal(["* SEARCH 2 3", "c OK SEARCH completed"], client.Run("c", "SEARCH $"));
        Assert.Equal(["* SEARCH 3 5", "d OK UID SEARCH completed"], client.Run("d", "UID SEARCH $"));
    }

    [Fact]
    public async Task Uid_expunge_takes_the_saved_result()
    {
        await AddFixtureAsync();
        var client = InInbox();

        client.Run("a", "UID SEARCH RETURN (SAVE) DELETED");
        Assert.Equal(["* 3 EXPUNGE", "b OK UID EXPUNGE completed"], client.Run("b", "UID EXPUNGE $"));
        Assert.Equal(["* SEARCH 1 2 3 4", "c OK SEARCH completed"], client.Run("c", "SEARCH ALL"));
    }
}
