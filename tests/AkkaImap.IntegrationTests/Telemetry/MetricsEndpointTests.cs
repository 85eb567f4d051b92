using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using AkkaImap.IntegrationTests.Cli;
using AkkaImap.IntegrationTests.Infrastructure;
using MailKit;
using MailKit.Security;
using MimeKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Telemetry;

/// <summary>
/// The telemetry port of the real server (issue 13): <c>/metrics</c> after real MailKit sessions,
/// checked by value and by <c>promtool check metrics</c>; the health endpoints once it listens; the
/// deploy/ dashboard and alert rules ask only for metrics it serves.
/// </summary>
public sealed class MetricsEndpointTests(MetricsFixture server) : IClassFixture<MetricsFixture>
{
    [Fact]
    public async Task A_MailKit_session_moves_the_counters_it_should()
    {
        var before = await server.ScrapeAsync();

        PrometheusScrape during;
        using (var client = await server.ConnectAsync("alice@example.com"))
        {
            var inbox = client.Inbox;
            await inbox.OpenAsync(FolderAccess.ReadWrite);
            await inbox.AppendAsync(new MimeMessage(
                [new MailboxAddress("Bob", "bob@example.com")], [new MailboxAddress("Alice", "alice@example.com")],
                "metrics", new TextPart("plain") { Text = "counted, never logged" }));
            await inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags);
            during = await server.ScrapeAsync();
            await client.DisconnectAsync(quit: true);
        }
        using (var wrong = await server.ConnectAsync(login: null))
        {
            // One mechanism, so one attempt (MailKit tries every mechanism offered otherwise).
            await Assert.ThrowsAsync<AuthenticationException>(() => wrong.AuthenticateAsync(new SaslMechanismPlain("bob@example.com", "not-the-password")));
        }
        using (var tls = await server.ConnectTlsAsync("bob@example.com"))
        {
            await tls.DisconnectAsync(quit: true);
        }
        var after = await server.ScrapeAsync();

        double Delta(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);
        Assert.Equal(2, Delta("akkaimap_logins_total", ("result", "success")));
        Assert.Equal(1, Delta("akkaimap_logins_total", ("mechanism", "PLAIN"), ("result", "failure")));
        Assert.Equal(1, Delta("akkaimap_auth_failures_total"));
        Assert.Equal(1, Delta("akkaimap_commands_total", ("command", "SELECT"), ("result", "OK")));
        Assert.Equal(1, Delta("akkaimap_commands_total", ("command", "APPEND"), ("result", "OK")));
        Assert.Equal(1, Delta("akkaimap_command_duration_seconds_count", ("command", "APPEND")));
        Assert.Equal(1, Delta("akkaimap_command_duration_seconds_bucket", ("command", "APPEND"), ("le", "+Inf")));
        Assert.Equal(1, Delta("akkaimap_tls_handshakes_total", ("mode", "implicit"), ("result", "success")));
        Assert.True(Delta("akkaimap_received_bytes_total") > 200, after.Text);
        Assert.True(Delta("akkaimap_sent_bytes_total") > Delta("akkaimap_received_bytes_total"), after.Text);
        Assert.True(Delta("akkaimap_store_commit_duration_seconds_count") >= 1, after.Text);
        Assert.True(Delta("akkaimap_store_commit_batch_size_sum") >= 1, after.Text);

