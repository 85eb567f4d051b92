using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.Tests.Shared;
using MailKit;
using MailKit.Search;
using MimeKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Clients;

/// <summary>
/// Through the real server and MailKit: 10,000 generated messages (<see cref="SearchCorpus"/>) are
/// appended with MULTIAPPEND, searched by BODY, TEXT, FROM, TO, CC, BCC and SUBJECT with the
/// full-text index (<c>search.full-text-index = on</c>), then the same server is restarted with
/// the index off (every message scanned) and every answer must be the same.
/// </summary>
public sealed class MailKitIndexedSearchTests(MailKitIndexedSearchTests.IndexedServer server) : IClassFixture<MailKitIndexedSearchTests.IndexedServer>
{
    private const int Messages = 10_000;

    // The scan reads every message for each BODY/TEXT query: a few needles there, more for the
    // envelope fields (decided from the stored envelope when scanning).
    private static readonly string[] TextNeedles = ["zebracorn", "MÜLLER", "σοφια", "straße", "𐐨𐐩𐐪", "x"];
    private static readonly string[] HeaderNeedles =
        ["alice", "Müller", "ΣΟΦΊΑ", "москва", "İZMİR", "ǅungla", "example.org", "report 12", "\"quoted\"", "team:", "ab", "zzzzzz-none"];

    public sealed class IndexedServer : ServerFixture
    {
        protected override string ExtraSettings => "search { full-text-index = on }";
    }

    [Fact]
    public async Task Search_answers_the_same_with_and_without_the_full_text_index()
    {
        using (var client = await server.ConnectAsync())
        {
            await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
            for (int start = 0; start < Messages; start += 250)
            {
                var batch = Enumerable.Range(start, 250)
                    .Select(i => (IAppendRequest)new AppendRequest(MimeMessage.Load(new MemoryStream(SearchCorpus.Message(i))))).ToList();
                await client.Inbox.AppendAsync(batch);
            }
        }

        var indexed = await SearchAllAsync();
        var found = indexed.Count(answer => answer.Value.Count > 0);
        Assert.True(found >= 20, $"only {found} of {indexed.Count} searches found anything");

        Assert.Equal(0, await server.StopAsync());
        File.WriteAllText(server.ConfigFile, File.ReadAllText(server.ConfigFile).Replace("full-text-index = on", "full-text-index = off", StringComparison.Ordinal));
        await server.StartAsync();
        var scanned = await SearchAllAsync();

        foreach (var (query, uids) in indexed)
        {
            Assert.True(uids.SequenceEqual(scanned[query]), $"{query}: with the index {uids.Count} messages, scanning {scanned[query].Count}");
        }
    }

    private async Task<Dictionary<string, IList<UniqueId>>> SearchAllAsync()
    {
        using var client = await server.ConnectAsync();
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(Messages, client.Inbox.Count);
        var answers = new Dictionary<string, IList<UniqueId>>(StringComparer.Ordinal);
        async Task Run(string name, string needle, SearchQuery query) => answers[$"{name} \"{needle}\""] = await client.Inbox.SearchAsync(query);
        foreach (var needle in TextNeedles)
        {
            await Run("BODY", needle, SearchQuery.BodyContains(needle));
            await Run("TEXT", needle, SearchQuery.MessageContains(needle));
        }
        foreach (var needle in HeaderNeedles)
        {
            await Run("FROM", needle, SearchQuery.FromContains(needle));
            await Run("TO", needle, SearchQuery.ToContains(needle));
            await Run("CC", needle, SearchQuery.CcContains(needle));
            await Run("BCC", needle, SearchQuery.BccContains(needle));
            await Run("SUBJECT", needle, SearchQuery.SubjectContains(needle));
        }
        await Run("OR FROM/BODY", "müller/zebracorn", SearchQuery.FromContains("müller").Or(SearchQuery.BodyContains("zebracorn")));
        await Run("NOT BODY", "report", SearchQuery.Not(SearchQuery.BodyContains("report")));
        return answers;
    }
}
