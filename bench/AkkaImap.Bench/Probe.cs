using System.Diagnostics;

namespace AkkaImap.Bench;

/// <summary><c>--probe 'CMD {pid}'</c>: a shell command run against the server at a chosen moment (its output passes through).</summary>
public static class Probe
{
    public static async Task RunAsync(string command, IReadOnlyList<string> pids, CancellationToken ct)
    {
        var start = new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command.Replace("{pid}", string.Join(',', pids), StringComparison.Ordinal) } };
        using var process = Process.Start(start) ?? throw new IOException("cannot start the probe: " + command);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            Console.Error.WriteLine($"probe exited with {process.ExitCode}: {command}");
        }
    }
}
