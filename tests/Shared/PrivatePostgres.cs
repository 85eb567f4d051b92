using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AkkaImap.Tests.Postgres;

/// <summary>
/// A private PostgreSQL for one test class or collection, from Debian's <c>postgresql</c> package
/// (binaries in /usr/lib/postgresql/VERSION/bin): <c>initdb</c> into a scratch folder, a free
/// loopback port, its unix socket inside the scratch folder, a random password. PostgreSQL refuses
/// to run as root, so under root it runs as the system user <see cref="SystemUser"/> (created here
/// when missing; <c>.ci/run</c> creates it too). Stopped (immediate) and removed on dispose.
/// Durability is off (<c>fsync = off</c>): the tests kill AkkaImap, never this server.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    public const string SystemUser = "akkaimap-test";
    private const string Superuser = "postgres";

    private readonly string _bin;
    private readonly string _password = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
    private bool _started;

    private PrivatePostgres(string bin, string folder)
    {
        _bin = bin;
        Folder = folder;
    }

    /// <summary>The scratch folder: data/ (the cluster), the socket, the log.</summary>
    public string Folder { get; }
    public string DataFolder => Path.Combine(Folder, "data");
    public int Port { get; private set; }

    /// <summary>initdb, then start on a free port (a few tries: another process may take the port first).</summary>
    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = FindBinaries();
        var folder = Directory.CreateTempSubdirectory("akkaimap-pg-").FullName;
        var pg = new PrivatePostgres(bin, folder);
        try
        {
            await pg.InitAsync();
            return pg;
        }
        catch
        {
            await pg.DisposeAsync();
            throw;
        }
    }

    /// <summary>The connection string of a new, empty database (one per test: stores never share rows).</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "t" + Guid.NewGuid().ToString("N");
        await using (var c = new NpgsqlConnection(ConnectionString(Superuser)))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", c);
            await cmd.ExecuteNonQueryAsync();
        }
        return ConnectionString(name);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, whoever is still connected.</summary>
    public async Task DropDatabaseAsync(string name)
    {
        await using var c = new NpgsqlConnection(ConnectionString(Superuser));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", c);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>A connection string to <paramref name="database"/> over loopback TCP, with the password.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = Superuser, Password = _password, Database = database,
        // Each test opens stores of its own: no pool outlives them.
        Pooling = true, MaxPoolSize = 10,
    }.ConnectionString;

    /// <summary>Flushes every dirty page to the files (so a test can look inside them).</summary>
    public async Task CheckpointAsync()
    {
        await using var c = new NpgsqlConnection(ConnectionString(Superuser));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("CHECKPOINT", c);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The files holding one database's tables and the write-ahead log.</summary>
    public async Task<IReadOnlyList<string>> DatabaseFilesAsync(string database)
    {
        await CheckpointAsync();
        await using var c = new NpgsqlConnection(ConnectionString(Superuser));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT oid FROM pg_database WHERE datname = @n", c);
        cmd.Parameters.AddWithValue("n", database);
        var oid = Convert.ToString(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        return [.. Directory.EnumerateFiles(Path.Combine(DataFolder, "base", oid!)), .. Directory.EnumerateFiles(Path.Combine(DataFolder, "pg_wal"))];
    }

    private async Task InitAsync()
    {
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await EnsureSystemUserAsync();
        }
        var passwordFile = Path.Combine(Folder, "password");
        await File.WriteAllTextAsync(passwordFile, _password + "\n");
        if (asRoot)
        {
            await RunAsync("chown", ["-R", SystemUser, Folder]);
        }
        await RunAsPostgresAsync(Path.Combine(_bin, "initdb"),
            ["-D", DataFolder, "-U", Superuser, "--pwfile", passwordFile, "--auth", "scram-sha-256", "-E", "UTF8", "--locale", "C", "--no-sync"]);
        File.Delete(passwordFile);

        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            // Loopback TCP only; the unix socket stays in the private scratch folder.
            var options = string.Join(' ',
                $"-p {Port}", $"-k {Folder}", "-c listen_addresses=127.0.0.1", "-c fsync=off", "-c full_page_writes=off",
                "-c max_connections=200", "-c shared_buffers=32MB", "-c deadlock_timeout=100ms");
            var result = await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"),
                ["-D", DataFolder, "-o", options, "-l", Path.Combine(Folder, "postgres.log"), "-w", "-t", "60", "start"], check: false);
            if (result.ExitCode == 0)
            {
                _started = true;
                return;
            }
            if (attempt == 3)
            {
                var log = File.Exists(Path.Combine(Folder, "postgres.log")) ? await File.ReadAllTextAsync(Path.Combine(Folder, "postgres.log")) : "";
                throw new InvalidOperationException($"PostgreSQL did not start: {result.Output}\n{log}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            _started = false;
            await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"], check: false);
        }
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { /* best effort: a temp folder */ }
    }

    private static string FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException("PostgreSQL is not installed: apt-get install postgresql (.ci/run does)");
    }

    private static async Task EnsureSystemUserAsync()
    {
        if ((await RunAsync("id", ["-u", SystemUser], check: false)).ExitCode == 0) return;
        var created = await RunAsync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SystemUser], check: false);
        // Two fixtures may create it at once: the loser finds it there.
        if (created.ExitCode != 0 && (await RunAsync("id", ["-u", SystemUser], check: false)).ExitCode != 0)
            throw new InvalidOperationException($"cannot create the system user {SystemUser}: {created.Output}");
    }

    private static Task<(int ExitCode, string Output)> RunAsPostgresAsync(string file, IReadOnlyList<string> args, bool check = true) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", SystemUser, "--", file, .. args], check)
            : RunAsync(file, args, check);

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, IReadOnlyList<string> args, bool check = true)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var output = (await stdout) + (await stderr);
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {output}");
        return (process.ExitCode, output);
    }

    private static int FreePort() => AkkaImap.Tests.Shared.FreePorts.Next();
}
