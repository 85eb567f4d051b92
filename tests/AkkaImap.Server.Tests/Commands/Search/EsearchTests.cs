using Xunit;

namespace AkkaImap.Server.Tests.Commands.Search;

/// <summary>
/// ESEARCH (RFC 4731, RFC 9051 §6.4.4 and §7.3.4): RETURN options in IMAP4rev1, and ESEARCH for every
/// SEARCH in IMAP4rev2. The RFC examples are run over the fixture (their message numbers differ).
/// </summary>
public sealed class EsearchTests : SearchTestKit
{
    [Fact]
    public async Task Rfc3501_example_gives_a_search_response()
    {
        await AddFixtureAsync();
        var client = InInbox();

        Assert.Equal(["* SEARCH 2 4", "A282 OK SEARCH completed"], client.Run("A282", "SEARCH FLAGGED SINCE 1-Feb-2024 NOT FROM \"Smith\""));
        Assert.Equal(["* SEARCH", "A283 OK SEARCH completed"], client.Run("A283", "SEARCH TEXT \"string not in mailbox\""));
    }

    [Fact]
    public async Task Rfc4731_return_options_give_esearch_in_rev1()
    {
        await AddFixtureAsync();
        var client = InInbox();

        Assert.Equal(["* ESEARCH (TAG \"A282\") MIN 2 COUNT 2", "A282 OK SEARCH completed"],
            client.Run("A282", "SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-2024 NOT FROM \"Smith\""));
        Assert.Equal(["* ESEARCH (TAG \"A283\") ALL 2,4", "A283 OK SEARCH completed"],
            client.Run("A283", "SEARCH RETURN () FLAGGED SINCE 1-Feb-2024 NOT FROM \"Smith\""));
        Assert.Equal(["* ESEARCH (TAG \"A284\")", "A284 OK SEARCH completed"],
            client.Run("A284", "SEARCH RETURN (MIN) SEEN DRAFT"));
        Assert.Equal(["* ESEARCH (TAG \"A285\") UID MIN 2 MAX 6", "A285 OK UID SEARCH completed"],
            client.Run("A285", "UID SEARCH RETURN (MIN MAX) 1:5000"));
        Assert.Equal(["* ESEARCH (TAG \"A286\") ALL 2:4 COUNT 3", "A286 OK SEARCH completed"],
            client.Run("A286", "SEARCH RETURN (COUNT ALL) FLAGGED"));
        Assert.Equal(["* ESEARCH (TAG \"A287\") UID COUNT 0", "A287 OK UID SEARCH completed"],
            client.Run("A287", "UID SEARCH RETURN (COUNT) SEEN DRAFT"));
        Assert.Equal(["* ESEARCH (TAG \"A288\") MIN 1 MAX 5 ALL 1:5 COUNT 5", "A288 OK SEARCH completed"],
            client.Run("A288", "SEARCH RETURN (MAX ALL MIN COUNT) ALL"));
    }

    [Fact]
    public async Task Rev2_answers_every_search_with_esearch()
    {
        await AddFixtureAsync();
        var client = InInbox(rev2: true);

        Assert.Equal(["* ESEARCH (TAG \"A282\") ALL 2,4", "A282 OK SEARCH completed"],
            client.Run("A282", "SEARCH FLAGGED SINCE 1-Feb-2024 NOT FROM \"Smith\""));
        Assert.Equal(["* ESEARCH (TAG \"A283\") UID ALL 3:5", "A283 OK UID SEARCH completed"], client.Run("A283", "UID SEARCH FLAGGED"));
        Assert.Equal(["* ESEARCH (TAG \"A284\")", "A284 OK SEARCH completed"], client.Run("A284", "SEARCH TEXT \"string not in mailbox\""));
        Assert.Equal(["* ESEARCH (TAG \"A285\")", "A285 OK SEARCH completed"], RunWithLiteral(client, "A285", "SEARCH CHARSET UTF-8 TEXT ", "отпуск"));
        Assert.Equal(["* ESEARCH (TAG \"A286\") ALL 2", "A286 OK SEARCH completed"], RunWithLiteral(client, "A286", "SEARCH CHARSET UTF-8 TEXT ", "grüße"));
        Assert.Equal(["* ESEARCH (TAG \"A287\") COUNT 3", "A287 OK SEARCH completed"], client.Run("A287", "SEARCH RETURN (COUNT) FLAGGED"));
    }

    [Fact]
    public void Rev2_empty_folder_gives_an_esearch_without_results()
    {
        var client = Connect();
        client.LogIn();
        client.Run("e", "ENABLE IMAP4rev2");
        client.Run("s", "SELECT Sent");

        Assert.Equal(["* ESEARCH (TAG \"a\")", "a OK SEARCH completed"], client.Run("a", "SEARCH ALL"));
        Assert.Equal(["* ESEARCH (TAG \"b\") UID COUNT 0", "b OK UID SEARCH completed"], client.Run("b", "UID SEARCH RETURN (MIN COUNT) ALL"));
    }
}
