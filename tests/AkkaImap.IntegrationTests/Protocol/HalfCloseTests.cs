using Xunit;

namespace AkkaImap.IntegrationTests.Protocol;

/// <summary>
/// A client that writes its commands and then closes its sending side (a script piping into
/// <c>nc</c>) gets every answer, then <c>* BYE</c> and the end of the connection.
/// </summary>
public sealed class HalfCloseTests(ProtocolServer server) : IClassFixture<ProtocolServer>
{
    [Fact]
    public async Task Commands_sent_before_a_half_close_are_all_answered_then_BYE()
    {
        await using var client = await RawImapClient.ConnectAsync(server.Port);
        await client.SendAsync("a CAPABILITY\r\nb NOOP\r\n");
        client.EndInput();

        var lines = await client.ReadUntilClosedAsync();

        Assert.StartsWith("* CAPABILITY ", lines[0]);
        Assert.Equal(["a OK CAPABILITY completed", "b OK NOOP completed", "* BYE End of input, closing"], lines.Skip(1));
    }

    [Fact]
    public async Task A_fetch_that_takes_the_store_is_answered_after_the_half_close()
    {
        await using var client = await server.AliceAsync();
        await client.SendAsync($"s SELECT {ProtocolServer.TwoMessages}\r\nf FETCH 1:2 (UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n");
        client.EndInput();

        var lines = await client.ReadUntilClosedAsync();

        Assert.Contains(lines, l => l.StartsWith("s OK [READ-WRITE]", StringComparison.Ordinal));
        Assert.Equal(2, lines.Count(l => l.StartsWith("* ", StringComparison.Ordinal) && l.Contains(" FETCH (UID ", StringComparison.Ordinal)));
        Assert.Equal(["f OK FETCH completed", "* BYE End of input, closing"], lines.TakeLast(2));
    }

    [Fact]
    public async Task An_idle_that_can_never_get_its_DONE_ends_with_BYE()
    {
        await using var client = await server.AliceAsync();
        await client.OkAsync("s", "SELECT INBOX");
        await client.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await client.ReadResponseAsync());
        client.EndInput();

        Assert.Equal(["* BYE End of input, closing"], await client.ReadUntilClosedAsync());
    }
}
