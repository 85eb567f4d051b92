using System.Net;
using AkkaImap.IntegrationTests.Infrastructure;
using MailKit;
using MailKit.Security;
using Xunit;

namespace AkkaImap.IntegrationTests.Auth;

/// <summary>
/// MailKit's own SASL classes against the real executable with every mechanism on (issue 5):
/// each logs in with the right password and fails with a wrong one. MailKit's NTLM speaks NTLMv2.
/// </summary>
[TestCaseOrderer("AkkaImap.IntegrationTests.Infrastructure.ByNameOrderer", "AkkaImap.IntegrationTests")]
public sealed class MailKitSaslTests(AllMechanismsServer server) : IClassFixture<AllMechanismsServer>
{
    private const string Carol = "carol@example.com";
    private const string CarolPassword = "carol-Secret-3";
    private const string CarolNewPassword = "carol-Secret-4";

    public static TheoryData<string> Mechanisms => ["PLAIN", "LOGIN", "CRAM-MD5", "NTLM", "SCRAM-SHA-256"];

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task A_each_mechanism_is_advertised_and_logs_in_with_the_right_password(string name)
    {
        using var client = await server.ConnectAsync(login: null);
        Assert.Contains(name, client.AuthenticationMechanisms);

        await client.AuthenticateAsync(Mechanism(name, new NetworkCredential("alice@example.com", server.Users["alice@example.com"])));

        Assert.True(client.IsAuthenticated);
        var inbox = await client.GetFolderAsync("INBOX");
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        await client.DisconnectAsync(quit: true);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task B_each_mechanism_fails_with_a_wrong_password(string name)
    {
        using var client = await server.ConnectAsync(login: null);

        await Assert.ThrowsAsync<AuthenticationException>(() =>
            client.AuthenticateAsync(Mechanism(name, new NetworkCredential("bob@example.com", "bob-Wrong-2"))));

        Assert.False(client.IsAuthenticated);
        // The session survives a failed AUTHENTICATE (RFC 9051 §6.2.2) and the right password then works.
        await client.AuthenticateAsync(Mechanism(name, new NetworkCredential("bob@example.com", server.Users["bob@example.com"])));
        Assert.True(client.IsAuthenticated);
    }

    [Fact]
    public async Task C_ntlm_accepts_the_post_office_as_the_domain()
    {
        using var client = await server.ConnectAsync(login: null);

        await client.AuthenticateAsync(new SaslMechanismNtlm(new NetworkCredential("alice", server.Users["alice@example.com"], ServerFixture.PostOffice)));

        Assert.True(client.IsAuthenticated);
    }

    [Fact]
    public async Task D_mailbox_list_asks_for_no_new_password_when_the_secrets_were_stored()
    {
        var list = await server.CliAsync(string.Empty, "mailbox", "list", ServerFixture.PostOffice);

        Assert.Contains(list.StdoutLines, l => l.Contains("alice", StringComparison.Ordinal));
        Assert.DoesNotContain("set again", list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task E_a_password_set_while_cram_md5_and_ntlm_were_off_serves_them_only_once_set_again()
    {
        // Carol is added while the server runs (logins read the directory) with those switches off.
        var switchedOff = AuthCli.VariantConfig(server, "auth { cram-md5 = off, ntlm = off }");
        await AuthCli.RunAsync(switchedOff, CarolPassword + "\n", "mailbox", "add", Carol, "--password-stdin");
        var credential = new NetworkCredential(Carol, CarolPassword);
        foreach (var name in new[] { "CRAM-MD5", "NTLM" })
        {
            using var refused = await server.ConnectAsync(login: null);
            await Assert.ThrowsAsync<AuthenticationException>(() => refused.AuthenticateAsync(Mechanism(name, credential)));
        }

        using (var plain = await server.ConnectAsync(login: null))
        {
            await plain.AuthenticateAsync(new SaslMechanismPlain(credential));
            Assert.True(plain.IsAuthenticated);
        }

        Assert.Contains("set the password again", server.Output, StringComparison.Ordinal);

        // The fixture's own configuration has both switches on: setting the password stores their secrets.
        await server.CliAsync(CarolNewPassword + "\n", "mailbox", "passwd", Carol, "--password-stdin");
        foreach (var name in new[] { "CRAM-MD5", "NTLM" })
        {
            using var client = await server.ConnectAsync(login: null);
            await client.AuthenticateAsync(Mechanism(name, new NetworkCredential(Carol, CarolNewPassword)));
            Assert.True(client.IsAuthenticated);
        }
    }

    [Fact]
    public void Z_no_password_bytes_in_the_data_folder_or_the_log() =>
        PasswordScan.AssertNowhere(server, [.. server.Users.Values, "bob-Wrong-2", CarolPassword, CarolNewPassword]);

    internal static SaslMechanism Mechanism(string name, NetworkCredential credential) => name switch
    {
        "PLAIN" => new SaslMechanismPlain(credential),
        "LOGIN" => new SaslMechanismLogin(credential),
        "CRAM-MD5" => new SaslMechanismCramMd5(credential),
        "NTLM" => new SaslMechanismNtlm(credential),
        "SCRAM-SHA-256" => new SaslMechanismScramSha256(credential),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a mechanism of these tests"),
    };
}
