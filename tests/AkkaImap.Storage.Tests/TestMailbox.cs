namespace AkkaImap.Storage.Tests;

/// <summary>The one mailbox the store-specific test classes need: alice@example.com, without public folders.</summary>
internal static class TestMailbox
{
    /// <summary>Adds the post office and alice's mailbox; the id of her INBOX.</summary>
    public static async Task<long> AliceInboxAsync(IStore store)
    {
        await store.AddPostOfficeAsync("example.com", publicFolders: false);
        var owner = (await store.AddAccountAsync("alice@example.com", "correct horse")).Owner;
        return (await store.GetFolderAsync(owner, "INBOX"))!.Id;
    }
}
