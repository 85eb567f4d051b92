using System.Globalization;

namespace AkkaImap.IntegrationTests.Memory;

/// <summary>
/// The server's memory as the kernel counts it (<c>/proc/PID/status</c>): resident now (VmRSS) and
/// the peak (VmHWM), which <see cref="ResetPeak"/> sets back to the current size
/// (<c>/proc/PID/clear_refs</c>, Linux 4.0+), so a test reads the peak of one phase only.
/// </summary>
public static class ProcessMemory
{
    private const long MiB = 1024 * 1024;

    public static long Resident(int pid) => Read(pid, "VmRSS");

    /// <summary>
    /// The resident memory that is the process's own (RssAnon): VmRSS without the pages of files it
    /// maps, such as the store's database, which SQLite reads through mmap. Those are the kernel's
    /// page cache, shared and dropped under pressure; what a test asks to be given back is the heap.
    /// </summary>
    public static long Anonymous(int pid) => Read(pid, "RssAnon");

    public static long Peak(int pid) => Read(pid, "VmHWM");

    public static void ResetPeak(int pid) => File.WriteAllText($"/proc/{pid}/clear_refs", "5");

    /// <summary>
    /// Polls the resident size until it has not moved by more than 1 MiB for <paramref name="steady"/>
    /// samples a quarter of a second apart (or <paramref name="bound"/> has passed): the server has
    /// done what it was given. Returns the last size.
    /// </summary>
    public static async Task<long> SettledAsync(int pid, TimeSpan bound, int steady = 12)
    {
        var end = DateTime.UtcNow + bound;
        long last = Resident(pid);
        int still = 0;
        while (DateTime.UtcNow < end && still < steady)
        {
            await Task.Delay(250);
            long now = Resident(pid);
            still = Math.Abs(now - last) <= MiB ? still + 1 : 0;
            last = now;
        }

        return last;
    }

    /// <summary>Polls until the anonymous resident size is at or below <paramref name="target"/> (or <paramref name="bound"/> has passed); returns the last size.</summary>
    public static async Task<long> AnonymousFallsToAsync(int pid, long target, TimeSpan bound)
    {
        var end = DateTime.UtcNow + bound;
        long now = Anonymous(pid);
        while (now > target && DateTime.UtcNow < end)
        {
            await Task.Delay(500);
            now = Anonymous(pid);
        }

        return now;
    }

    public static string Mb(long bytes) => (bytes / (double)MiB).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

    private static long Read(int pid, string key)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
            {
                // "VmRSS:     123456 kB"
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no {key}");
    }
}
