using System.Text;

namespace AkkaImap.Storage.Tests;

// Bodies staged ahead of their APPEND (IMailStore.StageMessageAsync): how large messages reach
// their folder's owner by reference.
public abstract partial class MailStoreContract
{
    [Fact]
    public async Task A_staged_body_is_appended_by_its_handle_with_its_bytes_and_analysis()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var bytes = Encoding.UTF8.GetBytes(Simple("staged", new string('x', 200_000)));

        var staged = await Store.StageMessageAsync(bytes);
        var result = await Store.AppendAsync(inbox.Id, [
            new AppendRequest(ReadOnlyMemory<byte>.Empty, MessageFlags.Flagged) { StagedBodyId = staged },
            new AppendRequest(Encoding.UTF8.GetBytes(Simple("inline"))),
        ]);

        Assert.Equal(new uint[] { 1, 2 }, result.Uids);
        Assert.Equal(bytes, await Store.ReadMessageAsync(inbox.Id, 1));
        var info = (await Store.GetMessageAsync(inbox.Id, 1))!;
        Assert.Equal("staged", info.Envelope.Subject);
        Assert.Equal(bytes.Length, info.Size);
        Assert.Equal(MessageFlags.Flagged, info.Flags);
        Assert.Equal("inline", (await Store.GetMessageAsync(inbox.Id, 2))!.Envelope.Subject);
    }

    [Fact]
    public async Task Bodies_staged_together_get_one_handle_each_in_the_order_given()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var bodies = Enumerable.Range(1, 5).Select(i => Encoding.UTF8.GetBytes(Simple($"part {i}", new string('x', 100 * i)))).ToArray();

        var staged = await Store.StageMessagesAsync(bodies.Select(b => (ReadOnlyMemory<byte>)b).ToArray());

        Assert.Equal(5, staged.Distinct().Count());
        var result = await Store.AppendAsync(inbox.Id, staged.Reverse().Select(id => new AppendRequest(ReadOnlyMemory<byte>.Empty) { StagedBodyId = id }).ToArray());
        for (var i = 0; i < bodies.Length; i++)
        {
            Assert.Equal(bodies[bodies.Length - 1 - i], await Store.ReadMessageAsync(inbox.Id, result.Uids[i]));
            Assert.Equal($"part {bodies.Length - i}", (await Store.GetMessageAsync(inbox.Id, result.Uids[i]))!.Envelope.Subject);
        }
    }

    [Fact]
    public async Task A_staged_body_is_appended_once_and_a_second_use_changes_nothing()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var staged = await Store.StageMessageAsync(Encoding.UTF8.GetBytes(Simple("once")));
        await Store.AppendAsync(inbox.Id, [new AppendRequest(ReadOnlyMemory<byte>.Empty) { StagedBodyId = staged }]);

        var again = await Assert.ThrowsAsync<StoreException>(() => Store.AppendAsync(inbox.Id, [
            new AppendRequest(Encoding.UTF8.GetBytes(Simple("with it"))),
            new AppendRequest(ReadOnlyMemory<byte>.Empty) { StagedBodyId = staged },
        ]));

        Assert.Equal(StoreError.NotAllowed, again.Error);
        // MULTIAPPEND is all or nothing: the message sent with it was not added either.
        Assert.Single(await Store.GetMessageFlagsAsync(inbox.Id));
    }

    [Fact]
    public async Task A_staged_body_survives_the_clean_up_of_unused_bodies_until_it_is_appended()
    {
        var alice = await NewAccountAsync();
        var bob = await NewAccountAsync("bob@example.com");
        var staged = await Store.StageMessageAsync(Encoding.UTF8.GetBytes(Simple("waiting")));

        // Removing a mailbox deletes every body no message refers to any more.
        await Store.RemoveAccountAsync(bob.Login, force: true);

        var inbox = await FolderAsync(alice, "INBOX");
        await Store.AppendAsync(inbox.Id, [new AppendRequest(ReadOnlyMemory<byte>.Empty) { StagedBodyId = staged }]);
        Assert.Equal("waiting", (await Store.GetMessageAsync(inbox.Id, 1))!.Envelope.Subject);
    }

    [Fact]
    public async Task A_staged_body_keeps_its_sent_date_for_sort_through_append_and_copy()
    {
        // The sent date (RFC 5256 §2.2) is worked out when the body is stored: staged, inline, or neither readable.
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var archive = await FolderAsync(account, "Archive");
        var dated = await Store.StageMessageAsync(Encoding.UTF8.GetBytes("Subject: staged\r\nDate: Tue, 1 Jun 2021 10:00:00 +0200\r\n\r\nBody.\r\n"));
        var undated = await Store.StageMessageAsync(Encoding.UTF8.GetBytes("Subject: no date\r\nDate: not a date\r\n\r\nBody.\r\n"));

        var uids = (await Store.AppendAsync(inbox.Id, [
            new AppendRequest(ReadOnlyMemory<byte>.Empty) { StagedBodyId = dated },
            new AppendRequest(ReadOnlyMemory<byte>.Empty) { StagedBodyId = undated },
            new AppendRequest(Encoding.UTF8.GetBytes("Subject: inline\r\nDate: Sat, 31 Dec 2022 23:59:59 -0500\r\n\r\nBody.\r\n")),
        ])).Uids;
        var copied = (await Store.CopyAsync(inbox.Id, [uids[0]], archive.Id)).Mapping.Single().TargetUid;

        var facts = await Store.GetSortFactsAsync(inbox.Id, uids, SortFactsNeed.SentDate);
        Assert.Equal(new DateTimeOffset(2021, 6, 1, 8, 0, 0, TimeSpan.Zero), facts[0].SentDate);
        Assert.Null(facts[0].Envelope);
        Assert.Null(facts[1].SentDate);
        Assert.Equal("no date", facts[1].Envelope!.Subject);
        Assert.Equal(new DateTimeOffset(2023, 1, 1, 4, 59, 59, TimeSpan.Zero), facts[2].SentDate);
        var copy = Assert.Single(await Store.GetSortFactsAsync(archive.Id, [copied], SortFactsNeed.SentDate));
        Assert.Equal(facts[0].SentDate, copy.SentDate);
    }
}
