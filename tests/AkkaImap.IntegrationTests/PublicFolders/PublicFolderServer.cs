using AkkaImap.IntegrationTests.Infrastructure;
using MailKit.Net.Imap;
using MailKit.Security;
using Xunit;

namespace AkkaImap.IntegrationTests.PublicFolders;

/// <summary>
/// The standard server (example.com with public folders on; alice and bob) plus a second post
/// office other.org, also with public folders, and its mailbox carol; public folder "News" in
/// example.com and "OtherNews" in other.org, made through the CLI while the server runs.
/// </summary>
public sealed class PublicFolderServer : ServerFixture, IAsyncLifetime
{
    public const string Carol = "carol@other.org";
    public const string CarolPassword = "carol-Secret-3";

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        await CliAsync("", "publicfolder", "add", PostOffice, "News");
        await CliAsync("", "postoffice", "add", "other.org", "--public-folders");
        await CliAsync("", "publicfolder", "add", "other.org", "OtherNews");
        await CliAsync(CarolPassword + "\n", "mailbox", "add", Carol, "--password-stdin");
    }

    public async Task<ImapClient> CarolAsync()
    {
        var client = new ImapClient { Timeout = 30_000 };
        await client.ConnectAsync("127.0.0.1", Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(Carol, CarolPassword);
        return client;
    }
}

/// <summary>The standard server with the public-folder service switch and XLIST both off.</summary>
public sealed class SwitchedOffServer : ServerFixture, IAsyncLifetime
{
    protected override string ExtraSettings => "public-folders.enabled = off\nxlist = off";

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        await CliAsync("", "publicfolder", "add", PostOffice, "News");
    }
}

/// <summary>The standard server with <c>public-folders.user-create = off</c>.</summary>
public sealed class NoUserCreateServer : ServerFixture, IAsyncLifetime
{
    protected override string ExtraSettings => "public-folders.user-create = off";

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        await CliAsync("", "publicfolder", "add", PostOffice, "News");
    }
}
