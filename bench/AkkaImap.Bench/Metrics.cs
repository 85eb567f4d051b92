using System.Text.Json;

namespace AkkaImap.Bench;

/// <summary>One measured figure; <see cref="HigherIsBetter"/> tells the report which way the ratio reads.</summary>
public sealed record Metric(string Name, string Unit, double Value, bool HigherIsBetter);

/// <summary>The figures of one server, kept in a JSON file that each scenario appends to.</summary>
public static class MetricsFile
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static List<Metric> Read(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<List<Metric>>(File.ReadAllText(path), Json) ?? [] : [];

    public static void Append(string? path, IEnumerable<Metric> metrics)
    {
        var list = metrics.ToList();
        foreach (var m in list)
        {
            Console.WriteLine($"  {m.Name,-48} {m.Value,12:0.###} {m.Unit}");
        }

        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        var all = Read(path);
        all.RemoveAll(old => list.Any(m => m.Name == old.Name));
        all.AddRange(list);
        File.WriteAllText(path, JsonSerializer.Serialize(all, Json));
    }
}

/// <summary>Latency samples per command name, merged from many clients.</summary>
public sealed class Latencies
{
    private readonly Dictionary<string, List<double>> _samples = new(StringComparer.Ordinal);

    public void Add(string command, double ms)
    {
        if (!_samples.TryGetValue(command, out var list))
        {
            _samples[command] = list = [];
        }

        list.Add(ms);
    }

    public void Merge(Latencies other)
    {
        foreach (var (command, list) in other._samples)
        {
            foreach (var ms in list)
            {
                Add(command, ms);
            }
        }
    }

    public IEnumerable<string> Commands => _samples.Keys.Order(StringComparer.Ordinal);

    public int Count(string command) => _samples.TryGetValue(command, out var l) ? l.Count : 0;

    public int Total => _samples.Values.Sum(l => l.Count);

    public double Percentile(string command, double p) => Percentile(_samples.TryGetValue(command, out var l) ? l : [], p);

    public double PercentileAll(double p) => Percentile(_samples.Values.SelectMany(l => l).ToList(), p);

    public static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
