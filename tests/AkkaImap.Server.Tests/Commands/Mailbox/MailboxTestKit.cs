using System.Text;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Tests.Sessions;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Commands.Mailbox;

/// <summary>
/// The session fixture (real SessionActor, SQLite store, account region) plus what mailbox tests
/// need: a signed-in client, messages put in place through the account, stored UIDVALIDITYs.
/// The account starts with INBOX, Drafts, Sent, Trash, Junk and Archive, all subscribed.
/// </summary>
public abstract class MailboxTestKit : SessionTestKit
{
    /// <summary>22 bytes.</summary>
    protected const string Message = "Subject: hi\r\n\r\nhello\r\n";

    protected Client SignedIn(bool rev2 = false, ImapSettings? settings = null)
    {
        var client = Connect(settings);
        client.LogIn();
        if (rev2)
        {
            Assert.Equal(["* ENABLED IMAP4rev2", "e OK ENABLE completed"], client.Run("e", "ENABLE IMAP4rev2"));
        }
        return client;
    }

    protected async Task<Account> AccountAsync() => (await Store.FindAccountAsync(Login))!;

    protected async Task<FolderInfo> FolderAsync(string name) =>
        (await Store.GetFolderAsync((await AccountAsync()).Owner, name))!;

    protected async Task<uint> UidValidityAsync(string name) => (await FolderAsync(name)).UidValidity;

    /// <summary>Appends through the account actor, as another session or LMTP would.</summary>
    protected Task AppendAsync(string folder, MessageFlags flags = MessageFlags.None, params string[] keywords) =>
        AppendThroughAccountAsync(folder, new AppendRequest(Encoding.ASCII.GetBytes(Message), flags, keywords));

    /// <summary>The tagged response (the last line) is OK.</summary>
    protected static void AssertOk(List<string> lines) =>
        Assert.Matches(@"^\S+ OK ", lines[^1]);
}
