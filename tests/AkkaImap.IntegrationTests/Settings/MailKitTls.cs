using System.Security.Authentication;
using AkkaImap.IntegrationTests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Xunit;

namespace AkkaImap.IntegrationTests.Settings;

/// <summary>What a user of MailKit sees on a TLS endpoint: a secure TLS 1.2/1.3 session that logs in and opens INBOX.</summary>
internal static class MailKitTls
{
    public static async Task AssertLogsInAsync(ServerFixture server, int port, SecureSocketOptions security, string login = "alice@example.com")
    {
        using var client = new ImapClient { Timeout = 30_000, ServerCertificateValidationCallback = (_, _, _, _) => true };

        await client.ConnectAsync("127.0.0.1", port, security);
        await client.AuthenticateAsync(login, server.Users[login]);

        Assert.True(client.IsSecure);
        Assert.True(client.IsAuthenticated);
        Assert.Contains(client.SslProtocol, new[] { SslProtocols.Tls12, SslProtocols.Tls13 });
        Assert.Equal(FolderAccess.ReadOnly, await client.Inbox.OpenAsync(FolderAccess.ReadOnly));
        await client.DisconnectAsync(quit: true);
    }
}
