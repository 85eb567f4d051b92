using Xunit;

namespace AkkaImap.IntegrationTests.Auth;

/// <summary>
/// A mailbox made while CRAM-MD5 and NTLM were off has no secrets for them; once they are switched
/// on, <c>mailbox list</c> says its password must be set again, and <c>mailbox passwd</c> fixes it.
/// </summary>
[TestCaseOrderer("AkkaImap.IntegrationTests.Infrastructure.ByNameOrderer", "AkkaImap.IntegrationTests")]
public sealed class MailboxListHintTests(DefaultMechanismsServer server) : IClassFixture<DefaultMechanismsServer>
{
    private const string NewPassword = "bob-New-Secret-3";

    [Fact]
    public async Task A_mailbox_list_asks_for_the_password_again_after_the_mechanisms_are_switched_on()
    {
        var before = await server.CliAsync(string.Empty, "mailbox", "list", "example.com");
        Assert.DoesNotContain("set again", before.Stdout, StringComparison.Ordinal);

        var switchedOn = AuthCli.VariantConfig(server, "auth { cram-md5 = on, ntlm = on }");
        var list = await AuthCli.RunAsync(switchedOn, string.Empty, "mailbox", "list", "example.com");
        Assert.Contains(list.StdoutLines, l => l.Contains("alice", StringComparison.Ordinal)
            && l.Contains("CRAM-MD5 and NTLM need the password set again", StringComparison.Ordinal));

        await AuthCli.RunAsync(switchedOn, NewPassword + "\n", "mailbox", "passwd", "bob@example.com", "--password-stdin");

        var after = await AuthCli.RunAsync(switchedOn, string.Empty, "mailbox", "list", "example.com");
        Assert.Contains(after.StdoutLines, l => l.Contains("alice", StringComparison.Ordinal) && l.Contains("set again", StringComparison.Ordinal));
        Assert.Contains(after.StdoutLines, l => l.Contains("bob", StringComparison.Ordinal) && !l.Contains("set again", StringComparison.Ordinal));

        var cramOnly = AuthCli.VariantConfig(server, "auth { cram-md5 = on }");
        var cram = await AuthCli.RunAsync(cramOnly, string.Empty, "mailbox", "list", "example.com");
        Assert.Contains(cram.StdoutLines, l => l.Contains("alice", StringComparison.Ordinal)
            && l.Contains("CRAM-MD5 need the password set again", StringComparison.Ordinal));
    }

    [Fact]
    public void Z_no_password_bytes_in_the_data_folder_or_the_log() =>
        PasswordScan.AssertNowhere(server, [.. server.Users.Values, NewPassword]);
}
