using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Lifecycle;

/// <summary>Running commands get ten minutes on SIGTERM; a client that does not read gets <c>limits.close-timeout = 1s</c>.</summary>
public sealed class ShortCloseTimeoutServer : ServerFixture
{
    protected override string ExtraSettings => "shutdown.drain-timeout = 10m\nlimits.close-timeout = 1s";
}

/// <summary>
/// <c>limits.close-timeout</c>: when the server ends a connection whose client does not read what is
/// left to send, it drops the connection after that long instead of holding it (and a stop's drain)
/// for the client.
/// </summary>
public sealed class CloseTimeoutTests(ShortCloseTimeoutServer server) : IClassFixture<ShortCloseTimeoutServer>
{
    [Fact]
    public async Task A_client_that_does_not_read_is_dropped_after_the_close_timeout_and_the_drain_ends_by_itself()
    {
        await StalledFetch.AppendLargeMessageAsync(server);
        var (stalled, _) = await StalledFetch.StartAsync(server);

        var before = server.LineCount;
        await server.SignalAsync("TERM");

        var aborted = await server.WaitForLineAsync(l => l.Contains("(limits.close-timeout): connection aborted", StringComparison.Ordinal), "the stalled connection dropped", before);
        Assert.Contains("within 1s (limits.close-timeout)", aborted, StringComparison.Ordinal);
        // Ended by the drain, not by a second signal, though the drain allows running commands ten minutes.
        var code = await server.WaitForExitAsync();
        Assert.True(code == 0, $"exit {code}; the server printed:\n{server.Output}");
        await stalled.DisposeAsync();
    }
}
