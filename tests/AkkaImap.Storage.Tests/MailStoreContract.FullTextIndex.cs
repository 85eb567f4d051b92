using AkkaImap.Storage.Search;
using AkkaImap.Tests.Shared;

namespace AkkaImap.Storage.Tests;

// The full-text index (IMailStore.SearchIndexAsync): the same answers as reading every message,
// on the 10,000 generated messages of SearchCorpus; kept with copies and expunges.
public abstract partial class MailStoreContract
{
    private static readonly IndexedField[] IndexedFields =
        [IndexedField.Text, IndexedField.Body, IndexedField.From, IndexedField.To, IndexedField.Cc, IndexedField.Bcc, IndexedField.Subject];

    [Fact]
    public async Task The_full_text_index_finds_exactly_what_reading_every_message_finds()
    {
        const int count = 10_000;
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        for (int start = 0; start < count; start += 500)
        {
            await Store.AppendAsync(inbox.Id, [.. Enumerable.Range(start, 500).Select(i => new AppendRequest(SearchCorpus.Message(i)))]);
        }
        var scan = await ScanAsync(inbox.Id);

        int found = 0;
        foreach (var needle in SearchCorpus.Needles)
        {
            foreach (var field in IndexedFields)
            {
                var answer = await Store.SearchIndexAsync(inbox.Id, field, needle);
                if (IndexedDocument.NeedleFor(needle) is null)
                {
                    // Fewer than three characters and the like: the caller scans.
                    Assert.Null(answer);
                    continue;
                }
                Assert.NotNull(answer);
                Assert.Empty(answer.Unindexed);
                var expected = scan.Where(m => m.Matches(field, needle)).Select(m => m.Uid).Order().ToArray();
                Assert.True(expected.SequenceEqual(answer.Matches.Order()), $"{field} \"{needle}\": index {answer.Matches.Count}, scan {expected.Length}");
                found += expected.Length > 0 ? 1 : 0;
            }
        }
        Assert.True(found > 100, $"only {found} lookups found anything");
    }

    [Fact]
    public async Task With_the_index_off_appends_write_no_rows_and_once_on_again_it_catches_up_in_steps()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var before = await AppendAsync(inbox.Id, Simple("before", "zebracorn before"));

        await ReopenAsync(fullTextIndex: false);
        var off = await AppendAsync(inbox.Id, Simple("off", "zebracorn while off"), Simple("other", "nothing here"), Simple("gone", "zebracorn gone"));
        await Store.StoreFlagsAsync(inbox.Id, [off[2]], StoreMode.Add, MessageFlags.Deleted);
        await Store.ExpungeAsync(inbox.Id, [off[2]]);
        var whileOff = (await Store.SearchIndexAsync(inbox.Id, IndexedField.Body, "zebracorn"))!;
        // No index rows for what came while off: the index does not find it, it lists it for the scan.
        Assert.Equal(before, whileOff.Matches.Order());
        Assert.Equal(off.Take(2), whileOff.Unindexed.Order());

