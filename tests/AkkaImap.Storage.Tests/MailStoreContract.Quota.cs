using System.Text;

namespace AkkaImap.Storage.Tests;

// Quotas (RFC 9208): limits per mailbox with a post office default, checked inside the commit.
public abstract partial class MailStoreContract
{
    private static AppendRequest Sized(int size)
    {
        const string head = "Subject: sized\r\n\r\n";
        return new AppendRequest(Encoding.ASCII.GetBytes(head + new string('x', size - head.Length)));
    }

    [Fact]
    public async Task A_mailbox_without_limits_counts_its_use_across_folders()
    {
        var account = await NewAccountAsync();
        await Store.AppendAsync((await FolderAsync(account, "INBOX")).Id, [Sized(100), Sized(200)]);
        await Store.AppendAsync((await FolderAsync(account, "Archive")).Id, [Sized(300)]);

        Assert.Equal(new MailboxQuota(null, null, 600, 3), await Store.GetQuotaAsync(account.Id));
        Assert.Null(await Store.GetQuotaAsync(999_999));
    }

    [Fact]
    public async Task APPEND_up_to_the_limit_is_taken_and_past_it_nothing_of_the_batch_is_written()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        Assert.True(await Store.SetAccountQuotaAsync(account.Login, new QuotaChange(true, 1000, true, 3)));

        await Store.AppendAsync(inbox.Id, [Sized(400), Sized(600)]);
        var over = await Assert.ThrowsAsync<StoreException>(() => Store.AppendAsync(inbox.Id, [Sized(100)]));
        Assert.Equal(StoreError.OverQuota, over.Error);

        Assert.True(await Store.SetAccountQuotaAsync(account.Login, new QuotaChange(true, QuotaChange.Unlimited, false, null)));
        await Store.AppendAsync(inbox.Id, [Sized(100)]);
        var count = await Assert.ThrowsAsync<StoreException>(() => Store.AppendAsync(inbox.Id, [Sized(50), Sized(50)]));
        Assert.Equal(StoreError.OverQuota, count.Error);
        Assert.Equal(new MailboxQuota(null, 3, 1100, 3), await Store.GetQuotaAsync(account.Id));
    }

    [Fact]
    public async Task COPY_over_the_limit_is_refused_and_MOVE_within_the_mailbox_is_not()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        var archive = await FolderAsync(account, "Archive");
        await Store.AppendAsync(inbox.Id, [Sized(500)]);
        await Store.SetAccountQuotaAsync(account.Login, new QuotaChange(true, 700, false, null));

        var over = await Assert.ThrowsAsync<StoreException>(() => Store.CopyAsync(inbox.Id, [1], archive.Id));
        Assert.Equal(StoreError.OverQuota, over.Error);
        Assert.Empty(await Store.GetMessageFlagsAsync(archive.Id));

        var moved = await Store.MoveAsync(inbox.Id, [1], archive.Id);
        Assert.Single(moved.Copy.Mapping);
    }

    [Fact]
    public async Task The_post_office_default_applies_until_a_mailbox_has_its_own_limit_or_none()
    {
        var account = await NewAccountAsync();
        var inbox = await FolderAsync(account, "INBOX");
        Assert.True(await Store.SetPostOfficeQuotaAsync(account.PostOfficeName, new QuotaChange(false, null, true, 1)));
        await Store.AppendAsync(inbox.Id, [Sized(100)]);
        Assert.Equal(StoreError.OverQuota, (await Assert.ThrowsAsync<StoreException>(() => Store.AppendAsync(inbox.Id, [Sized(100)]))).Error);

        await Store.SetAccountQuotaAsync(account.Login, new QuotaChange(false, null, true, QuotaChange.Unlimited));
        await Store.AppendAsync(inbox.Id, [Sized(100)]);
        Assert.Equal((new QuotaLimits(null, QuotaChange.Unlimited), new QuotaLimits(null, 1)), await Store.GetQuotaLimitsAsync(account.Login));

        await Store.SetAccountQuotaAsync(account.Login, new QuotaChange(false, null, true, null));
        Assert.Equal(new MailboxQuota(null, 1, 200, 2), await Store.GetQuotaAsync(account.Id));
        Assert.False(await Store.SetAccountQuotaAsync("nobody@example.com", new QuotaChange(true, 1, false, null)));
        Assert.False(await Store.SetPostOfficeQuotaAsync("nowhere.test", new QuotaChange(true, 1, false, null)));
    }
}
