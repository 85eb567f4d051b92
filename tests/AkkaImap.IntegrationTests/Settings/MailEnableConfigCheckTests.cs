using AkkaImap.IntegrationTests.Cli;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Settings;

/// <summary>
/// <c>akkaimap config check</c> shows every row of the MailEnable "IMAP – General" page (SPEC.md,
/// Settings) with the operator's value and the page's name beside it. Cli/ConfigCheckTests covers
/// the defaults and the line count; this sets every row away from its default.
/// </summary>
public sealed class MailEnableConfigCheckTests(CliFolder folder) : IClassFixture<CliFolder>
{
    [Fact]
    public async Task Every_MailEnable_setting_is_printed_with_its_value_and_name()
    {
        // config check opens the certificate, so it is a real PFX with a password.
        var certificate = Path.Combine(folder.Path, "server.pfx");
        var pem = Path.Combine(folder.Path, "server.pem");
        var key = Path.Combine(folder.Path, "server.key");
        await OpenSsl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1", "-keyout", key, "-out", pem);
        await OpenSsl("pkcs12", "-export", "-in", pem, "-inkey", key, "-out", certificate, "-passout", "pass:secret");
        var file = folder.Write("mailenable.conf", $$"""
            akka-imap {
              threads = 3
              port = 1143
              ssl = on
              alternate-port { enabled = on, port = 1993, ssl = off }
              max-connections = 2
              idle-timeout = 2s
              public-folders.enabled = off
              auth { ntlm = on, cram-md5 = on }
              xlist = off
              bind = ["127.0.0.2"]
              tls { certificate = "{{certificate}}", password = "secret" }
            }
            """);

        var result = await AkkaImapExecutable.RunAsync("config", "check", "--config", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] expected =
        [
            "akka-imap.threads = 3  # MailEnable: Max concurrent connections (threads)",
            "akka-imap.port = 1143  # MailEnable: IMAP port",
            "akka-imap.ssl = on  # MailEnable: IMAP Enable SSL (default port)",
            "akka-imap.alternate-port.enabled = on  # MailEnable: Also listen on alternate port",
            "akka-imap.alternate-port.port = 1993  # MailEnable: Also listen on alternate port",
            "akka-imap.alternate-port.ssl = off  # MailEnable: IMAP Enable SSL (alternate port)",
            "akka-imap.max-connections = 2  # MailEnable: Client connections: unlimited or a maximum",
            "akka-imap.idle-timeout = 2s  # MailEnable: Timeout for idle connections",
            "akka-imap.public-folders.enabled = off  # MailEnable: Enable public folders",
            "akka-imap.auth.ntlm = on  # MailEnable: Enable NTLM authentication",
            "akka-imap.auth.cram-md5 = on  # MailEnable: Enable CRAM-MD5 authentication",
            "akka-imap.xlist = off  # MailEnable: Enable XLIST support",
            "akka-imap.bind = [\"127.0.0.2\"]  # MailEnable: IP addresses to bind to",
            $"akka-imap.tls.certificate = \"{certificate}\"  # MailEnable: Server-level SSL certificate",
            "akka-imap.tls.password = \"(set)\"  # MailEnable: Server-level SSL certificate",
        ];
        foreach (var line in expected)
        {
            Assert.Contains(line, result.StdoutLines);
        }

        // The password itself is never printed.
        Assert.DoesNotContain("secret", result.Stdout);
    }

    private static async Task OpenSsl(params string[] args)
    {
        var result = await ExternalTool.RunAsync("openssl", args);
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
