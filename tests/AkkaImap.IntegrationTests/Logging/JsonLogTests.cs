using System.Text.Json;
using AkkaImap.IntegrationTests.Auth;
using AkkaImap.IntegrationTests.Protocol;
using Xunit;

namespace AkkaImap.IntegrationTests.Logging;

/// <summary>
/// <c>logging.format = json</c>: every line the server prints is one JSON object, with the time,
/// level, category and message, and a connection's lines carry its session id and client address
/// (and a login's user and reason) as fields a log collector can query.
/// </summary>
public sealed class JsonLogTests(JsonLoggingServer server) : IClassFixture<JsonLoggingServer>
{
    [Fact]
    public async Task Every_line_is_a_JSON_object_and_a_failed_login_carries_session_client_and_reason()
    {
        string client;
        await using (var raw = await RawImapClient.ConnectAsync(server.Port))
        {
            client = $"127.0.0.1:{raw.LocalEndPoint.Port}";
            Assert.Equal("a NO [AUTHENTICATIONFAILED] Authentication failed", (await raw.RunAsync("a", $"LOGIN carol@example.com {LoggingServer.WrongPassword}"))[^1]);
            await raw.OkAsync("b", $"LOGIN carol@example.com {server.Users["carol@example.com"]}");
            await raw.RunAsync("c", "LOGOUT");
        }

        await server.WaitForLineAsync(l => l.Contains("connection closed", StringComparison.Ordinal) && l.Contains(client, StringComparison.Ordinal), "the connection closed line");
        Assert.Equal(0, await server.StopAsync());

        var lines = server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var entries = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(entries, e =>
        {
            Assert.True(e.TryGetProperty("Timestamp", out _), e.ToString());
            Assert.True(e.TryGetProperty("LogLevel", out _), e.ToString());
            Assert.True(e.TryGetProperty("Category", out _), e.ToString());
            Assert.True(e.TryGetProperty("Message", out _), e.ToString());
        });

        var mine = entries.Where(e => e.TryGetProperty("State", out var state) && state.TryGetProperty("Client", out var c) && c.GetString() == client).ToList();
        var session = Assert.Single(mine.Select(e => e.GetProperty("State").GetProperty("Session").GetString()).Distinct());
        Assert.Matches("^[A-Za-z0-9_-]{12}$", session);

        var failed = Assert.Single(mine, e => e.GetProperty("State").TryGetProperty("Reason", out var r) && r.GetString() == "wrong password");
        Assert.Equal("Information", failed.GetProperty("LogLevel").GetString());
        Assert.Equal("akkaimap", failed.GetProperty("Category").GetString());
        Assert.Equal("carol@example.com", failed.GetProperty("State").GetProperty("User").GetString());
        Assert.Equal("LOGIN", failed.GetProperty("State").GetProperty("Mechanism").GetString());

        Assert.Single(mine, e => e.GetProperty("Message").GetString()!.Contains("login of carol@example.com succeeded", StringComparison.Ordinal));
        var closed = Assert.Single(mine, e => e.GetProperty("State").TryGetProperty("BytesIn", out _));
        Assert.True(closed.GetProperty("State").GetProperty("BytesIn").GetInt64() > 0);
        Assert.True(closed.GetProperty("State").GetProperty("BytesOut").GetInt64() > 0);
        Assert.Equal("carol@example.com", closed.GetProperty("State").GetProperty("User").GetString());

        PasswordScan.AssertNowhere(server, [.. server.Users.Values, LoggingServer.WrongPassword]);
    }
}
