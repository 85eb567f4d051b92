using System.Globalization;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Auth;

/// <summary>Python's imaplib and curl choosing CRAM-MD5 (RFC 2195) and NTLM against the real executable.</summary>
[TestCaseOrderer("AkkaImap.IntegrationTests.Infrastructure.ByNameOrderer", "AkkaImap.IntegrationTests")]
public sealed class ExternalClientAuthTests(AllMechanismsServer server) : IClassFixture<AllMechanismsServer>
{
    private const string WrongPassword = "alice-Wrong-1";

    private const string ImaplibScript = """
        import imaplib, sys
        port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        m = imaplib.IMAP4("127.0.0.1", port)
        assert "AUTH=CRAM-MD5" in m.capabilities, m.capabilities
        try:
            typ, data = m.login_cram_md5(user, password)
        except imaplib.IMAP4.error as e:
            print("refused", e)
            sys.exit(3)
        assert typ == "OK", (typ, data)
        typ, data = m.select("INBOX")
        assert typ == "OK", (typ, data)
        m.logout()
        print("cram-md5 ok")
        """;

    private string Port => server.Port.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_imaplib_logs_in_with_cram_md5()
    {
        var result = await ExternalTool.RunAsync("python3", ["-c", ImaplibScript, Port, "alice@example.com", server.Users["alice@example.com"]]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("cram-md5 ok", result.Stdout);
    }

    [Fact]
    public async Task B_imaplib_cram_md5_with_a_wrong_password_is_refused()
    {
        var result = await ExternalTool.RunAsync("python3", ["-c", ImaplibScript, Port, "alice@example.com", WrongPassword]);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("AUTHENTICATIONFAILED", result.Stdout);
    }

    [Theory]
    [InlineData("CRAM-MD5")]
    [InlineData("NTLM")]
    public async Task C_curl_logs_in_with_the_chosen_mechanism(string mechanism)
    {
        var result = await Curl(mechanism, "bob@example.com", server.Users["bob@example.com"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("INBOX", result.Stdout);
        Assert.Contains($"AUTHENTICATE {mechanism}", result.Stderr);
    }

    [Theory]
    [InlineData("CRAM-MD5")]
    [InlineData("NTLM")]
    public async Task D_curl_with_a_wrong_password_is_denied(string mechanism)
    {
        var result = await Curl(mechanism, "bob@example.com", WrongPassword);

        Assert.True(result.ExitCode == 67, result.ToString()); // CURLE_LOGIN_DENIED
        Assert.Contains($"AUTHENTICATE {mechanism}", result.Stderr);
    }

    [Fact]
    public void Z_no_password_bytes_in_the_data_folder_or_the_log() =>
        PasswordScan.AssertNowhere(server, [.. server.Users.Values, WrongPassword]);

    /// <summary>Lists the mailboxes; <c>--verbose</c> puts the client's commands on stderr, proving the mechanism used.</summary>
    private Task<ExternalTool.Result> Curl(string mechanism, string user, string password) =>
        ExternalTool.RunAsync("curl", ["--silent", "--show-error", "--verbose", "--max-time", "30",
            "--login-options", "AUTH=" + mechanism, "--user", $"{user}:{password}", $"imap://127.0.0.1:{Port}/"]);
}
