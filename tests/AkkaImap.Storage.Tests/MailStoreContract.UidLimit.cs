namespace AkkaImap.Storage.Tests;

// UIDs and UIDNEXT are 32-bit numbers (RFC 9051 §2.3.1.1).
public abstract partial class MailStoreContract
{
    [Fact]
    public async Task A_write_that_would_give_a_UID_past_32_bits_is_refused_and_keeps_nothing()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var archive = await FolderAsync(account, "Archive");
        await AppendAsync(inbox.Id, Simple("one"), Simple("two"));
        // One UID left: 4294967294, after which UIDNEXT is 4294967295.
        await SetUidNextAsync(archive.Id, uint.MaxValue - 1);

        var copy = await Assert.ThrowsAsync<StoreException>(() => Store.CopyAsync(inbox.Id, [1, 2], archive.Id));
        Assert.Equal(StoreError.UidsExhausted, copy.Error);
        var move = await Assert.ThrowsAsync<StoreException>(() => Store.MoveAsync(inbox.Id, [1, 2], archive.Id));
        Assert.Equal(StoreError.UidsExhausted, move.Error);
        Assert.Equal([1u, 2u], (await Store.GetMessageFlagsAsync(inbox.Id)).Select(m => m.Uid));

        Assert.Equal([uint.MaxValue - 1], await AppendAsync(archive.Id, Simple("the last")));
        var append = await Assert.ThrowsAsync<StoreException>(() => AppendAsync(archive.Id, Simple("one too many")));
        Assert.Equal(StoreError.UidsExhausted, append.Error);
        Assert.Contains("last UID", append.Message);

        Assert.Equal([uint.MaxValue - 1], (await Store.GetMessageFlagsAsync(archive.Id)).Select(m => m.Uid));
        var status = await Store.GetStatusAsync(archive.Id);
        Assert.Equal(uint.MaxValue, status!.UidNext);
        Assert.Equal(1, status.Messages);
    }
}
