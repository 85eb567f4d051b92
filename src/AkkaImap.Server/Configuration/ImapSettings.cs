using System.Net;
using Akka.Configuration;

namespace AkkaImap.Server.Configuration;

/// <summary>
/// The service settings, read from the HOCON path <c>akka-imap</c>. Every key is documented with
/// its default (and, where it has one, its MailEnable "IMAP – General" name) in hocon/reference.conf.
/// </summary>
public sealed record ImapSettings(
    int Threads,
    int Port,
    bool Ssl,
    AlternatePortSettings AlternatePort,
    int? MaxConnections,
    TimeSpan? IdleTimeout,
    TimeSpan PreAuthTimeout,
    PublicFolderSettings PublicFolders,
    bool Xlist,
    IReadOnlyList<string> Bind,
    TlsSettings Tls,
    StorageSettings Storage,
    AuthSettings Auth,
    LimitSettings Limits,
    CacheSettings Cache,
    LmtpSettings Lmtp,
    TelemetrySettings Telemetry,
    ShutdownSettings Shutdown)
{
    /// <summary>The HOCON path all keys live under.</summary>
    public const string Path = "akka-imap";

    /// <summary><c>logging</c>: the form (text or JSON lines) and the lowest level of the service's log.</summary>
    public LoggingSettings Logging { get; init; } = LoggingSettings.Default;

    /// <summary><c>proxy-protocol</c>: which peers are load balancers that must open with a PROXY header.</summary>
    public ProxyProtocolSettings ProxyProtocol { get; init; } = ProxyProtocolSettings.None;

    /// <summary>
    /// <c>search.full-text-index</c>: SEARCH answers BODY, TEXT, FROM, TO, CC, BCC and SUBJECT from
    /// the store's full-text index (on), or scans every message (off). The store keeps the index
    /// up to date either way.
    /// </summary>
    public bool FullTextIndex { get; init; } = true;

    /// <summary>
    /// <c>compress-level</c>: the deflate level (1–9) of COMPRESS=DEFLATE (RFC 4978); 0 turns the
    /// extension off (not advertised, the command is refused).
    /// </summary>
    public int CompressLevel { get; init; } = 6;

    /// <summary>
    /// The built-in defaults (SPEC.md, Settings), with <c>storage.path</c> resolved against the
    /// working folder as it is when first read. hocon/reference.conf states the same values.
    /// </summary>
    public static ImapSettings Default { get; } = FromConfig(Config.Empty, baseDirectory: null);

    /// <summary>
    /// Reads and validates <c>akka-imap</c> from <paramref name="config"/>; keys that are absent
    /// take their default. Relative paths (<c>storage.path</c>, <c>tls.*</c> files) are resolved
    /// against <paramref name="baseDirectory"/> (the config file's folder), or the working folder
    /// when it is null.
    /// </summary>
    /// <exception cref="SettingsException">A value is unreadable or inconsistent; the message is one
    /// line naming the key and what to write instead.</exception>
    public static ImapSettings FromConfig(Config config, string? baseDirectory) =>
        ImapSettingsParser.Parse(config, baseDirectory ?? Environment.CurrentDirectory);
}

/// <summary><c>alternate-port</c>: a second listener, by default implicit TLS on 993 (RFC 8314 §3.3).</summary>
public sealed record AlternatePortSettings(bool Enabled, int Port, bool Ssl);

/// <summary><c>public-folders</c>: the service switch; a post office must also enable them.</summary>
public sealed record PublicFolderSettings(bool Enabled, bool UserCreate);

/// <summary><c>tls</c>: PEM certificate + key, or a PFX (+ password) in <see cref="Certificate"/>. Paths are absolute.</summary>
public sealed record TlsSettings(string? Certificate, string? Key, string? Password);

/// <summary><c>storage</c>: <see cref="Provider"/> is "sqlite" or "postgresql"; <see cref="Path"/> is absolute.</summary>
public sealed record StorageSettings(string Provider, string Path, bool Fsync, string? PostgresConnectionString)
{
    /// <summary><c>storage.change-retention</c>: how long the directory's change feed keeps its rows.</summary>
    public TimeSpan ChangeRetention { get; init; } = TimeSpan.FromDays(1);

