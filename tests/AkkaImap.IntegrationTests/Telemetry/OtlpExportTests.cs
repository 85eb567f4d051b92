using System.Globalization;
using System.Net.Http;
using AkkaImap.IntegrationTests.Infrastructure;
using MailKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Telemetry;

/// <summary>A server exporting traces over OTLP http/protobuf to <see cref="OtlpSink"/>, its other telemetry keys at their defaults, and /metrics on.</summary>
public sealed class OtlpFixture : ServerFixture
{
    public OtlpSink Sink { get; } = new();

    public int MetricsPort { get; } = FreePort();

    protected override string ExtraSettings =>
        $"telemetry.prometheus.port = {MetricsPort.ToString(CultureInfo.InvariantCulture)}\n"
        + $"telemetry.otlp {{ endpoint = \"http://127.0.0.1:{Sink.Port.ToString(CultureInfo.InvariantCulture)}\", protocol = http/protobuf }}";

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Sink.Dispose();
    }
}

/// <summary>
/// Traces out of the real executable over OTLP (issue 13, "traces on (exporting)"): with an
/// endpoint set and nothing else, every command is a trace and every one reaches the collector,
/// as many command spans as the server's own <c>akkaimap_commands_total</c> counted.
/// </summary>
public sealed class OtlpExportTests(OtlpFixture server) : IClassFixture<OtlpFixture>
{
    [Fact]
    public async Task Every_command_of_a_MailKit_session_reaches_the_collector_by_default()
    {
        using (var client = await server.ConnectAsync("alice@example.com"))
        {
            await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
            for (var i = 0; i < 5; i++)
            {
                await client.NoOpAsync();
            }
            await client.DisconnectAsync(quit: true);
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var scrape = new PrometheusScrape(await http.GetStringAsync(new Uri($"http://127.0.0.1:{server.MetricsPort}/metrics")));
        var commands = (int)scrape.Sum("akkaimap_commands_total");

        // The exporter sends a batch at least every second; this waits for the spans, not a time.
        var names = await server.Sink.WaitAsync(n => n.Count(IsCommand) >= commands, TimeSpan.FromSeconds(60));

        var commandSpans = names.Where(IsCommand).ToList();
        Assert.Equal(commands, commandSpans.Count);
        Assert.Equal(5, commandSpans.Count(n => n == "IMAP NOOP"));
        Assert.Contains("IMAP SELECT", commandSpans);
        Assert.Contains("IMAP LOGOUT", commandSpans);
        // The owner round trips and store calls below them are exported too.
        Assert.Contains(names, n => n == "owner SelectFolder");
        Assert.Contains(names, n => n.StartsWith("store ", StringComparison.Ordinal));
    }

    private static bool IsCommand(string name) => name.StartsWith("IMAP ", StringComparison.Ordinal);
}
