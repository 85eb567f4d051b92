using System.Globalization;

namespace AkkaImap.Server.Configuration;

/// <summary>One effective setting as <c>akkaimap config check</c> prints it.</summary>
/// <param name="Key">The full HOCON key, e.g. <c>akka-imap.port</c>.</param>
/// <param name="Value">The value as it could be written back into the file.</param>
/// <param name="MailEnableName">The MailEnable "IMAP – General" setting it stands for, if any.</param>
public sealed record SettingLine(string Key, string Value, string? MailEnableName);

/// <summary>Lists every effective setting, in reference.conf order, for the operator to read.</summary>
public static class SettingsListing
{
    public static IReadOnlyList<SettingLine> Describe(ImapSettings s)
    {
        var lines = new List<SettingLine>();
        void Add(string key, string value, string? mailEnable = null) =>
            lines.Add(new SettingLine($"{ImapSettings.Path}.{key}", value, mailEnable));

        Add("threads", Number(s.Threads), "Max concurrent connections (threads)");
        Add("port", Number(s.Port), "IMAP port");
        Add("ssl", SettingValues.FormatBool(s.Ssl), "IMAP Enable SSL (default port)");
        Add("alternate-port.enabled", SettingValues.FormatBool(s.AlternatePort.Enabled), "Also listen on alternate port");
        Add("alternate-port.port", Number(s.AlternatePort.Port), "Also listen on alternate port");
        Add("alternate-port.ssl", SettingValues.FormatBool(s.AlternatePort.Ssl), "IMAP Enable SSL (alternate port)");
        Add("max-connections", s.MaxConnections is { } max ? Number(max) : "unlimited", "Client connections: unlimited or a maximum");
        Add("idle-timeout", s.IdleTimeout is { } idle ? SettingValues.FormatDuration(idle) : "off", "Timeout for idle connections");
        Add("pre-auth-timeout", SettingValues.FormatDuration(s.PreAuthTimeout));
        Add("public-folders.enabled", SettingValues.FormatBool(s.PublicFolders.Enabled), "Enable public folders");
        Add("public-folders.user-create", SettingValues.FormatBool(s.PublicFolders.UserCreate));
        Add("xlist", SettingValues.FormatBool(s.Xlist), "Enable XLIST support");
        Add("compress-level", Number(s.CompressLevel));
        Add("bind", List(s.Bind), "IP addresses to bind to");
        Add("tls.certificate", Text(s.Tls.Certificate), "Server-level SSL certificate");
        Add("tls.key", Text(s.Tls.Key), "Server-level SSL certificate");
        Add("tls.password", s.Tls.Password is null ? "\"\"" : "\"(set)\"", "Server-level SSL certificate");
        Add("storage.provider", s.Storage.Provider);
        Add("storage.path", Text(s.Storage.Path));
        Add("storage.fsync", SettingValues.FormatBool(s.Storage.Fsync));
        Add("storage.change-retention", SettingValues.FormatDuration(s.Storage.ChangeRetention));
        Add("storage.write-batch", Number(s.Storage.WriteBatch));
        Add("storage.readers", Number(s.Storage.Readers));
        Add("storage.sqlite.folder-index-messages", Number(s.Storage.SqliteFolderIndexMessages));
        Add("storage.sqlite.index-delay", SettingValues.FormatDuration(s.Storage.SqliteIndexDelay));
        Add("storage.sqlite.reader-cache", SettingValues.FormatSize(s.Storage.SqliteReaderCache));
        Add("storage.postgresql.connection-string", s.Storage.PostgresConnectionString is null ? "\"\"" : "\"(set)\"");
        Add("storage.postgresql.pool-size", Number(s.Storage.PostgresPoolSize));
        Add("storage.postgresql.writers", Number(s.Storage.PostgresWriters));
        Add("storage.postgresql.index-delay", SettingValues.FormatDuration(s.Storage.PostgresIndexDelay));
        Add("auth.plain", SettingValues.FormatBool(s.Auth.Plain));
        Add("auth.login", SettingValues.FormatBool(s.Auth.Login));
        Add("auth.cram-md5", SettingValues.FormatBool(s.Auth.CramMd5), "Enable CRAM-MD5 authentication");
        Add("auth.ntlm", SettingValues.FormatBool(s.Auth.Ntlm), "Enable NTLM authentication");
        Add("auth.scram-sha-256", SettingValues.FormatBool(s.Auth.ScramSha256));
        Add("auth.trusted-networks", List(s.Auth.TrustedNetworks.Select(n => n.ToString())));
        Add("auth.failure-delay", SettingValues.FormatDuration(s.Auth.FailureDelay));
        Add("auth.failure-delay-max", SettingValues.FormatDuration(s.Auth.FailureDelayMax));
        Add("auth.lockout.failures", Number(s.Auth.Lockout.Failures));
        Add("auth.lockout.window", SettingValues.FormatDuration(s.Auth.Lockout.Window));
        Add("auth.lockout.duration", SettingValues.FormatDuration(s.Auth.Lockout.Duration));
        Add("auth.cache.size", Number(s.Auth.CacheSize));
        Add("auth.cache.ttl", SettingValues.FormatDuration(s.Auth.CacheTtl));
        Add("proxy-protocol.trusted-networks", List(s.ProxyProtocol.TrustedNetworks.Select(n => n.ToString())));
        Add("limits.max-line", SettingValues.FormatSize(s.Limits.MaxLine));
        Add("limits.max-literal", SettingValues.FormatSize(s.Limits.MaxLiteral));
        Add("limits.max-bad-commands", Number(s.Limits.MaxBadCommands));
        Add("limits.max-unsent-output", SettingValues.FormatSize(s.Limits.MaxUnsentOutput));
        Add("limits.max-unsent-output-total", SettingValues.FormatSize(s.Limits.MaxUnsentOutputTotal));
        Add("limits.owner-reply-timeout", SettingValues.FormatDuration(s.Limits.OwnerReplyTimeout));
        Add("limits.worker-timeout", SettingValues.FormatDuration(s.Limits.WorkerTimeout));
        Add("limits.listen-backlog", Number(s.Limits.ListenBacklog));
        Add("limits.max-folders", Number(s.Limits.MaxFolders));
        Add("limits.command-timeout", SettingValues.FormatDuration(s.Limits.CommandTimeout));
        Add("limits.close-timeout", SettingValues.FormatDuration(s.Limits.CloseTimeout));
        Add("cache.account-idle", SettingValues.FormatDuration(s.Cache.AccountIdle));
        Add("cache.unselected-messages", Number(s.Cache.UnselectedMessages));
        Add("search.full-text-index", SettingValues.FormatBool(s.FullTextIndex));
        Add("lmtp.enabled", SettingValues.FormatBool(s.Lmtp.Enabled));
        Add("lmtp.bind", List(s.Lmtp.Bind));
        Add("lmtp.port", Number(s.Lmtp.Port));
        Add("lmtp.max-connections", Number(s.Lmtp.MaxConnections));
        Add("lmtp.max-line", SettingValues.FormatSize(s.Lmtp.MaxLine));
        Add("lmtp.max-recipients", Number(s.Lmtp.MaxRecipients));
        Add("lmtp.command-timeout", SettingValues.FormatDuration(s.Lmtp.CommandTimeout));
        Add("lmtp.data-timeout", SettingValues.FormatDuration(s.Lmtp.DataTimeout));
        Add("lmtp.recipient-delimiter", Text(s.Lmtp.RecipientDelimiter));
        Add("lmtp.quota-temporary", SettingValues.FormatBool(s.Lmtp.QuotaTemporary));
        Add("telemetry.prometheus.port", s.Telemetry.PrometheusPort is { } p ? Number(p) : "off");
        Add("telemetry.prometheus.bind", Text(s.Telemetry.PrometheusBind));
        Add("telemetry.otlp.endpoint", Text(s.Telemetry.OtlpEndpoint?.OriginalString));
        Add("telemetry.otlp.protocol", s.Telemetry.OtlpProtocol);
        Add("telemetry.otlp.sample-ratio", s.Telemetry.SampleRatio.ToString("0.###", CultureInfo.InvariantCulture));
        Add("shutdown.drain-timeout", SettingValues.FormatDuration(s.Shutdown.DrainTimeout));
        Add("logging.format", s.Logging.Format.ToString().ToLowerInvariant());
        Add("logging.level", s.Logging.Level.ToString().ToLowerInvariant());
        return lines;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(string? value) => "\"" + (value ?? string.Empty).Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static string List(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Text)) + "]";
}
