using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using AkkaImap.IntegrationTests.Cli;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Telemetry;

/// <summary>
/// A real Prometheus (Debian's package) with a scratch configuration and data folder on a free
/// loopback port scrapes the test server and loads deploy/'s alert rules; the test reads a metric
/// back through Prometheus' HTTP API. Prometheus is stopped at the end of the test.
/// </summary>
public sealed class PrometheusServerTests(MetricsFixture server) : IClassFixture<MetricsFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Prometheus_scrapes_the_server_and_answers_its_login_count()
    {
        var scratch = Directory.CreateTempSubdirectory("akkaimap-prometheus-").FullName;
        var port = ServerFixture.FreePort();
        File.Copy(Path.Combine(AkkaImapExecutable.RepositoryRoot, "deploy", "prometheus", "akkaimap-alerts.yml"), Path.Combine(scratch, "akkaimap-alerts.yml"));
        await File.WriteAllTextAsync(Path.Combine(scratch, "prometheus.yml"), $$"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - akkaimap-alerts.yml
            scrape_configs:
              - job_name: akkaimap
                static_configs:
                  - targets: ["127.0.0.1:{{server.MetricsPort}}"]
            """);
        using (var client = await server.ConnectAsync("alice@example.com"))
        {
            await client.DisconnectAsync(quit: true);
        }

        var info = new ProcessStartInfo("prometheus")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = scratch,
        };
        foreach (var arg in (string[])[
            "--config.file=" + Path.Combine(scratch, "prometheus.yml"),
            "--storage.tsdb.path=" + Path.Combine(scratch, "data"),
            "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
        ])
        {
            info.ArgumentList.Add(arg);
        }
        using var prometheus = Process.Start(info) ?? throw new InvalidOperationException("prometheus did not start");
        var log = new System.Text.StringBuilder();
        prometheus.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        prometheus.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            using var deadline = new CancellationTokenSource(Deadline);

            var logins = await QueryUntilAsync(http, "sum(akkaimap_logins_total{job=\"akkaimap\",result=\"success\"})", v => v >= 1, prometheus, log, deadline.Token);
            var up = await QueryUntilAsync(http, "up{job=\"akkaimap\"}", v => v == 1, prometheus, log, deadline.Token);
            using var rules = JsonDocument.Parse(await http.GetStringAsync("api/v1/rules", deadline.Token));

            Assert.True(logins >= 1);
            Assert.Equal(1, up);
            var loaded = rules.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
                .SelectMany(g => g.GetProperty("rules").EnumerateArray()).Select(r => r.GetProperty("name").GetString() ?? "").ToArray();
            Assert.Equal(["AkkaImapDown", "AkkaImapLoginFailureSpike", "AkkaImapStoreCommitSlow", "AkkaImapClusterMemberUnreachable"], loaded);
        }
        finally
        {
            if (!prometheus.HasExited)
            {
                prometheus.Kill(entireProcessTree: true);
            }
            await prometheus.WaitForExitAsync();
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Asks until the instant query's first sample satisfies <paramref name="wanted"/> (Prometheus scrapes every second).</summary>
    private static async Task<double> QueryUntilAsync(HttpClient http, string query, Func<double, bool> wanted, Process prometheus, System.Text.StringBuilder log, CancellationToken ct)
    {
        while (true)
        {
            if (prometheus.HasExited)
            {
                throw new InvalidOperationException("prometheus exited: " + log);
            }
            try
            {
                using var answer = JsonDocument.Parse(await http.GetStringAsync("api/v1/query?query=" + Uri.EscapeDataString(query), ct));
                var result = answer.RootElement.GetProperty("data").GetProperty("result");
                if (result.GetArrayLength() > 0)
                {
                    var value = double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
                    if (wanted(value))
                    {
                        return value;
                    }
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw new TimeoutException($"Prometheus never answered {query} as expected: " + log);
            }
            try
            {
                // Prometheus scrapes once a second: ask again after the next scrape, not in a busy loop.
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Prometheus never answered {query} as expected: " + log);
            }
        }
    }
}