    /// <summary><c>storage.write-batch</c>: the most queued writes committed in one transaction (group commit).</summary>
    public int WriteBatch { get; init; } = 256;

    /// <summary><c>storage.readers</c>: threads that run reads (the reader pool); 0 in the file is one per core.</summary>
    public int Readers { get; init; } = AkkaImap.Storage.StoreOptions.DefaultReaders;

    /// <summary><c>storage.sqlite.folder-index-messages</c>: the least messages of a folder that keeps a copy of its message list (0: none).</summary>
    public int SqliteFolderIndexMessages { get; init; } = 1000;

    /// <summary><c>storage.sqlite.reader-cache</c>: the page cache of each reader connection, in bytes.</summary>
    public long SqliteReaderCache { get; init; } = 8L * 1024 * 1024;

    /// <summary><c>storage.sqlite.index-delay</c>: how long after an append its full-text index rows are written (zero: in the append).</summary>
    public TimeSpan SqliteIndexDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>storage.postgresql.pool-size</c>: the most connections one process opens to PostgreSQL.</summary>
    public int PostgresPoolSize { get; init; } = 20;

    /// <summary><c>storage.postgresql.writers</c>: group-committing writers, a connection each.</summary>
    public int PostgresWriters { get; init; } = 4;

    /// <summary><c>storage.postgresql.index-delay</c>: how long after an append its full-text index row is written (zero: in the append).</summary>
    public TimeSpan PostgresIndexDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// <c>search.full-text-index</c>, as the store needs it: off, appends write no index rows
    /// (the same value as <see cref="ImapSettings.FullTextIndex"/>).
    /// </summary>
    public bool FullTextIndex { get; init; } = true;
}

