using System.Net;
using MailKit.Security;
using Xunit;

namespace AkkaImap.IntegrationTests.Auth;

/// <summary>
/// Brute-force protection (issue 5): <c>auth.lockout.failures</c> wrong passwords lock the account,
/// so even the right password is refused, until <c>akkaimap mailbox unlock</c> lifts it at once.
/// </summary>
[TestCaseOrderer("AkkaImap.IntegrationTests.Infrastructure.ByNameOrderer", "AkkaImap.IntegrationTests")]
public sealed class LockoutTests(LockoutServer server) : IClassFixture<LockoutServer>
{
    private const string WrongPassword = "alice-Wrong-1";

    [Fact]
    public async Task A_three_failures_lock_the_account_and_mailbox_unlock_lifts_it()
    {
        var alice = server.Users["alice@example.com"];
        using (var client = await server.ConnectAsync(login: null))
        {
            // Mixed mechanisms: every failure counts towards the same account's lockout.
            await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync("alice@example.com", WrongPassword));
            await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(new SaslMechanismPlain("alice@example.com", WrongPassword)));
            await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(new SaslMechanismScramSha256("alice@example.com", WrongPassword)));

            await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(new SaslMechanismPlain("alice@example.com", alice)));
            await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(new SaslMechanismScramSha256("alice@example.com", alice)));
            Assert.False(client.IsAuthenticated);
        }

        // Another account is not locked by alice's failures.
        using (var bob = await server.ConnectAsync("bob@example.com"))
        {
            Assert.True(bob.IsAuthenticated);
        }

        // A new connection does not escape the lockout: it is the account's, not the session's.
        using (var client = await server.ConnectAsync(login: null))
        {
            await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync("alice@example.com", alice));
        }

        var unlock = await server.CliAsync(string.Empty, "mailbox", "unlock", "alice@example.com");
        Assert.Contains("unlocked mailbox alice@example.com", unlock.Stdout);

        using (var client = await server.ConnectAsync(login: null))
        {
            await client.AuthenticateAsync(new SaslMechanismScramSha256(new NetworkCredential("alice@example.com", alice)));
            Assert.True(client.IsAuthenticated);
        }
    }

    [Fact]
    public async Task B_a_lockout_survives_a_restart_of_the_server()
    {
        var bob = server.Users["bob@example.com"];
        using (var client = await server.ConnectAsync(login: null))
        {
            for (var i = 0; i < 3; i++)
            {
                await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(new SaslMechanismPlain("bob@example.com", WrongPassword)));
            }
        }

        Assert.Equal(0, await server.StopAsync());
        await server.StartAsync();

        using (var client = await server.ConnectAsync(login: null))
        {
            await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(new SaslMechanismPlain("bob@example.com", bob)));
        }

        await server.CliAsync(string.Empty, "mailbox", "unlock", "bob@example.com");
        using var unlocked = await server.ConnectAsync("bob@example.com");
        Assert.True(unlocked.IsAuthenticated);
    }

    [Fact]
    public void Z_failures_are_logged_with_the_remote_address_and_no_password_bytes_anywhere()
    {
        Assert.Contains(server.Output.Split('\n'), l => l.Contains("alice@example.com", StringComparison.Ordinal) && l.Contains("127.0.0.1", StringComparison.Ordinal));
        PasswordScan.AssertNowhere(server, [.. server.Users.Values, WrongPassword]);
    }
}
