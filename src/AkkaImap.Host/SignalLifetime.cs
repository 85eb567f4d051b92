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
internal sealed class SignalLifetime(IHostApplicationLifetime lifetime, StopSignals signals) : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        signals.StopWith(lifetime.StopApplication);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// SIGTERM, SIGINT and SIGQUIT for the whole of <c>serve</c>, registered at its first line: the
/// first signal stops, a second exits at once with 128 + the signal's number. Until the host starts
/// (opening the store, the telemetry endpoint, building the host) stopping cancels the start-up,
/// where the runtime's default would have ended the process with 143; from then on it stops the
/// host (<see cref="SignalLifetime"/>).
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly ILogger _log;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Lock _gate = new();
    private Action _stop;
    private int _signals;

    public StopSignals(ILogger log, Action stop)
    {
        (_log, _stop) = (log, stop);
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }
    }

    /// <summary>What the first signal does from now on; when it came already, this runs now too.</summary>
    public void StopWith(Action stop)
    {
        lock (_gate)
        {
            _stop = stop;
            if (_signals == 0) return;
        }
        stop();
    }

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
        Action stop;
        lock (_gate)
        {
            if (++_signals > 1)
            {
                _log.LogWarning("Second {Signal} received: exiting at once, without waiting for running commands", name);
                ExitNow(128 + number);
                return;
            }
            stop = _stop;
        }
        _log.LogInformation("{Signal} received: stopping; send it again to exit at once", name);
        stop();
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
