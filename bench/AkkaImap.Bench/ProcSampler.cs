using System.Globalization;

namespace AkkaImap.Bench;

/// <summary>CPU and memory of a server's whole process tree at one instant.</summary>
/// <param name="CpuSeconds">utime+stime of every live process plus cutime+cstime (children already reaped, e.g. finished Dovecot imap processes).</param>
/// <param name="RssBytes">Sum of resident set sizes (shared pages counted once per process).</param>
/// <param name="PssBytes">Sum of proportional set sizes (shared pages split between processes): fair for multi-process servers.</param>
public sealed record ProcSample(double CpuSeconds, long RssBytes, long PssBytes, int Processes);

/// <summary>Reads /proc (proc(5)) for the processes under the given root pids.</summary>
public sealed class ProcSampler(IReadOnlyList<int> roots)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public bool Enabled => roots.Count > 0;

    public ProcSample Sample()
    {
        if (!Enabled)
        {
            return new ProcSample(0, 0, 0, 0);
        }

        var stats = new Dictionary<int, (int Parent, double Cpu, long Rss)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ReadStat(pid) is { } stat)
            {
                stats[pid] = stat;
            }
        }

        var children = stats.ToLookup(kv => kv.Value.Parent, kv => kv.Key);
        var tree = new List<int>();
        var queue = new Queue<int>(roots.Where(stats.ContainsKey));
        while (queue.TryDequeue(out var pid))
        {
            tree.Add(pid);
            foreach (var child in children[pid])
            {
                queue.Enqueue(child);
            }
        }

        double cpu = 0;
        long rss = 0;
        long pss = 0;
        foreach (var pid in tree)
        {
            cpu += stats[pid].Cpu;
            rss += stats[pid].Rss;
            pss += ReadPss(pid) ?? stats[pid].Rss;
        }

        return new ProcSample(cpu, rss, pss, tree.Count);
    }

    private static (int Parent, double Cpu, long Rss)? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // The command name may hold spaces and parentheses: fields restart after the last ')'.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
                + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            var rssPages = long.Parse(fields[21], CultureInfo.InvariantCulture);
            return (parent, ticks / TicksPerSecond, rssPages * Environment.SystemPageSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null; // exited meanwhile
        }
    }

    private static long? ReadPss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                if (line.StartsWith("Pss:", StringComparison.Ordinal))
                {
                    var kb = line[4..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // Older kernel or process gone: fall back to RSS.
        }

        return null;
    }
}
