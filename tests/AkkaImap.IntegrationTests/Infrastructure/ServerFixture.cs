using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AkkaImap.IntegrationTests.Cli;
using MailKit.Net.Imap;
using MailKit.Security;
using Xunit;

namespace AkkaImap.IntegrationTests.Infrastructure;

/// <summary>
/// One real <c>akkaimap serve</c> process per test class, on free loopback ports: a plain
/// (STARTTLS) port and an implicit-TLS alternate port, a scratch data folder, post office
/// <c>example.com</c> with mailboxes made through the CLI. Subclasses add settings or users.
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly StringBuilder _output = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _lineWaiters = [];
    private readonly List<string> _lines = [];
    private Process? _process;

    public ServerFixture()
    {
        Folder = Directory.CreateTempSubdirectory("akkaimap-it-").FullName;
        Port = FreePort();
        TlsPort = FreePort();
    }

    public string Folder { get; }

    public int Port { get; }

    public int TlsPort { get; }

    public string ConfigFile => Path.Combine(Folder, "akkaimap.conf");

    public string DataPath => Path.Combine(Folder, "data");

    public const string PostOffice = "example.com";

    /// <summary>The mailboxes made before the server starts: login → password.</summary>
    public virtual IReadOnlyDictionary<string, string> Users { get; } = new Dictionary<string, string>
    {
        ["alice@example.com"] = "alice-Secret-1",
        ["bob@example.com"] = "bob-Secret-2",
    };

    /// <summary>Extra HOCON inside <c>akka-imap { }</c> for this class's server.</summary>
    protected virtual string ExtraSettings => string.Empty;

    /// <summary>Extra top-level HOCON (akka.* keys) for this class's server.</summary>
    protected virtual string ExtraAkkaSettings => string.Empty;

    /// <summary>Whether <see cref="InitializeAsync"/> makes the post office and <see cref="Users"/> (off for a store another fixture provisioned).</summary>
    protected virtual bool Provisions => true;

    /// <summary>The umask the server and its admin commands run under (as "022"); null: the test runner's.</summary>
    protected virtual string? Umask => null;

    /// <summary>The process id of the running <c>akkaimap serve</c> (to look at it in /proc).</summary>
    public int ProcessId => _process is { HasExited: false } process
        ? process.Id
        : throw new InvalidOperationException("akkaimap serve is not running");

    /// <summary>What the server printed so far (for assertion messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public virtual async Task InitializeAsync()
    {
        await PrepareAsync();
        await StartAsync();
    }

    /// <summary>
    /// Writes the configuration file and, when <see cref="Provisions"/>, makes the post office and
    /// <see cref="Users"/>; starts nothing (<see cref="InitializeAsync"/> then starts the server).
    /// </summary>
    public async Task PrepareAsync()
    {
        File.WriteAllText(ConfigFile, $$"""
            akka-imap {
              port = {{Port}}
              bind = ["127.0.0.1"]
              alternate-port { enabled = on, port = {{TlsPort}}, ssl = on }
              storage { path = data, fsync = on }
              idle-timeout = 5m
              auth { failure-delay = 100ms, failure-delay-max = 200ms }
              {{ExtraSettings}}
            }
            # Every message that crosses the owner region is serialized, as between nodes.
            akka.actor.serialize-messages = on
            {{ExtraAkkaSettings}}
            """);
        if (Provisions)
        {
            await CliAsync(string.Empty, "postoffice", "add", PostOffice, "--public-folders");
            foreach (var (login, password) in Users)
            {
                await CliAsync(password + "\n", "mailbox", "add", login, "--password-stdin");
            }
        }
    }

    /// <summary>Runs an admin command against this server's store; fails the test on a non-zero exit.</summary>
    public async Task<CliResult> CliAsync(string stdin, params string[] args)
    {
        var result = await AkkaImapExecutable.RunWithUmaskAsync(stdin, Umask, [.. args, "--config", ConfigFile]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"akkaimap {string.Join(' ', args)} failed: {result}");
        }

        return result;
    }

    /// <summary>Starts <c>akkaimap serve</c> and returns once it says it listens (within <paramref name="timeout"/>, by default 60 s).</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        var process = Process.Start(AkkaImapExecutable.StartInfoWithUmask(Umask, "serve", "--config", ConfigFile))
            ?? throw new InvalidOperationException("dotnet did not start");
        process.StandardInput.Close();
        _process = process;
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => OnLine(e.Data, listening);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, listening);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("akkaimap serve exited: " + Output));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await listening.Task.WaitAsync(timeout ?? StartTimeout);
    }

    /// <summary>
    /// The first line the server printed (or prints from now on) that <paramref name="match"/> accepts.
    /// Its log is written asynchronously, so a test waits for a line rather than reading at once;
    /// bounded, so a line that never comes fails the test with what was printed.
    /// </summary>
    /// <param name="after">Lines printed before this count (<see cref="LineCount"/> taken earlier) are not looked at.</param>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, int after = 0)
    {
        TaskCompletionSource<string> seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            if (_lines.Skip(after).FirstOrDefault(match) is { } line)
            {
                return line;
            }

            _lineWaiters.Add((match, seen));
        }

        try
        {
            return await seen.Task.WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the server never printed {what}; it printed:\n{Output}");
        }
    }

    /// <summary>How many lines the server has printed so far (across restarts).</summary>
    public int LineCount
    {
        get
        {
            lock (_output)
            {
                return _lines.Count;
            }
        }
    }

    /// <summary>Sends <paramref name="signal"/> (TERM, INT, ...) to <c>akkaimap serve</c> and returns at once.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, ProcessId.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits (bounded) for the process to end by itself, after a signal; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        var process = _process ?? throw new InvalidOperationException("akkaimap serve was not started");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"akkaimap serve did not exit within 60 s; it printed:\n{Output}");
        }

        return process.ExitCode;
    }

    /// <summary>SIGKILL: no chance to flush anything that was not already durable.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, as systemd or Ctrl-C stops it; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return _process?.ExitCode ?? 0;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("akkaimap serve did not stop within 30 s of SIGTERM");
        }

        return process.ExitCode;
    }

    /// <summary>A MailKit client connected to the plain port (no TLS) and, unless told otherwise, logged in.</summary>
    public async Task<ImapClient> ConnectAsync(string? login = "alice@example.com", CancellationToken ct = default)
    {
        var client = new ImapClient { Timeout = 30_000 };
        await client.ConnectAsync("127.0.0.1", Port, SecureSocketOptions.None, ct);
        if (login is not null)
        {
            await client.AuthenticateAsync(login, Users[login], ct);
        }

        return client;
    }

    /// <summary>A MailKit client over implicit TLS on the alternate port, trusting the self-signed certificate.</summary>
    public async Task<ImapClient> ConnectTlsAsync(string? login = "alice@example.com", CancellationToken ct = default)
    {
        var client = new ImapClient { Timeout = 30_000, ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", TlsPort, SecureSocketOptions.SslOnConnect, ct);
        if (login is not null)
        {
            await client.AuthenticateAsync(login, Users[login], ct);
        }

        return client;
    }

    public virtual async Task DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (TimeoutException)
        {
            // Killed; nothing more to do for a fixture being torn down.
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process: the temp folder is cleaned by the OS.
        }
    }

    private void OnLine(string? line, TaskCompletionSource listening)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            _lines.Add(line);
            for (var i = _lineWaiters.Count - 1; i >= 0; i--)
            {
                if (_lineWaiters[i].Match(line))
                {
                    _lineWaiters[i].Seen.TrySetResult(line);
                    _lineWaiters.RemoveAt(i);
                }
            }
        }

        if (line.Contains("AkkaImap listening on", StringComparison.Ordinal))
        {
            listening.TrySetResult();
        }
    }

    /// <summary>A loopback port for a server started later (<see cref="AkkaImap.Tests.Shared.FreePorts"/>).</summary>
    public static int FreePort() => AkkaImap.Tests.Shared.FreePorts.Next();
}
