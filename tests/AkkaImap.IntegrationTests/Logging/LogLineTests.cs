using System.Globalization;
using System.Text.RegularExpressions;
using AkkaImap.IntegrationTests.Auth;
using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.IntegrationTests.Protocol;
using Xunit;

namespace AkkaImap.IntegrationTests.Logging;

/// <summary>
/// Issue 13, logs an administrator can use (text form): a connection's lines all start with its
/// session id and client address, from "connection opened" to "connection closed" (duration, bytes,
/// user); a refused login names its reason class in the log while the client sees the one generic
/// failure; a lockout, the administrator's change the server applies, the drain and the stop are
/// logged; and no password is anywhere in what the server printed. The tests run in name order on one
/// server; the last one stops it.
/// </summary>
[TestCaseOrderer("AkkaImap.IntegrationTests.Infrastructure.ByNameOrderer", "AkkaImap.IntegrationTests")]
public sealed partial class LogLineTests(LoggingServer server) : IClassFixture<LoggingServer>
{
    [Fact]
    public async Task T1_a_failed_login_is_logged_with_its_reason_and_the_session_from_open_to_close()
    {
        string client;
        IReadOnlyList<string> wrongPassword, unknownUser;
        await using (var raw = await RawImapClient.ConnectAsync(server.Port))
        {
            client = $"127.0.0.1:{raw.LocalEndPoint.Port}";
            wrongPassword = await raw.RunAsync("a", $"LOGIN carol@example.com {LoggingServer.WrongPassword}");
            unknownUser = await raw.RunAsync("b", $"LOGIN nobody@example.com {LoggingServer.WrongPassword}");
            await raw.RunAsync("c", "LOGOUT");
        }

        // The client learns nothing: the same answer whatever the reason.
        Assert.Equal("a NO [AUTHENTICATIONFAILED] Authentication failed", wrongPassword[^1]);
        Assert.Equal("b NO [AUTHENTICATIONFAILED] Authentication failed", unknownUser[^1]);

        var failed = await server.WaitForLineAsync(l => l.Contains($" {client}: login of carol@example.com failed (LOGIN, plain): wrong password", StringComparison.Ordinal), "the wrong password line");
        Assert.Contains(" info: akkaimap[0] session ", failed);
        var session = SessionOf(failed, client);
        await server.WaitForLineAsync(l => l.EndsWith($"session {session} {client}: login of nobody@example.com failed (LOGIN, plain): unknown user", StringComparison.Ordinal), "the unknown user line");
        await server.WaitForLineAsync(l => l.EndsWith($"session {session} {client}: connection opened on 127.0.0.1:{server.Port} (imap:{server.Port}, plain)", StringComparison.Ordinal), "the connection opened line");
        var closed = await server.WaitForLineAsync(l => l.Contains($"session {session} {client}: connection closed (", StringComparison.Ordinal), "the connection closed line");

        var numbers = ClosedLine().Match(closed);
        Assert.True(numbers.Success, closed);
        Assert.True(double.Parse(numbers.Groups["seconds"].Value, CultureInfo.InvariantCulture) > 0, closed);
        Assert.True(long.Parse(numbers.Groups["in"].Value, CultureInfo.InvariantCulture) > 0, closed);
        Assert.True(long.Parse(numbers.Groups["out"].Value, CultureInfo.InvariantCulture) > 0, closed);
        Assert.EndsWith(", plain, user -", closed);

        // Every line about this client names the session first.
        var lines = server.Output.Split('\n').Where(l => l.Contains(client, StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count >= 4, server.Output);
        Assert.All(lines, l => Assert.Contains($"session {session} {client}: ", l));
    }

    [Fact]
    public async Task T2_a_successful_login_is_logged_and_the_closing_line_names_the_user()
    {
        string client;
        await using (var raw = await RawImapClient.LoginAsync(server.Port, "carol@example.com", server.Users["carol@example.com"]))
        {
            client = $"127.0.0.1:{raw.LocalEndPoint.Port}";
            await raw.OkAsync("s", "SELECT INBOX");
            await raw.RunAsync("z", "LOGOUT");
        }

        var succeeded = await server.WaitForLineAsync(l => l.Contains($" {client}: login of carol@example.com succeeded (LOGIN, plain)", StringComparison.Ordinal), "the login line");
        var session = SessionOf(succeeded, client);
        await server.WaitForLineAsync(l => l.Contains($"session {session} {client}: connection closed (", StringComparison.Ordinal)
            && l.EndsWith(", plain, user carol@example.com", StringComparison.Ordinal), "the closing line with the user");
    }

    [Fact]
    public async Task T3_a_mechanism_that_is_off_and_a_lockout_are_logged()
    {
        await using (var raw = await RawImapClient.ConnectAsync(server.Port))
        {
            var client = $"127.0.0.1:{raw.LocalEndPoint.Port}";
            Assert.StartsWith("m NO ", (await raw.RunAsync("m", "AUTHENTICATE CRAM-MD5"))[^1]);
            await server.WaitForLineAsync(l => l.Contains($" {client}: login of - failed (CRAM-MD5, plain): mechanism off", StringComparison.Ordinal), "the mechanism off line");

            for (var i = 0; i < 3; i++)
            {
                await raw.RunAsync("d" + i, $"LOGIN dave@example.com {LoggingServer.WrongPassword}");
            }

            var locked = await server.WaitForLineAsync(l => l.Contains($" {client}: account dave@example.com locked until ", StringComparison.Ordinal), "the lockout line");
            Assert.Contains(" warn: ", locked);
            Assert.Contains("after 3 failed logins", locked);

            // Now even the right password is refused, with the same answer, and the log says why.
            var answer = await raw.RunAsync("r", $"LOGIN dave@example.com {server.Users["dave@example.com"]}");
            Assert.Equal("r NO [AUTHENTICATIONFAILED] Authentication failed", answer[^1]);
            await server.WaitForLineAsync(l => l.Contains($" {client}: login of dave@example.com failed (LOGIN, plain): locked", StringComparison.Ordinal), "the locked line");
        }
    }

    [Fact]
    public async Task T4_the_administrators_change_is_logged_as_the_server_applies_it()
    {
        var result = await server.CliAsync(string.Empty, "mailbox", "unlock", "dave@example.com");
        Assert.Equal(0, result.ExitCode);

        await server.WaitForLineAsync(l => DirectoryChangeLine().IsMatch(l), "the directory change line");
    }

    [Fact]
    public async Task T5_stop_is_logged_and_no_password_is_anywhere_in_the_output()
    {
        Assert.Equal(0, await server.StopAsync());

        var output = server.Output;
        Assert.Contains(" info: akkaimap[0] SIGTERM received: stopping", output);
        Assert.Contains(" info: akkaimap[0] stopping: no new connections", output);
        Assert.Contains(" info: akkaimap[0] AkkaImap stopped: the store is closed", output);
        Assert.Contains(" info: akkaimap[0] AkkaImap 1.0.0 starting (pid ", output);
        PasswordScan.AssertNowhere(server, [.. server.Users.Values, LoggingServer.WrongPassword]);
    }

    private static string SessionOf(string line, string client)
    {
        var match = Regex.Match(line, $@"session (?<id>[A-Za-z0-9_-]{{12}}) {Regex.Escape(client)}: ");
        Assert.True(match.Success, line);
        return match.Groups["id"].Value;
    }

    [GeneratedRegex(@"connection closed \(.+\) after (?<seconds>[0-9.]+) s: (?<in>\d+) bytes in, (?<out>\d+) bytes out, ")]
    private static partial Regex ClosedLine();

    [GeneratedRegex(@" info: akkaimap\[0\] directory change \d+ applied: mailbox \d+ \(post office \d+\) unlocked$")]
    private static partial Regex DirectoryChangeLine();
}
