using System.Net;
using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.IntegrationTests.Protocol;
using MailKit.Security;
using Xunit;

namespace AkkaImap.IntegrationTests.Auth;

/// <summary>What a switched-off mechanism looks like to a client: absent from CAPABILITY, AUTHENTICATE refused.</summary>
internal static class SwitchedOff
{
    public static async Task AssertRefusedAsync(ServerFixture server, string name, string login)
    {
        using (var client = await server.ConnectAsync(login: null))
        {
            Assert.DoesNotContain(name, client.AuthenticationMechanisms);
            await Assert.ThrowsAsync<AuthenticationException>(() =>
                client.AuthenticateAsync(MailKitSaslTests.Mechanism(name, new NetworkCredential(login, server.Users[login]))));
            Assert.False(client.IsAuthenticated);
        }

        await using var raw = await RawImapClient.ConnectAsync(server.Port);
        var capability = await raw.RunAsync("C", "CAPABILITY");
        Assert.DoesNotContain("AUTH=" + name + " ", string.Join(" ", capability) + " ", StringComparison.Ordinal);
        var answer = await raw.RunAsync("A", "AUTHENTICATE " + name);
        Assert.Matches("^A (NO|BAD) ", answer[^1]);
    }
}

/// <summary>CRAM-MD5 and NTLM are off by default (SPEC.md); PLAIN, LOGIN and SCRAM-SHA-256 on.</summary>
public sealed class DefaultMechanismsTests(DefaultMechanismsServer server) : IClassFixture<DefaultMechanismsServer>
{
    [Theory]
    [InlineData("CRAM-MD5")]
    [InlineData("NTLM")]
    public Task Cram_md5_and_ntlm_are_refused_by_default(string name) =>
        SwitchedOff.AssertRefusedAsync(server, name, "alice@example.com");

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    [InlineData("SCRAM-SHA-256")]
    public async Task Plain_login_and_scram_are_on_by_default(string name)
    {
        using var client = await server.ConnectAsync(login: null);
        Assert.Contains(name, client.AuthenticationMechanisms);
        await client.AuthenticateAsync(MailKitSaslTests.Mechanism(name, new NetworkCredential("bob@example.com", server.Users["bob@example.com"])));
        Assert.True(client.IsAuthenticated);
    }
}

/// <summary><c>auth.plain</c>, <c>auth.login</c> and <c>auth.scram-sha-256</c> switched off; CRAM-MD5 still logs in.</summary>
public sealed class PasswordMechanismsOffTests(PasswordMechanismsOffServer server) : IClassFixture<PasswordMechanismsOffServer>
{
    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    [InlineData("SCRAM-SHA-256")]
    public Task Switched_off_mechanisms_are_refused(string name) =>
        SwitchedOff.AssertRefusedAsync(server, name, "alice@example.com");

    [Fact]
    public async Task A_mechanism_still_on_logs_in()
    {
        using var client = await server.ConnectAsync(login: null);
        Assert.Equal(["CRAM-MD5"], client.AuthenticationMechanisms);
        await client.AuthenticateAsync(new SaslMechanismCramMd5(new NetworkCredential("bob@example.com", server.Users["bob@example.com"])));
        Assert.True(client.IsAuthenticated);
    }
}
