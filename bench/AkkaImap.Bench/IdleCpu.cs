using System.Globalization;

namespace AkkaImap.Bench;

/// <summary>
/// <c>idle-cpu</c>: the CPU a server uses with no connection at all, as a share of one core. After
/// <c>--settle</c> seconds (default 120: start-up work done, and .NET's tiered compilation too,
/// which keeps recompiling the code of periodic tasks for about two minutes after start because
/// a task ticking once a second reaches the 30 calls that promote a method only after 30 ticks;
/// measured on one AkkaImap server: 0.35% of a core 30-90 s after start, 0.18-0.27% after three
/// minutes, the JIT thread half of the first figure), utime+stime of its process tree is read from
/// /proc, again <c>--seconds</c> later, and the difference is divided by the wall time between
/// the two readings. A server that nobody uses should cost (almost) nothing: what it burns here it
/// burns all night on every machine it runs on.
/// </summary>
public static class IdleCpu
{
    public static async Task<int> RunAsync(Options o)
    {
        var sampler = o.Sampler;
        if (!sampler.Enabled)
        {
            Console.Error.WriteLine("idle-cpu needs --pid SERVER_PID");
            return 2;
        }

        var settle = TimeSpan.FromSeconds(o.Double("settle", 120));
        var span = TimeSpan.FromSeconds(o.Double("seconds", 60));
        var label = o.Get("label", "idle-cpu");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: settling {settle.TotalSeconds} s, then measuring {span.TotalSeconds} s with no connections"));
        await Task.Delay(settle);

        var before = sampler.Sample();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(span);
        var after = sampler.Sample();
        var seconds = clock.Elapsed.TotalSeconds;

        var cpu = after.CpuSeconds - before.CpuSeconds;
        MetricsFile.Append(o.Get("out", string.Empty),
            [new Metric($"{label}: CPU with no connections", "% of a core", 100 * cpu / seconds, HigherIsBetter: false)]);
        return 0;
    }
}
