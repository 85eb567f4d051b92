using System.Text;
using AkkaImap.IntegrationTests.Protocol;
using Xunit;

namespace AkkaImap.IntegrationTests.Auth;

/// <summary>
/// The AUTHENTICATE exchange itself (RFC 9051 §6.2.2) on the wire: SASL-IR (RFC 4959) logs in in
/// one line, <c>*</c> cancels with BAD, a line that is not base64 gets BAD, and the session goes on.
/// </summary>
public sealed class SaslExchangeTests(DefaultMechanismsServer server) : IClassFixture<DefaultMechanismsServer>
{
    private string PlainResponse(string login) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{login}\0{server.Users[login]}"));

    [Fact]
    public async Task Plain_with_an_initial_response_logs_in_in_one_command()
    {
        await using var raw = await RawImapClient.ConnectAsync(server.Port);
        var capability = string.Join(" ", await raw.OkAsync("C", "CAPABILITY"));
        Assert.Contains(" SASL-IR", capability);

        var answer = await raw.RunAsync("A", "AUTHENTICATE PLAIN " + PlainResponse("alice@example.com"));

        Assert.StartsWith("A OK", answer[^1]);
        await raw.OkAsync("S", "SELECT INBOX");
    }

    [Theory]
    [InlineData("*")]
    [InlineData("not base64!")]
    public async Task A_cancelled_or_malformed_response_gets_bad_and_the_session_goes_on(string line)
    {
        await using var raw = await RawImapClient.ConnectAsync(server.Port);
        await raw.SendAsync("A AUTHENTICATE PLAIN\r\n");
        Assert.StartsWith("+", await raw.ReadResponseAsync());
        await raw.SendAsync(line + "\r\n");

        var answer = await raw.ReadUntilTaggedAsync("A");

        Assert.StartsWith("A BAD", answer[^1]);
        Assert.StartsWith("B OK", (await raw.RunAsync("B", "AUTHENTICATE PLAIN " + PlainResponse("bob@example.com")))[^1]);
    }
}
