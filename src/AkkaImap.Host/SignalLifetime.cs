using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaImap.Host;

/// <summary>
/// How <c>serve</c> stops (SPEC.md, Start and stop), in place of the Generic Host's ConsoleLifetime:
/// the first SIGTERM, SIGINT (Ctrl-C) or SIGQUIT stops the host, which drains (ImapServer.StopAsync
/// within <c>shutdown.drain-timeout</c>), closes the store and exits 0. A second one during that
/// exits at once with 128 + the signal's number, as a shell reports a process a signal ended:
/// whatever was acknowledged is on disk already, and the operator asked twice.
/// </summary>
internal sealed class SignalLifetime(IHostApplicationLifetime lifetime, ILoggerFactory loggers) : IHostLifetime, IDisposable
{
    private readonly ILogger _log = loggers.CreateLogger(HostLogging.Category);
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signals;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Not the runtime's default handling (which would run the process-exit hooks and wait for them).
        context.Cancel = true;
        var (name, number) = context.Signal switch
        {
            PosixSignal.SIGINT => ("SIGINT", 2),
            PosixSignal.SIGQUIT => ("SIGQUIT", 3),
            _ => ("SIGTERM", 15),
        };
        if (Interlocked.Increment(ref _signals) == 1)
        {
            _log.LogInformation("{Signal} received: stopping; send it again to exit at once", name);
            lifetime.StopApplication();
            return;
        }

        _log.LogWarning("Second {Signal} received: exiting at once, without waiting for running commands", name);
        ExitNow(128 + number);
    }

    /// <summary>Ends the process without running its exit hooks (which wait for the drain under way), once the log is written.</summary>
    private static void ExitNow(int code)
    {
        // Disposing the factory writes out the lines still queued.
        HostLogging.Current?.Dispose();
        Console.Out.Flush();
        if (OperatingSystem.IsWindows())
        {
            Environment.Exit(code);
        }

        Exit(code);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void Exit(int status);
}
