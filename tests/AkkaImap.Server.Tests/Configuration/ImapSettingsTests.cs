using System.Net;
using Akka.Configuration;
using AkkaImap.Server.Configuration;
using Xunit;

namespace AkkaImap.Server.Tests.Configuration;

public sealed class ImapSettingsTests
{
    private const string Base = "/srv/akkaimap";

    private static ImapSettings Parse(string hocon, string? baseDirectory = Base) =>
        ImapSettings.FromConfig(ConfigurationFactory.ParseString(hocon), baseDirectory);

    [Fact]
    public void Defaults_are_the_spec_table()
    {
        var s = Parse("");

        Assert.Equal(32, s.Threads);
        Assert.Equal(143, s.Port);
        Assert.False(s.Ssl);
        Assert.Equal(new AlternatePortSettings(false, 993, true), s.AlternatePort);
        Assert.Null(s.MaxConnections);
        Assert.Equal(TimeSpan.FromMinutes(30), s.IdleTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), s.PreAuthTimeout);
        Assert.Equal(new PublicFolderSettings(true, true), s.PublicFolders);
        Assert.True(s.Xlist);
        Assert.Equal(["*"], s.Bind);
        Assert.Equal(new TlsSettings(null, null, null), s.Tls);
        Assert.Equal(new StorageSettings("sqlite", Path.GetFullPath("data", Base), true, null), s.Storage);
        Assert.True(s.Auth.Plain);
        Assert.True(s.Auth.Login);
        Assert.False(s.Auth.CramMd5);
        Assert.False(s.Auth.Ntlm);
        Assert.True(s.Auth.ScramSha256);
        Assert.Equal([IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")], s.Auth.TrustedNetworks);
        Assert.Equal(TimeSpan.FromSeconds(2), s.Auth.FailureDelay);
        Assert.Equal(TimeSpan.FromSeconds(15), s.Auth.FailureDelayMax);
        Assert.Equal(new LockoutSettings(10, TimeSpan.FromMinutes(15), TimeSpan.FromHours(1)), s.Auth.Lockout);
        Assert.Equal(new LimitSettings(64 * 1024, 50L * 1024 * 1024, 20, 1024 * 1024), s.Limits);
        Assert.Equal(new CacheSettings(TimeSpan.FromMinutes(2), 100_000), s.Cache);
        Assert.False(s.Lmtp.Enabled);
        Assert.Equal(["127.0.0.1"], s.Lmtp.Bind);
        Assert.Equal(24, s.Lmtp.Port);
        Assert.Null(s.Telemetry.PrometheusPort);
        Assert.Equal((TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(5), 1024), (s.Limits.OwnerReplyTimeout, s.Limits.WorkerTimeout, s.Limits.ListenBacklog));
        Assert.Equal(TimeSpan.FromSeconds(10), s.Limits.CloseTimeout);
        Assert.Equal((256, Math.Max(2, Environment.ProcessorCount)), (s.Storage.WriteBatch, s.Storage.Readers));
        Assert.Equal(new ShutdownSettings(TimeSpan.FromSeconds(3)), s.Shutdown);
        Assert.Equal(new LoggingSettings(LogFormat.Text, LogLevelSetting.Info), s.Logging);
    }

    [Fact]
    public void Logging_format_and_level_are_read_and_listed()
    {
        var s = Parse("akka-imap.logging { format = JSON, level = debug }");

        Assert.Equal(new LoggingSettings(LogFormat.Json, LogLevelSetting.Debug), s.Logging);
        Assert.Contains(new SettingLine("akka-imap.logging.format", "json", null), SettingsListing.Describe(s));
        Assert.Contains(new SettingLine("akka-imap.logging.level", "debug", null), SettingsListing.Describe(s));
        Assert.Equal("akka-imap.logging.level: expected debug, info, warning or error, got \"trace\"",
            Assert.Throws<SettingsException>(() => Parse("akka-imap.logging.level = trace")).Message);
    }

    [Fact]
    public void Timeouts_backlog_drain_and_store_sizes_are_read()
    {
        var s = Parse("""
            akka-imap {
              limits { owner-reply-timeout = 15s, worker-timeout = 90s, listen-backlog = 64, close-timeout = 2s }
              storage { write-batch = 32, readers = 3 }
              shutdown.drain-timeout = 0s
            }
            """);

        Assert.Equal(TimeSpan.FromSeconds(15), s.Limits.OwnerReplyTimeout);
        Assert.Equal(TimeSpan.FromSeconds(90), s.Limits.WorkerTimeout);
        Assert.Equal(64, s.Limits.ListenBacklog);
        Assert.Equal(TimeSpan.FromSeconds(2), s.Limits.CloseTimeout);
        Assert.Contains(new SettingLine("akka-imap.limits.close-timeout", "2s", null), SettingsListing.Describe(s));
        Assert.Equal(32, s.Storage.WriteBatch);
        Assert.Equal(3, s.Storage.Readers);
        Assert.Equal(TimeSpan.Zero, s.Shutdown.DrainTimeout);
        Assert.Contains(new SettingLine("akka-imap.shutdown.drain-timeout", "0ms", null), SettingsListing.Describe(s));
    }

    [Fact]
    public void Default_resolves_storage_against_the_working_folder()
    {
        Assert.Equal(Path.GetFullPath("data", Environment.CurrentDirectory), ImapSettings.Default.Storage.Path);
    }

    [Fact]
    public void Every_setting_can_be_changed()
    {
        var s = Parse("""
            akka-imap {
              threads = 4, port = 1143, ssl = on, alternate-port { enabled = on, port = 1993, ssl = off }
              max-connections = 500, idle-timeout = off, pre-auth-timeout = 20s, xlist = no
              public-folders { enabled = off, user-create = off }
              bind = ["127.0.0.1", "::1"]
              storage { provider = postgresql, path = /var/lib/akkaimap, fsync = off, postgresql { connection-string = "Host=db", pool-size = 50, writers = 2 } }
              auth { plain = off, login = off, cram-md5 = on, ntlm = on, scram-sha-256 = off, trusted-networks = [] }
              auth { failure-delay = 500ms, failure-delay-max = 1m, lockout { failures = 3, window = 1d, duration = 90 minutes } }
              limits { max-line = 8k, max-literal = 1MB, max-bad-commands = 5, max-unsent-output = 64k }
              cache { account-idle = 30s, unselected-messages = 0 }
              lmtp { enabled = on, bind = "0.0.0.0", port = 2424, max-connections = 7, max-line = 1k, max-recipients = 3 }
              lmtp { command-timeout = 30s, data-timeout = 2m, recipient-delimiter = "-" }
            }
            """);

        Assert.Equal((4, 1143, true), (s.Threads, s.Port, s.Ssl));
        Assert.Equal(new AlternatePortSettings(true, 1993, false), s.AlternatePort);
        Assert.Equal(500, s.MaxConnections);
        Assert.Null(s.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), s.PreAuthTimeout);
        Assert.False(s.Xlist);
        Assert.Equal(new PublicFolderSettings(false, false), s.PublicFolders);
        Assert.Equal(["127.0.0.1", "::1"], s.Bind);
        Assert.Equal(new StorageSettings("postgresql", "/var/lib/akkaimap", false, "Host=db") { PostgresPoolSize = 50, PostgresWriters = 2 }, s.Storage);
        Assert.Equal((false, false, true, true, false), (s.Auth.Plain, s.Auth.Login, s.Auth.CramMd5, s.Auth.Ntlm, s.Auth.ScramSha256));
        Assert.Empty(s.Auth.TrustedNetworks);
        Assert.Equal(TimeSpan.FromMilliseconds(500), s.Auth.FailureDelay);
        Assert.Equal(TimeSpan.FromMinutes(1), s.Auth.FailureDelayMax);
        Assert.Equal(new LockoutSettings(3, TimeSpan.FromDays(1), TimeSpan.FromMinutes(90)), s.Auth.Lockout);
        Assert.Equal(new LimitSettings(8192, 1_000_000, 5, 64 * 1024), s.Limits);
        Assert.Equal(new CacheSettings(TimeSpan.FromSeconds(30), 0), s.Cache);
        Assert.Equal((true, 2424), (s.Lmtp.Enabled, s.Lmtp.Port));
        Assert.Equal(["0.0.0.0"], s.Lmtp.Bind);
        Assert.Equal((7, 1024, 3), (s.Lmtp.MaxConnections, s.Lmtp.MaxLine, s.Lmtp.MaxRecipients));
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), "-"), (s.Lmtp.CommandTimeout, s.Lmtp.DataTimeout, s.Lmtp.RecipientDelimiter));
    }

    [Theory]
    [InlineData("akka-imap.port = abc", "akka-imap.port: expected a number from 1 to 65535, got \"abc\"")]
    [InlineData("akka-imap.port = 0", "akka-imap.port: expected a number from 1 to 65535, got \"0\"")]
    [InlineData("akka-imap.port = 65536", "akka-imap.port: expected a number from 1 to 65535, got \"65536\"")]
    [InlineData("akka-imap.alternate-port.port = -1", "akka-imap.alternate-port.port: expected a number from 1 to 65535, got \"-1\"")]
    [InlineData("akka-imap.alternate-port { enabled = on, port = 143 }", "akka-imap.alternate-port.port: must differ from akka-imap.port (143)")]
    [InlineData("akka-imap.threads = 0", "akka-imap.threads: expected a number from 1 to 1024, got \"0\"")]
    [InlineData("akka-imap.ssl = maybe", "akka-imap.ssl: expected on or off, got \"maybe\"")]
    [InlineData("akka-imap.max-connections = 0", "akka-imap.max-connections: expected unlimited or a whole number of at least 1, got \"0\"")]
    [InlineData("akka-imap.max-connections = lots", "akka-imap.max-connections: expected unlimited or a whole number of at least 1, got \"lots\"")]
    [InlineData("akka-imap.idle-timeout = 30", "akka-imap.idle-timeout: expected a duration of at least 1s such as 30m, or off, got \"30\"")]
    [InlineData("akka-imap.idle-timeout = never", "akka-imap.idle-timeout: expected a duration of at least 1s such as 30m, or off, got \"never\"")]
    [InlineData("akka-imap.pre-auth-timeout = 5 fortnights", "akka-imap.pre-auth-timeout: expected a duration such as 30s, 5m or 1h, got \"5 fortnights\"")]
    [InlineData("akka-imap.auth.failure-delay-max = 1s", "akka-imap.auth.failure-delay-max: must be at least akka-imap.auth.failure-delay (2s), got \"1s\"")]
    [InlineData("akka-imap.limits.max-line = 64 kilobananas", "akka-imap.limits.max-line: expected a size such as 64k or 50M, got \"64 kilobananas\"")]
    [InlineData("akka-imap.limits.max-line = 100", "akka-imap.limits.max-line: expected a size from 1k to 16M, got \"100\"")]
    [InlineData("akka-imap.bind = [\"*\", \"10.0.0.1\"]", "akka-imap.bind: expected [\"*\"] or a list of IP addresses such as [\"192.0.2.10\", \"::1\"], got \"*\"")]
    [InlineData("akka-imap.bind = [\"mail.example.com\"]", "akka-imap.bind: expected [\"*\"] or a list of IP addresses such as [\"192.0.2.10\", \"::1\"], got \"mail.example.com\"")]
    [InlineData("akka-imap.bind = []", "akka-imap.bind: list at least one address, or [\"*\"] for all of them")]
    [InlineData("akka-imap.auth.trusted-networks = [\"10.0.0.0/33\"]", "akka-imap.auth.trusted-networks: expected networks such as [\"10.0.0.0/8\", \"2001:db8::/32\"] with the address bits past the prefix zero, got \"10.0.0.0/33\"")]
    [InlineData("akka-imap.storage.provider = mysql", "akka-imap.storage.provider: expected sqlite or postgresql, got \"mysql\"")]
    [InlineData("akka-imap.storage.provider = postgresql", "akka-imap.storage.postgresql.connection-string: set it when storage.provider = postgresql")]
    [InlineData("akka-imap.storage.postgresql.pool-size = 1", "akka-imap.storage.postgresql.pool-size: expected a number from 2 to 1000, got \"1\"")]
    [InlineData("akka-imap.telemetry.prometheus.port = 99999", "akka-imap.telemetry.prometheus.port: expected a number from 1 to 65535, got \"99999\"")]
    [InlineData("akka-imap.telemetry.otlp.protocol = http", "akka-imap.telemetry.otlp.protocol: expected grpc or http/protobuf, got \"http\"")]
    [InlineData("akka-imap.telemetry.otlp.sample-ratio = 2", "akka-imap.telemetry.otlp.sample-ratio: expected a number from 0 to 1 such as 0.1, got \"2\"")]
    [InlineData("akka-imap.lmtp.recipient-delimiter = \"++\"", "akka-imap.lmtp.recipient-delimiter: expected one character such as \"+\", or \"\" for none, got \"++\"")]
    [InlineData("akka-imap.lmtp.max-line = 100", "akka-imap.lmtp.max-line: expected a size from 512 to 1M, got \"100\"")]
    [InlineData("akka-imap.lmtp.max-recipients = 0", "akka-imap.lmtp.max-recipients: expected a number from 1 to 100000, got \"0\"")]
    [InlineData("akka-imap.limits.owner-reply-timeout = 0s", "akka-imap.limits.owner-reply-timeout: expected at least 1s, got \"0s\"")]
    [InlineData("akka-imap.limits.worker-timeout = 5", "akka-imap.limits.worker-timeout: expected a duration such as 30s, 5m or 1h, got \"5\"")]
    [InlineData("akka-imap.limits.listen-backlog = 0", "akka-imap.limits.listen-backlog: expected a number from 1 to 65535, got \"0\"")]
    [InlineData("akka-imap.limits.close-timeout = 500ms", "akka-imap.limits.close-timeout: expected at least 1s, got \"500ms\"")]
    [InlineData("akka-imap.storage.write-batch = 0", "akka-imap.storage.write-batch: expected a number from 1 to 100000, got \"0\"")]
    [InlineData("akka-imap.storage.readers = many", "akka-imap.storage.readers: expected a number from 0 to 256, got \"many\"")]
    [InlineData("akka-imap.shutdown.drain-timeout = soon", "akka-imap.shutdown.drain-timeout: expected a duration such as 30s, 5m or 1h, got \"soon\"")]
    [InlineData("akka-imap.port = [143]", "akka-imap.port: expected a single value, not a list or a block")]
    [InlineData("akka-imap.idle-timout = 5m", "akka-imap.idle-timout: unknown setting; check its spelling against reference.conf (akkaimap config check lists every key)")]
    [InlineData("akka-imap.tls = off", "akka-imap.tls: expected a block such as tls { ... }, not a plain value")]
    [InlineData("akka-imap = on", "akka-imap: expected a block such as akka-imap { port = 143 }, not a plain value")]
    [InlineData("akka-imap.tls.key = /nonexistent/key.pem", "akka-imap.tls.key: file not found: /nonexistent/key.pem")]
    public void A_bad_value_gives_one_line_naming_key_and_fix(string hocon, string expected)
    {
        var error = Assert.Throws<SettingsException>(() => Parse(hocon));

        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData("data", Base, "/srv/akkaimap/data")]
    [InlineData("../shared/mail", Base, "/srv/shared/mail")]
    [InlineData("/var/lib/akkaimap", Base, "/var/lib/akkaimap")]
    public void Storage_path_is_relative_to_the_config_folder(string path, string baseDirectory, string expected)
    {
        Assert.Equal(expected, Parse($"akka-imap.storage.path = \"{path}\"", baseDirectory).Storage.Path);
    }

    [Fact]
    public void Storage_path_without_a_config_file_is_relative_to_the_working_folder()
    {
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "mail"), Parse("akka-imap.storage.path = mail", null).Storage.Path);
    }

    [Fact]
    public void Tls_files_are_resolved_against_the_config_folder_and_must_exist()
    {
        var folder = Directory.CreateTempSubdirectory("akkaimap-settings-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "cert.pem"), "x");
            File.WriteAllText(Path.Combine(folder, "key.pem"), "x");

            var tls = Parse("akka-imap.tls { certificate = cert.pem, key = key.pem, password = secret }", folder).Tls;

            Assert.Equal(new TlsSettings(Path.Combine(folder, "cert.pem"), Path.Combine(folder, "key.pem"), "secret"), tls);
            var error = Assert.Throws<SettingsException>(() => Parse("akka-imap.tls.key = key.pem", folder));
            Assert.Equal("akka-imap.tls.certificate: set the certificate file that goes with akka-imap.tls.key", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_bare_address_is_trusted_as_one_host()
    {
        var networks = Parse("akka-imap.auth.trusted-networks = [\"192.0.2.7\", \"2001:db8::1\"]").Auth.TrustedNetworks;

        Assert.Equal([IPNetwork.Parse("192.0.2.7/32"), IPNetwork.Parse("2001:db8::1/128")], networks);
    }

    [Fact]
    public void Dispatcher_block_runs_on_exactly_threads_threads()
    {
        var config = ConfigurationFactory.ParseString(ImapDispatcher.Hocon(7));

        Assert.Equal("Dispatcher", config.GetString($"{ImapDispatcher.Id}.type"));
        Assert.StartsWith(typeof(DedicatedThreadsExecutorConfigurator).FullName + ",", config.GetString($"{ImapDispatcher.Id}.executor"));
        Assert.Equal(7, config.GetInt($"{ImapDispatcher.Id}.dedicated-thread-pool.thread-count"));
    }
}
