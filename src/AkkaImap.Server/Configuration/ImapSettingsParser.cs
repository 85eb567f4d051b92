using System.Globalization;
using System.Net;
using Akka.Configuration;

namespace AkkaImap.Server.Configuration;

/// <summary>
/// Builds <see cref="ImapSettings"/> from HOCON. The defaults here are the SPEC.md table and must
/// match hocon/reference.conf (a test compares them), so a config without the fallback still works.
/// </summary>
internal static class ImapSettingsParser
{
    private const int MaxPort = 65535;

    public static ImapSettings Parse(Config config, string baseDirectory)
    {
        var r = new HoconReader(config, ImapSettings.Path);

        var port = Port(r, "port", 143);
        var alternate = new AlternatePortSettings(
            Bool(r, "alternate-port.enabled", false),
            Port(r, "alternate-port.port", 993),
            Bool(r, "alternate-port.ssl", true));
        if (alternate.Enabled && alternate.Port == port)
        {
            throw r.Error("alternate-port.port", $"must differ from {r.Key("port")} ({port})", null);
        }

        // Read once: the session decides whether SEARCH uses the index, the store whether append keeps it.
        var fullTextIndex = Bool(r, "search.full-text-index", true);
        var settings = new ImapSettings(
            Threads: Int(r, "threads", 32, 1, 1024),
            Port: port,
            Ssl: Bool(r, "ssl", false),
            AlternatePort: alternate,
            MaxConnections: MaxConnections(r),
            IdleTimeout: DurationOrOff(r, "idle-timeout", TimeSpan.FromMinutes(30)),
            PreAuthTimeout: Duration(r, "pre-auth-timeout", TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1)),
            PublicFolders: new PublicFolderSettings(
                Bool(r, "public-folders.enabled", true),
                Bool(r, "public-folders.user-create", true)),
            Xlist: Bool(r, "xlist", true),
            Bind: Addresses(r, "bind", ["*"]),
            Tls: Tls(r, baseDirectory),
            Storage: Storage(r, baseDirectory) with { FullTextIndex = fullTextIndex },
            Auth: Auth(r),
            Limits: Limits(r),
            Cache: new CacheSettings(
                Duration(r, "cache.account-idle", TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1)),
                Int(r, "cache.unselected-messages", 100_000, 0, 100_000_000)),
            Lmtp: Lmtp(r),
            Telemetry: Telemetry(r),
            Shutdown: new ShutdownSettings(Duration(r, "shutdown.drain-timeout", TimeSpan.FromSeconds(3), TimeSpan.Zero)))
        {
            Logging = Logging(r),
            ProxyProtocol = new ProxyProtocolSettings(Networks(r, "proxy-protocol.trusted-networks", [])),
            FullTextIndex = fullTextIndex,
            CompressLevel = Int(r, "compress-level", 6, 0, 9),
        };

        return r.FirstUnknownKey() is { } unknown ? throw unknown : settings;
    }

    private static LimitSettings Limits(HoconReader r)
    {
        long unsent = Size(r, "limits.max-unsent-output", 1024 * 1024, 16 * 1024, 1L << 30);
        long unsentTotal = Size(r, "limits.max-unsent-output-total", 256L * 1024 * 1024, 1024 * 1024, 1L << 40);
        if (unsentTotal < unsent)
        {
            throw r.Error("limits.max-unsent-output-total", $"must be at least {r.Key("limits.max-unsent-output")} ({SettingValues.FormatSize(unsent)})", SettingValues.FormatSize(unsentTotal));
        }

        return new LimitSettings(
            (int)Size(r, "limits.max-line", 64 * 1024, 1024, 16 * 1024 * 1024),
            Size(r, "limits.max-literal", 50L * 1024 * 1024, 1, long.MaxValue),
            Int(r, "limits.max-bad-commands", 20, 1, int.MaxValue),
            unsent)
        {
            MaxUnsentOutputTotal = unsentTotal,
            OwnerReplyTimeout = Duration(r, "limits.owner-reply-timeout", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1)),
            WorkerTimeout = Duration(r, "limits.worker-timeout", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1)),
            ListenBacklog = Int(r, "limits.listen-backlog", 1024, 1, MaxPort),
            MaxFolders = Int(r, "limits.max-folders", 1000, 1, 1_000_000),
            CommandTimeout = Duration(r, "limits.command-timeout", TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1)),
            CloseTimeout = Duration(r, "limits.close-timeout", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1)),
        };
    }

    private static TlsSettings Tls(HoconReader r, string baseDirectory)
    {
        var certificate = ExistingFile(r, "tls.certificate", baseDirectory);
        var key = ExistingFile(r, "tls.key", baseDirectory);
        if (key is not null && certificate is null)
        {
            throw r.Error("tls.certificate", $"set the certificate file that goes with {r.Key("tls.key")}", null);
        }

        return new TlsSettings(certificate, key, r.Scalar("tls.password"));
    }

    private static StorageSettings Storage(HoconReader r, string baseDirectory)
    {
        var provider = (r.Scalar("storage.provider") ?? "sqlite").ToLowerInvariant();
        if (provider is not ("sqlite" or "postgresql"))
        {
            throw r.Error("storage.provider", "expected sqlite or postgresql", r.Scalar("storage.provider"));
        }

        var connection = r.Scalar("storage.postgresql.connection-string");
        if (provider == "postgresql" && connection is null)
        {
            throw r.Error("storage.postgresql.connection-string", "set it when storage.provider = postgresql", null);
        }
        var path = System.IO.Path.GetFullPath(r.Scalar("storage.path") ?? "data", baseDirectory);
        return new StorageSettings(provider, path, Bool(r, "storage.fsync", true), connection)
        {
            ChangeRetention = Duration(r, "storage.change-retention", TimeSpan.FromDays(1), TimeSpan.FromMinutes(1)),
            WriteBatch = Int(r, "storage.write-batch", 256, 1, 100_000),
            Readers = Int(r, "storage.readers", 0, 0, 256) is var readers and > 0 ? readers : AkkaImap.Storage.StoreOptions.DefaultReaders,
            SqliteFolderIndexMessages = Int(r, "storage.sqlite.folder-index-messages", 1000, 0, int.MaxValue),
            SqliteIndexDelay = Duration(r, "storage.sqlite.index-delay", TimeSpan.FromSeconds(1), TimeSpan.Zero),
            SqliteReaderCache = Size(r, "storage.sqlite.reader-cache", 8L * 1024 * 1024, 64 * 1024, 1L << 30),
            PostgresPoolSize = Int(r, "storage.postgresql.pool-size", 20, 2, 1000),
            PostgresWriters = Int(r, "storage.postgresql.writers", 4, 1, 64),
            PostgresIndexDelay = Duration(r, "storage.postgresql.index-delay", TimeSpan.FromSeconds(1), TimeSpan.Zero),
        };
    }

    /// <summary>The LMTP listener (RFC 2033) and the caps on what one LMTP client may send.</summary>
    private static LmtpSettings Lmtp(HoconReader r)
    {
        var delimiter = r.Scalar("lmtp.recipient-delimiter") ?? "+";
        if (delimiter.Length > 1 || delimiter is "@" or "\"" or " ")
        {
            throw r.Error("lmtp.recipient-delimiter", "expected one character such as \"+\", or \"\" for none", delimiter);
        }

        return new LmtpSettings(
            Bool(r, "lmtp.enabled", false),
            Addresses(r, "lmtp.bind", ["127.0.0.1"]),
            Port(r, "lmtp.port", 24))
        {
            MaxConnections = Int(r, "lmtp.max-connections", 100, 1, 100_000),
            MaxLine = (int)Size(r, "lmtp.max-line", 4 * 1024, 512, 1024 * 1024),
            MaxRecipients = Int(r, "lmtp.max-recipients", 100, 1, 100_000),
            CommandTimeout = Duration(r, "lmtp.command-timeout", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1)),
            DataTimeout = Duration(r, "lmtp.data-timeout", TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1)),
            RecipientDelimiter = delimiter,
            QuotaTemporary = Bool(r, "lmtp.quota-temporary", false),
        };
    }

    /// <summary>
    /// The Prometheus and health endpoint (one port, one address: loopback unless told otherwise,
    /// since the metrics name the server's load) and OTLP trace export.
    /// </summary>
    private static TelemetrySettings Telemetry(HoconReader r)
    {
        var bind = r.Scalar("telemetry.prometheus.bind") ?? "127.0.0.1";
        if (bind != "*" && !IPAddress.TryParse(bind, out _))
        {
            throw r.Error("telemetry.prometheus.bind", "expected one IP address such as \"127.0.0.1\" or \"::1\", or \"*\" for all of them", bind);
        }

        var endpoint = r.Scalar("telemetry.otlp.endpoint");
        Uri? otlp = null;
        if (!string.IsNullOrEmpty(endpoint)
            && !(Uri.TryCreate(endpoint, UriKind.Absolute, out otlp) && otlp.Scheme is "http" or "https"))
        {
            throw r.Error("telemetry.otlp.endpoint", "expected an http:// or https:// URL such as \"http://127.0.0.1:4317\", or leave it unset", endpoint);
        }

        var protocol = r.Scalar("telemetry.otlp.protocol") ?? "grpc";
        if (protocol is not ("grpc" or "http/protobuf"))
        {
            throw r.Error("telemetry.otlp.protocol", "expected grpc or http/protobuf", protocol);
        }

        var ratioText = r.Scalar("telemetry.otlp.sample-ratio");
        var ratio = 1.0;
        if (ratioText is not null
            && !(double.TryParse(ratioText, NumberStyles.Float, CultureInfo.InvariantCulture, out ratio) && ratio is >= 0 and <= 1))
        {
            throw r.Error("telemetry.otlp.sample-ratio", "expected a number from 0 to 1 such as 0.1", ratioText);
        }

        return new TelemetrySettings(OptionalPort(r, "telemetry.prometheus.port"), bind, otlp, protocol, ratio);
    }

    private static LoggingSettings Logging(HoconReader r)
    {
        var format = r.Scalar("logging.format")?.ToLowerInvariant() switch
        {
            null or "text" => LogFormat.Text,
            "json" => LogFormat.Json,
            _ => throw r.Error("logging.format", "expected text or json", r.Scalar("logging.format")),
        };
        var level = r.Scalar("logging.level")?.ToLowerInvariant() switch
        {
            "debug" => LogLevelSetting.Debug,
            null or "info" => LogLevelSetting.Info,
            "warning" => LogLevelSetting.Warning,
            "error" => LogLevelSetting.Error,
            _ => throw r.Error("logging.level", "expected debug, info, warning or error", r.Scalar("logging.level")),
        };
        return new LoggingSettings(format, level);
    }

    private static AuthSettings Auth(HoconReader r)
    {
        var delay = Duration(r, "auth.failure-delay", TimeSpan.FromSeconds(2), TimeSpan.Zero);
        var delayMax = Duration(r, "auth.failure-delay-max", TimeSpan.FromSeconds(15), TimeSpan.Zero);
        if (delayMax < delay)
        {
            throw r.Error("auth.failure-delay-max", $"must be at least {r.Key("auth.failure-delay")} ({SettingValues.FormatDuration(delay)})", SettingValues.FormatDuration(delayMax));
        }

        return new AuthSettings(
            Plain: Bool(r, "auth.plain", true),
            Login: Bool(r, "auth.login", true),
            CramMd5: Bool(r, "auth.cram-md5", false),
            Ntlm: Bool(r, "auth.ntlm", false),
            ScramSha256: Bool(r, "auth.scram-sha-256", true),
            TrustedNetworks: Networks(r, "auth.trusted-networks"),
            FailureDelay: delay,
            FailureDelayMax: delayMax,
            Lockout: new LockoutSettings(
                Int(r, "auth.lockout.failures", 10, 1, int.MaxValue),
                Duration(r, "auth.lockout.window", TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(1)),
                Duration(r, "auth.lockout.duration", TimeSpan.FromHours(1), TimeSpan.FromSeconds(1))))
        {
            CacheSize = Int(r, "auth.cache.size", 10_000, 0, 10_000_000),
            CacheTtl = Duration(r, "auth.cache.ttl", TimeSpan.FromHours(1), TimeSpan.FromSeconds(1)),
        };
    }

    private static int Int(HoconReader r, string key, int fallback, int min, int max)
    {
        var text = r.Scalar(key);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw r.Error(key, max == int.MaxValue ? $"expected a whole number of at least {min}" : $"expected a number from {min} to {max}", text);
    }

    private static int Port(HoconReader r, string key, int fallback) => Int(r, key, fallback, 1, MaxPort);

    private static int? OptionalPort(HoconReader r, string key)
    {
        var text = r.Scalar(key);
        return text is null || text.Equals("off", StringComparison.OrdinalIgnoreCase) ? null : Port(r, key, 0);
    }

    private static int? MaxConnections(HoconReader r)
    {
        var text = r.Scalar("max-connections");
        if (text is null || text.Equals("unlimited", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1
            ? value
            : throw r.Error("max-connections", "expected unlimited or a whole number of at least 1", text);
    }

    private static bool Bool(HoconReader r, string key, bool fallback)
    {
        var text = r.Scalar(key);
        if (text is null)
        {
            return fallback;
        }

        return SettingValues.TryParseBool(text, out var value) ? value : throw r.Error(key, "expected on or off", text);
    }

    private static TimeSpan Duration(HoconReader r, string key, TimeSpan fallback, TimeSpan min)
    {
        var text = r.Scalar(key);
        if (text is null)
        {
            return fallback;
        }

        if (!SettingValues.TryParseDuration(text, out var value))
        {
            throw r.Error(key, "expected a duration such as 30s, 5m or 1h", text);
        }

        return value >= min ? value : throw r.Error(key, $"expected at least {SettingValues.FormatDuration(min)}", text);
    }

    private static TimeSpan? DurationOrOff(HoconReader r, string key, TimeSpan fallback)
    {
        var text = r.Scalar(key);
        if (text is null)
        {
            return fallback;
        }

        if (text.Equals("off", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return SettingValues.TryParseDuration(text, out var value) && value >= TimeSpan.FromSeconds(1)
            ? value
            : throw r.Error(key, "expected a duration of at least 1s such as 30m, or off", text);
    }

    private static long Size(HoconReader r, string key, long fallback, long min, long max)
    {
        var text = r.Scalar(key);
        if (text is null)
        {
            return fallback;
        }

        if (!SettingValues.TryParseSize(text, out var value))
        {
            throw r.Error(key, "expected a size such as 64k or 50M", text);
        }

        return value >= min && value <= max
            ? value
            : throw r.Error(key, $"expected a size from {SettingValues.FormatSize(min)} to {SettingValues.FormatSize(max)}", text);
    }

    private static string? ExistingFile(HoconReader r, string key, string baseDirectory)
    {
        var text = r.Scalar(key);
        if (text is null)
        {
            return null;
        }

        var path = System.IO.Path.GetFullPath(text, baseDirectory);
        return File.Exists(path) ? path : throw r.Error(key, $"file not found: {path}", null);
    }

    private static IReadOnlyList<string> Addresses(HoconReader r, string key, IReadOnlyList<string> fallback)
    {
        var items = r.List(key);
        if (items is null)
        {
            return fallback;
        }

        if (items.Count == 0)
        {
            throw r.Error(key, "list at least one address, or [\"*\"] for all of them", null);
        }

        foreach (var item in items)
        {
            if (item == "*" ? items.Count > 1 : !IPAddress.TryParse(item, out _))
            {
                throw r.Error(key, "expected [\"*\"] or a list of IP addresses such as [\"192.0.2.10\", \"::1\"]", item);
            }
        }

        return items;
    }

    private static IReadOnlyList<IPNetwork> Networks(HoconReader r, string key, IReadOnlyList<string>? defaults = null)
    {
        var items = r.List(key) ?? defaults ?? ["127.0.0.0/8", "::1/128"];
        var networks = new List<IPNetwork>(items.Count);
        foreach (var item in items)
        {
            // A bare address means just that host (/32 or /128).
            if (IPNetwork.TryParse(item, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(item, out var address))
            {
                networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            }
            else
            {
                throw r.Error(key, "expected networks such as [\"10.0.0.0/8\", \"2001:db8::/32\"] with the address bits past the prefix zero", item);
            }
        }

        return networks;
    }
}