        // While alice had INBOX selected: one selected session, her owner alive on this node.
        Assert.True(during.Sum("akkaimap_sessions", ("state", "selected")) >= 1, during.Text);
        Assert.True(during.Sum("akkaimap_connections") >= 1, during.Text);
        Assert.True(during.Sum("akkaimap_owner_entities") >= 1, during.Text);
        Assert.True(during.Sum("akkaimap_owner_shards") >= 1, during.Text);
        Assert.Equal(1, after.Sum("akkaimap_cluster_members", ("status", "up")));
        Assert.Equal(0, after.Sum("akkaimap_cluster_unreachable_members"));
        Assert.True(after.Sum("akkaimap_store_size_bytes") > 0, after.Text);
        Assert.True(after.Sum("process_cpu_time_seconds_total") > 0, after.Text);
        Assert.True(after.Sum("dotnet_gc_heap_total_allocated_bytes_total") > 0, after.Text);
        // Never a user name in a label.
        Assert.DoesNotContain("alice", after.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("bob@", after.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_IDLE_session_is_counted_while_it_idles()
    {
        var idling = await ScrapeWhileIdlingAsync();
        var after = await server.ScrapeAsync();

        Assert.True(idling.Sum("akkaimap_idle_sessions") >= 1, idling.Text);
        Assert.Equal(0, after.Sum("akkaimap_idle_sessions"));
    }

    [Fact]
    public async Task A_lockout_is_counted()
    {
        var before = await server.ScrapeAsync();

        await LockCarolAsync();

        var after = await server.ScrapeAsync();
        Assert.Equal(1, after.Sum("akkaimap_lockouts_total") - before.Sum("akkaimap_lockouts_total"));
    }

    [Fact]
    public async Task The_scrape_passes_promtool_check_metrics()
    {
        using (var client = await server.ConnectTlsAsync("alice@example.com"))
        {
            await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
            await client.DisconnectAsync(quit: true);
        }
        var scrape = await server.ScrapeAsync();

        var result = await ExternalTool.RunAsync("promtool", ["check", "metrics"], stdin: scrape.Text);

        Assert.True(result.ExitCode == 0 && result.Stdout.Length == 0 && result.Stderr.Length == 0, result + "\n" + scrape.Text);
    }

    [Fact]
    public async Task Live_and_ready_answer_200_once_the_listeners_are_bound()
    {
        using var live = await server.GetAsync("/health/live");
        using var ready = await server.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("live\n", await live.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready\n", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Other_paths_are_not_found_and_only_GET_and_HEAD_are_served()
    {
        using var missing = await server.GetAsync("/health");
        using var post = await server.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{server.MetricsPort}/metrics"));
        using var head = await server.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"http://127.0.0.1:{server.MetricsPort}/health/live"));
        // The endpoint answers whatever host name the client used for the address (curl, probes).
        var curl = await ExternalTool.RunAsync("curl", ["-fsS", "-H", "Host: localhost", $"http://127.0.0.1:{server.MetricsPort}/health/live"]);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.True(curl.ExitCode == 0 && curl.Stdout == "live\n", curl.ToString());
    }

    [Fact]
    public async Task Every_metric_of_the_dashboard_and_the_alert_rules_is_served()
    {
        // Make the instruments that only appear once used appear: TLS, a lockout, a failed login.
        using (var client = await server.ConnectTlsAsync("bob@example.com"))
        {
            await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
            await client.DisconnectAsync(quit: true);
        }
        await LockCarolAsync();
        await ScrapeWhileIdlingAsync();
        var scrape = await server.ScrapeAsync();
        var deploy = Path.Combine(AkkaImapExecutable.RepositoryRoot, "deploy");
        var used = Names(File.ReadAllText(Path.Combine(deploy, "grafana", "akkaimap-dashboard.json")))
            .Concat(Names(File.ReadAllText(Path.Combine(deploy, "prometheus", "akkaimap-alerts.yml"))))
            .ToHashSet(StringComparer.Ordinal);
        // Only a failure makes these appear; their names are checked against the instruments instead.
        string[] onFailure = ["akkaimap_store_commit_failures_total", "akkaimap_dead_letters_total"];

        var missing = used.Where(n => !onFailure.Contains(n) && !scrape.Families.Contains(n) && !scrape.Families.Contains(Family(n))).ToArray();

        Assert.True(used.Count > 20, string.Join(", ", used));
        Assert.True(missing.Length == 0, "not served: " + string.Join(", ", missing));
    }

    /// <summary>Scrapes while bob idles: once an APPEND from another session reached him, IDLE certainly runs.</summary>
    private async Task<PrometheusScrape> ScrapeWhileIdlingAsync()
    {
        using var idler = await server.ConnectAsync("bob@example.com");
        await idler.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        idler.Inbox.CountChanged += (_, _) => heard.TrySetResult();
        using var done = new CancellationTokenSource();
        var idle = idler.IdleAsync(done.Token);
        using (var other = await server.ConnectAsync("bob@example.com"))
        {
            await other.Inbox.AppendAsync(new MimeMessage([new MailboxAddress("A", "a@example.com")], [new MailboxAddress("Bob", "bob@example.com")], "idle", new TextPart("plain") { Text = "x" }));
            await other.DisconnectAsync(quit: true);
        }
        await heard.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var scrape = await server.ScrapeAsync();
        await done.CancelAsync();
        await idle;
        await idler.DisconnectAsync(quit: true);
        return scrape;
    }

    private async Task LockCarolAsync()
    {
        using var client = await server.ConnectAsync(login: null);
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(new SaslMechanismPlain(MetricsFixture.Lockable, "wrong-" + i)));
        }
        await server.CliAsync(string.Empty, "mailbox", "unlock", MetricsFixture.Lockable);
    }

    private static IEnumerable<string> Names(string text) =>
        Regex.Matches(text, @"\b(?:akkaimap|process|dotnet)_[a-z_]+\b").Select(m => m.Value).Where(n => n != "akkaimap_alerts");

    private static string Family(string name) => Regex.Replace(name, "_(bucket|sum|count)$", "");
}