        await ReopenAsync(fullTextIndex: true);
        var pending = (await Store.SearchIndexAsync(inbox.Id, IndexedField.Body, "zebracorn"))!;
        Assert.Equal(before, pending.Matches.Order());
        Assert.Equal(off.Take(2), pending.Unindexed.Order());
        // Bounded steps: one body each, two pending (the expunged one went with its blob).
        Assert.Equal(1, await Store.IndexPendingAsync(1));
        Assert.Equal(1, await Store.IndexPendingAsync(1));
        Assert.Equal(0, await IndexUpkeep.CatchUpAsync(Store, CancellationToken.None));
        var caughtUp = (await Store.SearchIndexAsync(inbox.Id, IndexedField.Body, "zebracorn"))!;
        Assert.Equal([before[0], off[0]], caughtUp.Matches.Order());
        Assert.Empty(caughtUp.Unindexed);
        Assert.Equal([off[1]], (await Store.SearchIndexAsync(inbox.Id, IndexedField.Text, "NOTHING HERE"))!.Matches);
    }

    [Fact]
    public async Task A_message_with_more_text_than_the_index_takes_is_left_to_the_scan()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var line = "the quick brown fox jumps over the lazy dog\r\n";
        var big = "Subject: big\r\n\r\n" + string.Concat(Enumerable.Repeat(line, 2 * (int)(IndexedDocument.MaxIndexedChars / line.Length))) + "zebracorn\r\n";
        var uids = await AppendAsync(inbox.Id, big, "Subject: small\r\n\r\nzebracorn\r\n");

        var answer = (await Store.SearchIndexAsync(inbox.Id, IndexedField.Body, "zebracorn"))!;

        // The small one from the index; the big one is unindexed, so the caller scans it.
        Assert.Equal([uids[1]], answer.Matches.ToArray());
        Assert.Equal([uids[0]], answer.Unindexed.ToArray());
    }

    [Fact]
    public async Task The_full_text_index_follows_copies_and_expunges_and_answers_only_for_its_folder()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var archive = await Store.CreateFolderAsync(account.Owner, "Kept");
        var uids = await AppendAsync(inbox.Id,
            "From: Jürgen <j@example.de>\r\nSubject: Grüße\r\n\r\nSchöne Grüße aus München\r\n",
            "From: bob@example.org\r\nSubject: other\r\n\r\nnothing here\r\n");
        Assert.Equal([uids[0]], (await Store.SearchIndexAsync(inbox.Id, IndexedField.Body, "GRÜßE"))!.Matches.ToArray());
        // ß has no simple upper-case letter: SS is another string, as for the scan.
        Assert.Empty((await Store.SearchIndexAsync(inbox.Id, IndexedField.Body, "GRÜSSE"))!.Matches);
        Assert.Empty((await Store.SearchIndexAsync(archive.Id, IndexedField.Body, "grüße"))!.Matches);

        var copied = (await Store.CopyAsync(inbox.Id, [uids[0]], archive.Id)).Mapping.Select(m => m.TargetUid).ToArray();
        Assert.Equal(copied, (await Store.SearchIndexAsync(archive.Id, IndexedField.From, "JÜRGEN"))!.Matches.ToArray());

        await Store.StoreFlagsAsync(inbox.Id, [uids[0]], StoreMode.Add, MessageFlags.Deleted);
        await Store.ExpungeAsync(inbox.Id);
        Assert.Empty((await Store.SearchIndexAsync(inbox.Id, IndexedField.Body, "münchen"))!.Matches);
        // The copy shares the stored message: still found.
        Assert.Equal(copied, (await Store.SearchIndexAsync(archive.Id, IndexedField.Body, "münchen"))!.Matches.ToArray());

        await Store.StoreFlagsAsync(archive.Id, copied, StoreMode.Add, MessageFlags.Deleted);
        await Store.ExpungeAsync(archive.Id);
        Assert.Empty((await Store.SearchIndexAsync(archive.Id, IndexedField.Body, "münchen"))!.Matches);
        Assert.Equal(1, await CountBlobsAsync(Store));
        var later = await AppendAsync(archive.Id, "Subject: again\r\n\r\nSchöne Grüße aus München\r\n");
        Assert.Equal(later, (await Store.SearchIndexAsync(archive.Id, IndexedField.Text, "SUBJECT: AGAIN"))!.Matches.ToArray());
    }

    /// <summary>Every message of a folder read back and parsed as the plain scan does.</summary>
    private async Task<List<Scanned>> ScanAsync(long folderId)
    {
        var rows = await Store.GetMessageFlagsAsync(folderId);
        var uids = rows.Select(r => r.Uid).ToArray();
        var infos = await Store.GetMessagesAsync(folderId, uids);
        var bytes = await Store.ReadMessagesAsync(folderId, uids);
        return [.. infos.Select(info => new Scanned(info.Uid, MessageText.FromMessage(bytes[info.Uid]), info.Envelope))];
    }

    /// <summary>
    /// One message as SEARCH's scan sees it: TEXT is the header or any text part, BODY any text
    /// part, the envelope fields their decoded text; each compared case-insensitively (RFC 9051 §6.4.4).
    /// </summary>
    private sealed record Scanned(uint Uid, MessageText Text, Protocol.Model.Envelope Envelope)
    {
        public bool Matches(IndexedField field, string needle) => field switch
        {
            IndexedField.Text => Contains(Text.HeaderText, needle) || Text.BodyTexts!.Any(b => Contains(b, needle)),
            IndexedField.Body => Text.BodyTexts!.Any(b => Contains(b, needle)),
            _ => Contains(EnvelopeText.Of(Envelope, field.ToString()), needle),
        };

        private static bool Contains(string? text, string needle) => text is not null && text.Contains(needle, StringComparison.OrdinalIgnoreCase);
    }
}
