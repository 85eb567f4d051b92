using System.Globalization;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Clients;

/// <summary>curl's IMAP support (imap:// and imaps:// URLs, RFC 5092) against the real executable.</summary>
public sealed class CurlTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private string User => "bob@example.com:" + server.Users["bob@example.com"];

    [Fact]
    public async Task Curl_uploads_lists_and_reads_a_message_over_plain_and_implicit_tls()
    {
        var message = "From: curl <curl@example.com>\r\nTo: bob@example.com\r\nSubject: via curl\r\n\r\nbody sent by curl\r\n";
        // curl needs the size of an APPEND up front, so the message goes through a file.
        var file = Path.Combine(server.Folder, "curl-message.eml");
        await File.WriteAllTextAsync(file, message);
        var upload = await Curl("-T", file, $"imap://127.0.0.1:{server.Port}/INBOX", "--user", User);
        Assert.True(upload.ExitCode == 0, upload.ToString());

        var list = await Curl($"imap://127.0.0.1:{server.Port}/", "--user", User);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("INBOX", list.Stdout);
        Assert.Contains("Sent", list.Stdout);

        var search = await Curl($"imap://127.0.0.1:{server.Port}/INBOX", "--user", User, "-X", "UID SEARCH SUBJECT \"via curl\"");
        Assert.True(search.ExitCode == 0, search.ToString());
        var uid = search.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last().Trim();
        Assert.True(uint.TryParse(uid, NumberStyles.None, CultureInfo.InvariantCulture, out _), search.Stdout);

        var fetch = await Curl("-k", $"imaps://127.0.0.1:{server.TlsPort}/INBOX/;UID={uid}", "--user", User);
        Assert.True(fetch.ExitCode == 0, fetch.ToString());
        Assert.Contains("Subject: via curl", fetch.Stdout);
        Assert.Contains("body sent by curl", fetch.Stdout);
    }

    [Fact]
    public async Task Curl_with_a_wrong_password_fails_to_log_in()
    {
        var result = await Curl($"imap://127.0.0.1:{server.Port}/", "--user", "bob@example.com:nope");
        Assert.Equal(67, result.ExitCode); // CURLE_LOGIN_DENIED
    }

    private static Task<ExternalTool.Result> Curl(params string[] args) =>
        ExternalTool.RunAsync("curl", ["--silent", "--show-error", "--max-time", "30", .. args]);
}