/// <summary><c>auth</c>: SASL mechanisms, where plaintext login is allowed, failure delays and lockout.</summary>
public sealed record AuthSettings(
    bool Plain,
    bool Login,
    bool CramMd5,
    bool Ntlm,
    bool ScramSha256,
    IReadOnlyList<IPNetwork> TrustedNetworks,
    TimeSpan FailureDelay,
    TimeSpan FailureDelayMax,
    LockoutSettings Lockout)
{
    /// <summary><c>auth.cache.size</c>: password logins remembered (<see cref="Sessions.LoginCache"/>); 0 turns the cache off.</summary>
    public int CacheSize { get; init; } = 10_000;

    /// <summary><c>auth.cache.ttl</c>: how long a remembered login answers (while the directory does not change).</summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>
/// <c>proxy-protocol</c>: a connection from a peer in <see cref="TrustedNetworks"/> must start with a
/// HAProxy PROXY header (v1 or v2), whose client address then stands for the peer's everywhere
/// (Dovecot's <c>haproxy_trusted_networks</c>). Empty: no peer may send one.
/// </summary>
public sealed record ProxyProtocolSettings(IReadOnlyList<IPNetwork> TrustedNetworks)
{
    public static ProxyProtocolSettings None { get; } = new([]);
}

/// <summary><c>auth.lockout</c>: <see cref="Failures"/> within <see cref="Window"/> locks an account for <see cref="Duration"/>.</summary>
public sealed record LockoutSettings(int Failures, TimeSpan Window, TimeSpan Duration);

/// <summary>
/// <c>limits</c>: caps on client input in bytes (MaxLiteral is advertised as APPENDLIMIT, RFC 7889),
/// and on answers waiting for a client that does not read (<see cref="MaxUnsentOutput"/>).
/// </summary>
public sealed record LimitSettings(int MaxLine, long MaxLiteral, int MaxBadCommands, long MaxUnsentOutput = 1024 * 1024)
{
    /// <summary>
    /// <c>limits.max-unsent-output-total</c>: answers waiting for clients on this node, all sessions
    /// together; a session that pushes the total over it while its own output is backed up is closed.
    /// </summary>
    public long MaxUnsentOutputTotal { get; init; } = 256L * 1024 * 1024;

    /// <summary><c>limits.owner-reply-timeout</c>: how long a session waits for its account or public-folder owner to answer a command.</summary>
    public TimeSpan OwnerReplyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary><c>limits.worker-timeout</c>: how long a command waits for the worker pool (MIME, FETCH bodies, SEARCH).</summary>
    public TimeSpan WorkerTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary><c>limits.listen-backlog</c>: connections the kernel queues for each listener before it accepts them.</summary>
    public int ListenBacklog { get; init; } = 1024;

    /// <summary><c>limits.max-folders</c>: the most folders of one mailbox, or of one post office's public folders.</summary>
    public int MaxFolders { get; init; } = 1000;

    /// <summary><c>limits.command-timeout</c>: how long one command line (with its literals) may take to arrive.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary><c>limits.close-timeout</c>: how long a connection the server ends may take to hand its last output to the client before it is dropped.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// <c>cache</c>: how long an account's state stays loaded without a selected folder, and how many
/// messages of folders no session has selected each account keeps loaded for the next SELECT.
/// </summary>
public sealed record CacheSettings(TimeSpan AccountIdle, int UnselectedMessages);

/// <summary><c>lmtp</c>: the RFC 2033 delivery listener and the caps on one LMTP client's input.</summary>
public sealed record LmtpSettings(bool Enabled, IReadOnlyList<string> Bind, int Port)
{
    /// <summary><c>lmtp.max-connections</c>: LMTP connections open at once; more are refused with 421.</summary>
    public int MaxConnections { get; init; } = 100;

    /// <summary><c>lmtp.max-line</c>: the longest command line in bytes (message lines are bounded only by the message size).</summary>
    public int MaxLine { get; init; } = 4 * 1024;

    /// <summary><c>lmtp.max-recipients</c>: accepted recipients per transaction; more get 452 4.5.3 and are sent again later.</summary>
    public int MaxRecipients { get; init; } = 100;

    /// <summary><c>lmtp.command-timeout</c>: the longest wait for the next command (RFC 5321 §4.5.3.2.7: 5 minutes).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary><c>lmtp.data-timeout</c>: the longest a message may take to arrive after 354 (RFC 5321 §4.5.3.2.6: 10 minutes).</summary>
    public TimeSpan DataTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary><c>lmtp.quota-temporary</c>: a mailbox over quota answers 452 4.2.2 (the MTA retries) instead of 552 5.2.2 (it bounces).</summary>
    public bool QuotaTemporary { get; init; }

    /// <summary><c>lmtp.recipient-delimiter</c>: <c>user+detail</c> delivers into folder <c>detail</c> when it exists; "" for none.</summary>
    public string RecipientDelimiter { get; init; } = "+";
}

/// <summary>
/// <c>telemetry</c>: the port (null: off) and address of the HTTP endpoint that serves Prometheus
/// <c>/metrics</c>, <c>/health/live</c> and <c>/health/ready</c>; where traces go over OTLP (null:
/// no traces), by which protocol (<c>grpc</c> or <c>http/protobuf</c>) and which share of commands
/// is traced.
/// </summary>
public sealed record TelemetrySettings(
    int? PrometheusPort,
    string PrometheusBind = "127.0.0.1",
    Uri? OtlpEndpoint = null,
    string OtlpProtocol = "grpc",
    double SampleRatio = 1);

/// <summary><c>shutdown</c>: on SIGTERM, how long sessions get to say BYE and finish before the actors stop.</summary>
public sealed record ShutdownSettings(TimeSpan DrainTimeout);

/// <summary>The form of the log on stdout: <c>text</c> (one readable line each) or <c>json</c> (one JSON object per line).</summary>
public enum LogFormat
{
    Text,
    Json,
}

/// <summary>The lowest level written to the log (<c>logging.level</c>).</summary>
public enum LogLevelSetting
{
    Debug,
    Info,
    Warning,
    Error,
}

/// <summary><c>logging</c>: the log's form and its lowest level.</summary>
public sealed record LoggingSettings(LogFormat Format, LogLevelSetting Level)
{
    public static LoggingSettings Default { get; } = new(LogFormat.Text, LogLevelSetting.Info);
}
