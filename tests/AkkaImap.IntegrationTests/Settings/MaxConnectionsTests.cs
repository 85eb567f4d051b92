using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Settings;

public sealed class TwoConnectionServer : ServerFixture
{
    protected override string ExtraSettings => "max-connections = 2";
}

/// <summary>
/// MailEnable "Client connections: unlimited or a maximum" as <c>max-connections = 2</c>, counted
/// over both endpoints: the connection over the cap gets <c>* BYE</c> (RFC 9051 §7.1.5) and is
/// closed at once; a connection that ends frees its slot.
/// </summary>
public sealed class MaxConnectionsTests(TwoConnectionServer server) : IClassFixture<TwoConnectionServer>
{
    private const string Login = "alice@example.com";

    [Fact]
    public async Task The_third_connection_gets_bye_and_closed_slots_are_given_again()
    {
        // One plain and one implicit-TLS connection: the cap counts every endpoint.
        await using var plain = await LineClient.ConnectAsync("127.0.0.1", server.Port);
        Assert.StartsWith("* OK ", await plain.ReadLineAsync());
        var tls = await LineClient.ConnectAsync("127.0.0.1", server.TlsPort, implicitTls: true);
        Assert.StartsWith("* OK ", await tls.ReadLineAsync());

        foreach (var port in new[] { server.Port, server.TlsPort })
        {
            // Refused before any handshake, so the BYE is plaintext on the TLS port too.
            await using var over = await LineClient.ConnectAsync("127.0.0.1", port);
            Assert.Equal(["* BYE Too many connections, try again later"], await over.ReadUntilClosedAsync(LineClient.Bound));
        }

        // The connections still open are not disturbed by the refusals.
        Assert.StartsWith("n OK ", (await plain.RunAsync("n", "NOOP")).Last());

        // One leaves politely, the other just drops: both slots come back.
        Assert.StartsWith("z OK ", (await plain.RunAsync("z", "LOGOUT")).Last());
        await tls.DisposeAsync();

        await using var first = await ConnectOnceASlotIsFreeAsync();
        await using var second = await ConnectOnceASlotIsFreeAsync();
        Assert.StartsWith("a OK ", (await second.RunAsync("a", $"LOGIN {Login} {server.Users[Login]}")).Last());
    }

    /// <summary>
    /// A slot is freed when the server has seen the connection end, which a client cannot observe;
    /// so, like a real client told to "try again later", retry until greeted, within a generous bound.
    /// </summary>
    private async Task<LineClient> ConnectOnceASlotIsFreeAsync()
    {
        using var bound = new CancellationTokenSource(LineClient.Bound);
        var refusals = 0;
        while (true)
        {
            var client = await LineClient.ConnectAsync("127.0.0.1", server.Port);
            var greeting = await client.ReadLineAsync();
            if (greeting is not null && greeting.StartsWith("* OK ", StringComparison.Ordinal))
            {
                return client;
            }

            await client.DisposeAsync();
            Assert.Equal("* BYE Too many connections, try again later", greeting);
            refusals++;
            Assert.False(bound.IsCancellationRequested, $"no slot was freed after {refusals} attempts");
            await Task.Delay(50, CancellationToken.None);
        }
    }
}
