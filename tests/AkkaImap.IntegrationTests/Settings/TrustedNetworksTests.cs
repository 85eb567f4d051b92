using AkkaImap.IntegrationTests.Infrastructure;
using MailKit.Net.Imap;
using MailKit.Security;
using Xunit;

namespace AkkaImap.IntegrationTests.Settings;

public sealed class NoTrustedNetworkServer : ServerFixture
{
    protected override string ExtraSettings => "auth.trusted-networks = []";
}

/// <summary>
/// <c>auth.trusted-networks = []</c> makes loopback an outside network: the plain port advertises
/// LOGINDISABLED and no plaintext mechanism and refuses LOGIN until STARTTLS (RFC 9051 §6.2.3, §11.1).
/// </summary>
public sealed class TrustedNetworksTests(NoTrustedNetworkServer server) : IClassFixture<NoTrustedNetworkServer>
{
    private const string Login = "alice@example.com";

    private string LoginCommand => $"LOGIN {Login} {server.Users[Login]}";

    [Fact]
    public async Task Plaintext_login_is_disabled_until_starttls()
    {
        await using var client = await LineClient.ConnectAsync("127.0.0.1", server.Port);
        var greeting = await client.ReadLineAsync();
        Assert.NotNull(greeting);
        AssertPlaintextDisabled(greeting);
        AssertPlaintextDisabled((await client.RunAsync("c", "CAPABILITY"))[0]);

        Assert.StartsWith("a NO ", (await client.RunAsync("a", LoginCommand)).Last());
        // The log says why (issue 13); the password was never looked at.
        var refused = await server.WaitForLineAsync(l => l.Contains($"login of {Login} failed (LOGIN, plain): plaintext refused", StringComparison.Ordinal), "the plaintext refused line");

        Assert.StartsWith("s OK ", (await client.RunAsync("s", "STARTTLS")).Last());
        await client.StartTlsAsync();
        var capability = (await client.RunAsync("d", "CAPABILITY"))[0];
        Assert.DoesNotContain("LOGINDISABLED", capability);
        Assert.Contains(" AUTH=PLAIN", capability);
        Assert.StartsWith("b OK ", (await client.RunAsync("b", LoginCommand)).Last());

        // Same session, now over TLS.
        var start = refused.IndexOf(" session ", StringComparison.Ordinal);
        var session = refused[start..refused.IndexOf(": login of", StringComparison.Ordinal)];
        await server.WaitForLineAsync(l => l.Contains(session + $": login of {Login} succeeded (LOGIN, TLS)", StringComparison.Ordinal), "the login over TLS line");
    }

    [Fact]
    public async Task Openssl_starttls_logs_in()
    {
        var result = await OpenSslClient.StartTlsAsync(server.Port, "a " + LoginCommand, "z LOGOUT");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(TlsEndpointTests.Lines(result.Stdout), l => l.StartsWith("a OK ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Implicit_tls_allows_login_at_once()
    {
        await using var client = await LineClient.ConnectAsync("127.0.0.1", server.TlsPort, implicitTls: true);
        var greeting = await client.ReadLineAsync();
        Assert.NotNull(greeting);
        Assert.DoesNotContain("LOGINDISABLED", greeting);
        Assert.StartsWith("a OK ", (await client.RunAsync("a", LoginCommand)).Last());
    }

    [Fact]
    public async Task MailKit_sends_no_plaintext_password_before_starttls_and_logs_in_after_it()
    {
        using (var plain = new ImapClient { Timeout = 30_000 })
        {
            await plain.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.None);
            Assert.True(plain.Capabilities.HasFlag(ImapCapabilities.LoginDisabled));
            Assert.DoesNotContain("PLAIN", plain.AuthenticationMechanisms);
            Assert.DoesNotContain("LOGIN", plain.AuthenticationMechanisms);

            // SCRAM-SHA-256 never sends the password, so it stays on offer without TLS ...
            Assert.Contains("SCRAM-SHA-256", plain.AuthenticationMechanisms);
            // ... and without it the client has no way to log in before STARTTLS.
            plain.AuthenticationMechanisms.Remove("SCRAM-SHA-256");
            await Assert.ThrowsAsync<AuthenticationException>(() => plain.AuthenticateAsync(Login, server.Users[Login]));
            Assert.True(plain.IsConnected);
        }

        using (var scram = new ImapClient { Timeout = 30_000 })
        {
            await scram.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.None);
            await scram.AuthenticateAsync(Login, server.Users[Login]);
            Assert.True(scram.IsAuthenticated);
        }

        using var secure = new ImapClient { Timeout = 30_000, ServerCertificateValidationCallback = (_, _, _, _) => true };
        await secure.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.StartTls);
        await secure.AuthenticateAsync(Login, server.Users[Login]);
        Assert.True(secure.IsAuthenticated);
    }

    private static void AssertPlaintextDisabled(string capabilities)
    {
        Assert.Contains(" STARTTLS", capabilities);
        Assert.Contains(" LOGINDISABLED", capabilities);
        Assert.DoesNotContain("AUTH=PLAIN", capabilities);
        Assert.DoesNotContain("AUTH=LOGIN", capabilities);
    }
}
