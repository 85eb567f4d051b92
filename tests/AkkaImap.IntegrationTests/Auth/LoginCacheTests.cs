using System.Globalization;
using System.Net;
using AkkaImap.IntegrationTests.Cli;
using AkkaImap.IntegrationTests.Infrastructure;
using AkkaImap.IntegrationTests.Telemetry;
using MailKit.Net.Imap;
using MailKit.Security;
using Xunit;
using static AkkaImap.IntegrationTests.Cli.CliAssert;

namespace AkkaImap.IntegrationTests.Auth;

/// <summary>A server whose /metrics shows the authentication cache's hits and misses; 3 failures lock.</summary>
public sealed class LoginCacheServer : ServerFixture
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public int MetricsPort { get; } = FreePort();

    public override IReadOnlyDictionary<string, string> Users { get; } = new Dictionary<string, string>
    {
        ["alice@example.com"] = "alice-Secret-1",
        ["bob@example.com"] = "bob-Secret-2",
        ["carol@example.com"] = "carol-Secret-3",
    };

    protected override string ExtraSettings =>
        $"telemetry.prometheus.port = {MetricsPort.ToString(CultureInfo.InvariantCulture)}\nauth.lockout.failures = 3\nauth.cache {{ size = 100, ttl = 1h }}";

    /// <summary>akkaimap_login_cache_total{result}.</summary>
    public async Task<double> LookupsAsync(string result)
    {
        var text = await _http.GetStringAsync(new Uri($"http://127.0.0.1:{MetricsPort}/metrics"));
        return new PrometheusScrape(text).Sum("akkaimap_login_cache_total", ("result", result));
    }

    /// <summary>The LOGIN command (MailKit falls back to it when no SASL mechanism is offered to it).</summary>
    public async Task<ImapClient> LoginCommandAsync(string login, string password)
    {
        var client = await ConnectAsync(login: null);
        client.AuthenticationMechanisms.Clear();
        await client.AuthenticateAsync(new NetworkCredential(login, password));
        return client;
    }
}

/// <summary>
/// The authentication cache (issue 17, <c>auth.cache</c>): a second login with the same password
/// is answered without the PBKDF2 derivation (a hit on /metrics), yet a password change made by
/// the CLI while the server runs, and a lockout, take effect at the very next login.
/// </summary>
[TestCaseOrderer("AkkaImap.IntegrationTests.Infrastructure.ByNameOrderer", "AkkaImap.IntegrationTests")]
public sealed class LoginCacheTests(LoginCacheServer server) : IClassFixture<LoginCacheServer>
{
    private const string Wrong = "not-the-Password-9";

    [Fact]
    public async Task A_the_second_login_with_the_same_password_is_a_cache_hit()
    {
        var hits = await server.LookupsAsync("hit");
        var misses = await server.LookupsAsync("miss");

        using (var first = await server.LoginCommandAsync("alice@example.com", server.Users["alice@example.com"]))
        {
            Assert.True(first.IsAuthenticated);
        }
        Assert.Equal(misses + 1, await server.LookupsAsync("miss"));
        Assert.Equal(hits, await server.LookupsAsync("hit"));

        // AUTHENTICATE PLAIN shares the check (and the cache) with LOGIN.
        using (var second = await server.ConnectAsync(login: null))
        {
            await second.AuthenticateAsync(new SaslMechanismPlain("alice@example.com", server.Users["alice@example.com"]));
            Assert.True(second.IsAuthenticated);
            await second.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
        }
        Assert.Equal(hits + 1, await server.LookupsAsync("hit"));

        // A wrong password never answers from the cache.
        await Assert.ThrowsAsync<AuthenticationException>(() => server.LoginCommandAsync("alice@example.com", Wrong));
        Assert.Equal(hits + 1, await server.LookupsAsync("hit"));
    }

    [Fact]
    public async Task B_a_password_changed_by_the_cli_takes_effect_at_the_next_login()
    {
        const string login = "bob@example.com";
        var old = server.Users[login];
        using (var cached = await server.LoginCommandAsync(login, old))
        {
            Assert.True(cached.IsAuthenticated);
        }

        var changed = await server.CliAsync("bob-New-Secret-7\n", "mailbox", "passwd", login, "--password-stdin");
        Assert.Contains($"password of {login} changed", changed.Stdout);

        await Assert.ThrowsAsync<AuthenticationException>(() => server.LoginCommandAsync(login, old));
        using var renewed = await server.LoginCommandAsync(login, "bob-New-Secret-7");
        Assert.True(renewed.IsAuthenticated);
    }

    [Fact]
    public async Task C_a_locked_account_is_refused_even_with_the_cached_password_until_unlocked()
    {
        const string login = "carol@example.com";
        var right = server.Users[login];
        using (var cached = await server.LoginCommandAsync(login, right))
        {
            Assert.True(cached.IsAuthenticated);
        }

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<AuthenticationException>(() => server.LoginCommandAsync(login, Wrong));
        }

        var hits = await server.LookupsAsync("hit");
        await Assert.ThrowsAsync<AuthenticationException>(() => server.LoginCommandAsync(login, right));
        Assert.Equal(hits, await server.LookupsAsync("hit"));

        await server.CliAsync(string.Empty, "mailbox", "unlock", login);
        using var unlocked = await server.LoginCommandAsync(login, right);
        Assert.True(unlocked.IsAuthenticated);
    }

    [Fact]
    public async Task D_config_check_lists_the_cache_keys_and_refuses_a_negative_size()
    {
        var listed = await AkkaImapExecutable.RunAsync("config", "check", "--config", server.ConfigFile);
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains("akka-imap.auth.cache.size = 100", listed.Stdout);
        Assert.Contains("akka-imap.auth.cache.ttl = 1h", listed.Stdout);

        var file = Path.Combine(server.Folder, "bad-cache.conf");
        File.WriteAllText(file, "akka-imap {\n  auth.cache.size = -1\n}\n");
        var refused = await AkkaImapExecutable.RunAsync("config", "check", "--config", file);
        Refused(refused, "akka-imap.auth.cache.size: expected a number from 0 to 10000000, got \"-1\"");
    }
}
