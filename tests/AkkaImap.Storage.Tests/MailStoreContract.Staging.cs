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
}
