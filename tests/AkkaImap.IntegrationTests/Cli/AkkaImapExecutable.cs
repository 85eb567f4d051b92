using System.Diagnostics;
using System.Reflection;

namespace AkkaImap.IntegrationTests.Cli;

/// <summary>What one run of the real <c>akkaimap</c> executable printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs the built akkaimap.dll (src/AkkaImap.Host/bin/&lt;Configuration&gt;/net10.0) with <c>dotnet</c>,
/// as an operator would. The project reference to the Host builds it before the tests.
/// </summary>
public static class AkkaImapExecutable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string DllPath { get; } = FindDll();

    public static ProcessStartInfo StartInfo(params string[] args) => StartInfoWithUmask(umask: null, args);

    /// <summary>
    /// As <see cref="StartInfo(string[])"/>; with <paramref name="umask"/> set, through <c>/bin/sh</c>
    /// that sets it and then execs dotnet (same pid), as a login shell or service manager would.
    /// </summary>
    public static ProcessStartInfo StartInfoWithUmask(string? umask, params string[] args)
    {
        var info = new ProcessStartInfo(umask is null ? "dotnet" : "/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (umask is not null)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add($"umask {umask} && exec dotnet \"$@\"");
            info.ArgumentList.Add("sh");
        }

        info.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        return info;
    }

    /// <summary>Runs to completion with <paramref name="stdin"/> written and closed.</summary>
    public static Task<CliResult> RunWithInputAsync(string stdin, params string[] args) => RunWithUmaskAsync(stdin, umask: null, args);

    /// <summary>As <see cref="RunWithInputAsync(string, string[])"/>, under <paramref name="umask"/> when set.</summary>
    public static async Task<CliResult> RunWithUmaskAsync(string stdin, string? umask, params string[] args)
    {
        using var process = Process.Start(StartInfoWithUmask(umask, args)) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"akkaimap {string.Join(' ', args)} did not finish within {Timeout}");
        }

        return new CliResult(process.ExitCode, (await stdout).ReplaceLineEndings("\n"), (await stderr).ReplaceLineEndings("\n"));
    }

    public static Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync(string.Empty, args);

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AkkaImap.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("AkkaImap.sln not found above " + AppContext.BaseDirectory);
    }

    private static string FindDll()
    {
        // The Host is built in the same configuration as this test assembly.
        var configuration = typeof(AkkaImapExecutable).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(RepositoryRoot, "src", "AkkaImap.Host", "bin", configuration, "net10.0", "akkaimap.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build the Host first: {path} is missing", path);
    }
}
