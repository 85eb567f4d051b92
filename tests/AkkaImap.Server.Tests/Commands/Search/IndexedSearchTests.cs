using System.Collections.Concurrent;
using AkkaImap.Protocol.Search;
using AkkaImap.Server.Commands.Searching;
using AkkaImap.Storage;
using AkkaImap.Storage.Sqlite;
using AkkaImap.Tests.Shared;
using Xunit;

namespace AkkaImap.Server.Tests.Commands.Search;

/// <summary>
/// SEARCH answered from the full-text index gives exactly what the plain scan gives, on the
/// 10,000 generated messages of <see cref="SearchCorpus"/> in a real SQLite store: every needle
/// for BODY, TEXT, FROM, TO, CC, BCC and SUBJECT, alone and combined with NOT/OR. The scan is the
/// evaluator on each message's parsed content (what <see cref="SearchRunner"/> does without the
/// index); the indexed run reads no message bytes for needles the index can answer.
/// </summary>
public sealed class IndexedSearchTests(IndexedSearchTests.Corpus corpus) : IClassFixture<IndexedSearchTests.Corpus>
{
    private const int Messages = 10_000;

    public static TheoryData<string> Fields => ["BODY", "TEXT", "FROM", "TO", "CC", "BCC", "SUBJECT"];

    [Theory]
    [MemberData(nameof(Fields))]
    public async Task Every_needle_finds_the_same_messages_with_the_index_as_by_scanning(string field)
    {
        int answered = 0;
        foreach (var needle in SearchCorpus.Needles)
        {
            var key = KeyOf(field, needle);
            var (found, reads) = await corpus.RunIndexedAsync(key);
            answered += found.Length > 0 ? 1 : 0;
            Assert.True(corpus.Scan(key).SequenceEqual(found), $"{field} \"{needle}\": index {found.Length} messages, scan {corpus.Scan(key).Length}");
            if (needle.EnumerateRunes().Count() >= 3 && !needle.Contains('\uFFFD'))
            {
                // The index answered: no message was read to decide it.
                Assert.Equal(0, reads);
            }
        }
        // The corpus gives each field something to find (the comparison is not between empty sets).
        Assert.True(answered >= 4, $"{field}: only {answered} needles found anything");
    }

    [Fact]
    public async Task Combined_keys_find_the_same_messages_with_the_index_as_by_scanning()
    {
        SearchKey[] keys =
        [
            new NotKey(new TextKey(TextScope.Body, "zebracorn")),
            new OrKey(new HeaderKey("From", "müller"), new TextKey(TextScope.Text, "σοφία")),
            new AndKey([new HeaderKey("Subject", "report"), new NotKey(new HeaderKey("To", "example.org")), new TextKey(TextScope.Body, "x")]),
            new AndKey([new SizeKey(true, 900), new TextKey(TextScope.Body, "STRASSE")]),
            new OrKey(new TextKey(TextScope.Body, "ab"), new HeaderKey("Cc", "ǆungla")),
        ];
        foreach (var key in keys)
        {
            var (found, _) = await corpus.RunIndexedAsync(key);
            Assert.Equal(corpus.Scan(key), found);
        }
    }

    [Fact]
    public void The_index_folding_is_the_scans_case_insensitive_comparison_for_every_character()
    {
        // What the index stores (ToUpperInvariant) must compare equal, under the scan's
        // OrdinalIgnoreCase, to the original, character by character, in the BMP and beyond.
        for (int c = 0; c <= 0x10FFFF; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }
            var text = char.ConvertFromUtf32(c);
            var folded = Storage.Search.IndexedDocument.Fold(text);
            Assert.True(string.Equals(text, folded, StringComparison.OrdinalIgnoreCase), $"U+{c:X4}");
            Assert.Equal(folded, Storage.Search.IndexedDocument.Fold(folded));
        }
    }

    private static SearchKey KeyOf(string field, string needle) => field switch
    {
        "BODY" => new TextKey(TextScope.Body, needle),
        "TEXT" => new TextKey(TextScope.Text, needle),
        _ => new HeaderKey(field[0] + field[1..].ToLowerInvariant(), needle),
    };

    /// <summary>The corpus in a store, and each message's data loaded once for the scan.</summary>
    public sealed class Corpus : IAsyncLifetime
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("akkaimap-fts-").FullName;
        private SqliteStore _store = null!;
        private long _folderId;
        private IReadOnlyList<MessageFlagState> _rows = [];
        private List<SearchCandidate> _loaded = [];

        public async Task InitializeAsync()
        {
            _store = await SqliteStore.OpenAsync(_folder);
            await _store.AddPostOfficeAsync("example.com", publicFolders: false);
            var account = await _store.AddAccountAsync("alice@example.com", "secret");
            _folderId = (await _store.GetFolderAsync(account.Owner, "INBOX"))!.Id;
            for (int start = 0; start < Messages; start += 500)
            {
                await _store.AppendAsync(_folderId, [.. Enumerable.Range(start, 500).Select(i => new AppendRequest(SearchCorpus.Message(i)))]);
            }
            _rows = await _store.GetMessageFlagsAsync(_folderId);
            var infos = await _store.GetMessagesAsync(_folderId, [.. _rows.Select(r => r.Uid)]);
            _loaded = [.. _rows.Select((row, i) => new SearchCandidate((uint)i + 1, row) { Info = infos[i] })];
            var bytes = await _store.ReadMessagesAsync(_folderId, [.. _rows.Select(r => r.Uid)]);
            foreach (var candidate in _loaded)
            {
                candidate.Content = Storage.Search.MessageText.FromMessage(bytes[candidate.Uid]);
            }
        }

        private SearchScope Scope => new((uint)_rows.Count, _rows[^1].Uid, new HashSet<uint>(), DateTimeOffset.UtcNow);

        /// <summary>The plain scan's answer: every message evaluated on its own parsed content.</summary>
        public uint[] Scan(SearchKey key)
        {
            var scope = Scope;
            return [.. _loaded.Where(c => SearchEvaluator.Evaluate(key, c, scope) == Truth.True).Select(c => c.Msn)];
        }

        /// <summary>The worker's search with the index, and how many messages it read.</summary>
        public async Task<(uint[] Found, int Reads)> RunIndexedAsync(SearchKey key)
        {
            var (store, calls) = SearchRunnerTests.CountingStore.Wrap(_store);
            var candidates = _rows.Select((row, i) => new SearchCandidate((uint)i + 1, row)).ToList();
            var result = await SearchRunner.RunAsync(store, _folderId, key, candidates, Scope, useIndex: true);
            return ([.. result.Matches.Select(c => c.Msn)], calls.GetValueOrDefault("messages read"));
        }

        public async Task DisposeAsync()
        {
            await _store.DisposeAsync();
            Directory.Delete(_folder, recursive: true);
        }
    }
}
