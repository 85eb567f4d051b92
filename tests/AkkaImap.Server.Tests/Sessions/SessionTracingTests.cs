using System.Diagnostics;
using AkkaImap.Server.Telemetry;
using AkkaImap.Storage;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Xunit;

namespace AkkaImap.Server.Tests.Sessions;

/// <summary>
/// The spans of IMAP commands, through OpenTelemetry's in-memory exporter (the OTLP exporter gets
/// the same spans): one per command with its name, result and account id, a child per owner round
/// trip, the owner's own span below it (joined through the envelope's trace context, as across
/// nodes), and the store's calls below those. Never the user name.
/// </summary>
[Collection(nameof(SessionTracingTests))]
public sealed class SessionTracingTests : SessionTestKit
{
    [Fact]
    public async Task A_command_is_a_span_with_its_owner_round_trip_and_store_calls_below_it()
    {
        var spans = new List<Activity>();
        using (var tracer = Sdk.CreateTracerProviderBuilder()
                   .AddSource(ImapTracing.SourceName, StoreTelemetry.Name)
                   .SetSampler(new AlwaysOnSampler())
                   .AddInMemoryExporter(spans)
                   .Build())
        {
            var client = Connect();
            client.Run("a", $"LOGIN {Login} {Password}");
            client.Run("b", "SELECT INBOX");
            client.Run("c", "NOOP");
            Connect().Run("d", "LOGIN nobody@example.com wrong");
            tracer.ForceFlush();
        }
        var account = (await Store.FindAccountAsync(Login))!;
        // The class runs alone (its collection), so every SELECT of this account is this test's.
        var select = Assert.Single(spans, s => s.DisplayName == "IMAP SELECT" && Equals(s.GetTagItem(ImapTracing.AccountIdTag), account.Id));
        var trace = spans.Where(s => s.TraceId == select.TraceId).ToList();

        Assert.Equal(ActivityKind.Server, select.Kind);
        Assert.Equal(default, select.ParentSpanId);
        Assert.Equal("SELECT", select.GetTagItem("imap.command"));
        Assert.Equal("OK", select.GetTagItem("imap.result"));
        var roundTrip = Assert.Single(trace, s => s.DisplayName == "owner SelectFolder" && s.Kind == ActivityKind.Client);
        Assert.Equal(select.SpanId, roundTrip.ParentSpanId);
        var owner = Assert.Single(trace, s => s.DisplayName == "owner SelectFolder" && s.Kind == ActivityKind.Server);
        Assert.Equal(roundTrip.SpanId, owner.ParentSpanId);
        var stores = trace.Where(s => s.Source.Name == StoreTelemetry.Name).ToList();
        Assert.Contains(stores, s => s.DisplayName == "store GetFolderAsync" && s.ParentSpanId == owner.SpanId);
        Assert.All(stores, s => Assert.True(s.Duration <= owner.Duration, s.DisplayName));

        // LOGIN: a span whose account is known once it succeeded; its password check is a store call below it.
        var login = Assert.Single(spans, s => s.DisplayName == "IMAP LOGIN" && Equals(s.GetTagItem(ImapTracing.AccountIdTag), account.Id));
        Assert.Contains(spans, s => s.ParentSpanId == login.SpanId && s.DisplayName == "store VerifyPasswordAsync");
        Assert.Contains(spans, s => s.DisplayName == "IMAP LOGIN" && (string?)s.GetTagItem("imap.result") == "NO" && s.Status == ActivityStatusCode.Error);

        // No user name, password or other text of the client in any tag of any span.
        Assert.All(spans.SelectMany(s => s.TagObjects), tag =>
        {
            var text = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            Assert.DoesNotContain("example.com", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        });
    }
}

/// <summary>
/// The tracer listens to a process-wide ActivitySource: while it runs, spans of every test of the
/// process are recorded, and their accounts have the same ids (each test has its own store). So
/// this class runs alone, after the parallel ones.
/// </summary>
[CollectionDefinition(nameof(SessionTracingTests), DisableParallelization = true)]
public sealed class SessionTracingCollection;

