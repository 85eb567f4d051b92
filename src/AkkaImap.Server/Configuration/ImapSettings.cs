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

    /// <summary><c>storage.readers</c>: threads that run reads (the reader pool).</summary>
    public int Readers { get; init; } = 4;
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
    LockoutSettings Lockout);

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
}

/// <summary>
/// <c>cache</c>: how long an account's state stays loaded without a selected folder, and how many
/// messages of folders no session has selected each account keeps loaded for the next SELECT.
/// </summary>
public sealed record CacheSettings(TimeSpan AccountIdle, int UnselectedMessages);

/// <summary><c>lmtp</c>: the RFC 2033 delivery listener (not available yet: <see cref="Enabled"/> on is refused).</summary>
public sealed record LmtpSettings(bool Enabled, IReadOnlyList<string> Bind, int Port);

/// <summary><c>telemetry</c>: the Prometheus <c>/metrics</c> port; null when off (a port is refused until the endpoint exists).</summary>
public sealed record TelemetrySettings(int? PrometheusPort);

/// <summary><c>shutdown</c>: on SIGTERM, how long sessions get to say BYE and finish before the actors stop.</summary>
public sealed record ShutdownSettings(TimeSpan DrainTimeout);
