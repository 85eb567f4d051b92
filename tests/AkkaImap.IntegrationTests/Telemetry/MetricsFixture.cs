using System.Globalization;
using System.Net.Http;
using AkkaImap.IntegrationTests.Infrastructure;

namespace AkkaImap.IntegrationTests.Telemetry;

/// <summary>A server with its telemetry endpoint on a free loopback port, and a third mailbox that locks after 3 failures.</summary>
public sealed class MetricsFixture : ServerFixture
{
    public const string Lockable = "carol@example.com";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public int MetricsPort { get; } = FreePort();

    public override IReadOnlyDictionary<string, string> Users { get; } = new Dictionary<string, string>
    {
        ["alice@example.com"] = "alice-Secret-1",
        ["bob@example.com"] = "bob-Secret-2",
        [Lockable] = "carol-Secret-3",
    };

    protected override string ExtraSettings =>
        $"telemetry.prometheus.port = {MetricsPort.ToString(CultureInfo.InvariantCulture)}\nauth.lockout.failures = 3";

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(new Uri($"http://127.0.0.1:{MetricsPort}{path}"));

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _http.SendAsync(request);

    /// <summary>GET /metrics, parsed.</summary>
    public async Task<PrometheusScrape> ScrapeAsync()
    {
        using var response = await GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"/metrics answered {(int)response.StatusCode}: {text}");
        }
        return new PrometheusScrape(text);
    }
}
