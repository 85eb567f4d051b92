using System.Globalization;
using System.Text;

namespace AkkaImap.Bench;

/// <summary>
/// <c>report</c>: puts the two servers' figures side by side (table on stdout, Markdown file, PNG
/// chart) and prints the machine-readable last line.
/// </summary>
public static class Report
{
    public static int Run(Options o)
    {
        // Each server's figures come from one or more runs (--akka a.json,b.json,c.json): the table
        // shows the median of each figure and its spread (lowest–highest) over the runs.
        var akkaRuns = Runs(o, "akka", "akkaimap.json");
        var dovecotRuns = Runs(o, "dovecot", "dovecot.json");
        var akka = Median(akkaRuns);
        var dovecot = Median(dovecotRuns).ToDictionary(m => m.Metric.Name, StringComparer.Ordinal);
        var rows = akka.Select(a => new Row(a.Metric.Name, a.Metric.Unit, a.Metric.Value, a.Spread, dovecot.TryGetValue(a.Metric.Name, out var d) ? d.Metric.Value : double.NaN, d.Spread ?? "", a.Metric.HigherIsBetter))
            .Concat(dovecot.Values.Where(d => akka.All(a => a.Metric.Name != d.Metric.Name)).Select(d => new Row(d.Metric.Name, d.Metric.Unit, double.NaN, "", d.Metric.Value, d.Spread, d.Metric.HigherIsBetter)))
            .ToList();

        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Median of {akkaRuns.Count} run(s) of AkkaImap and {dovecotRuns.Count} of Dovecot; spread = lowest–highest of the runs.");
        md.AppendLine();
        md.AppendLine("| figure | unit | AkkaImap | spread | Dovecot | spread | AkkaImap/Dovecot |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {r.Unit} | {Fmt(r.Akka)} | {r.AkkaSpread} | {Fmt(r.Dovecot)} | {r.DovecotSpread} | {Ratio(r.Akka, r.Dovecot)} |");
        }

        var table = Targets(rows) + "\n## All figures\n\n" + md;
        Console.WriteLine(table);
        var mdPath = o.Get("md", string.Empty);
        if (mdPath.Length > 0)
        {
            // The other benchmarks' sections follow this table in the same file, from the first
            // "<!-- other benchmarks" marker on: they are kept as they are.
            const string Others = "<!-- other benchmarks";
            var kept = File.Exists(mdPath) && File.ReadAllText(mdPath) is var old && old.IndexOf(Others, StringComparison.Ordinal) is var at and >= 0
                ? "\n" + old[at..]
                : string.Empty;
            File.WriteAllText(mdPath, o.Get("title", "# AkkaImap vs Dovecot") + "\n\n" + o.Get("preface", string.Empty) + "\n\n" + table + kept);
        }

        var pngPath = o.Get("png", string.Empty);
        if (pngPath.Length > 0)
        {
            Chart(rows.Where(r => IsKey(r.Name) && double.IsFinite(r.Akka) && double.IsFinite(r.Dovecot) && r.Akka > 0 && r.Dovecot > 0)
                .Select(r => (r.Name, Advantage: r.HigherIsBetter ? r.Akka / r.Dovecot : r.Dovecot / r.Akka)).ToList(), pngPath);
        }

        Row? Exact(string name) => rows.FirstOrDefault(r => r.Name == name);
        double Find(string suffix, bool ofAkka) =>
            rows.FirstOrDefault(r => r.Name.EndsWith(suffix, StringComparison.Ordinal)) is { } row ? (ofAkka ? row.Akka : row.Dovecot) : double.NaN;
        double CpuRatio(string label) => Exact($"{label}: commands per server CPU-s") is { } row ? row.Akka / row.Dovecot : double.NaN;

        // The worst p50 ratio over the commands of the no-LOGIN mixed load (at its lowest client count).
        var nologinLabel = rows.Select(r => r.Name.Split(':')[0]).FirstOrDefault(l => l.StartsWith("mixed-nologin-", StringComparison.Ordinal)) ?? "mixed-nologin-50";
        var p50Worst = rows.Where(r => r.Name.StartsWith(nologinLabel + ": ", StringComparison.Ordinal) && r.Name.EndsWith(" p50", StringComparison.Ordinal)
                                       && !r.Name.EndsWith("latency p50 all", StringComparison.Ordinal) && double.IsFinite(r.Akka) && double.IsFinite(r.Dovecot) && r.Dovecot > 0)
            .Select(r => r.Akka / r.Dovecot).DefaultIfEmpty(double.NaN).Max();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mixed-ratio={CpuRatio("mixed-50"):0.00} mixed-nologin-ratio={CpuRatio(nologinLabel):0.00} mixed-tls-ratio={CpuRatio("mixed-tls-50"):0.00} p50-worst-ratio={p50Worst:0.00} idle-kb-per-conn={Find("memory per connection (PSS delta)", true):0.0} idle-p99-ms={Find("EXISTS heard p99", true):0.0} select-100k-ms={Find(": SELECT (first)", true):0.0} fetch-flags-100k-ms={Find(": FETCH 1:* (UID FLAGS)", true):0.0} idle-cpu-pct={Find(": CPU with no connections", true):0.00} search-body-100k-ms={Find(": SEARCH BODY", true):0.0} mixed-starttls-ratio={CpuRatio("mixed-starttls-50"):0.00}"));
        return 0;
    }

    private sealed record Row(string Name, string Unit, double Akka, string AkkaSpread, double Dovecot, string DovecotSpread, bool HigherIsBetter);

    private static List<List<Metric>> Runs(Options o, string name, string fallback) =>
        o.All(name).DefaultIfEmpty(fallback).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries)).Select(MetricsFile.Read).Where(r => r.Count > 0).ToList();

    /// <summary>Per figure name (in first-seen order): the median over the runs that have it, and "low–high".</summary>
    private static List<(Metric Metric, string Spread)> Median(List<List<Metric>> runs)
    {
        var names = runs.SelectMany(r => r).Select(m => m.Name).Distinct(StringComparer.Ordinal).ToList();
        var result = new List<(Metric, string)>();
        foreach (var name in names)
        {
            var found = runs.Select(r => r.FirstOrDefault(m => m.Name == name)).Where(m => m is not null).Select(m => m!).ToList();
            var values = found.Select(m => m.Value).Where(double.IsFinite).Order().ToList();
            var median = values.Count == 0 ? double.NaN : values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
            var spread = values.Count > 1 ? $"{Fmt(values[0])}–{Fmt(values[^1])}" : "";
            result.Add((found[0] with { Value = median }, spread));
        }

        return result;
    }

    /// <summary>
    /// The targets of issue 17 (medians of the runs): which rows each is about (label prefix and
    /// figure; a figure ending in " p50"/" p99" matches every command's), how it reads, its unit, and the test.
    /// </summary>
    private static readonly (string Label, string Figure, string Text, string Unit, Func<double, double, bool> Met)[] IssueTargets =
    [
        ("mixed-nologin-", "commands per server CPU-s", "≥ 2× Dovecot's commands per server CPU-second", "/CPU-s", (a, d) => a >= 2 * d),
        ("mixed-nologin-", " p50", "p50 at or below Dovecot's", "ms", (a, d) => a <= d),
        ("mixed-nologin-", " p99", "p99 at or below Dovecot's", "ms", (a, d) => a <= d),
        ("mixed-", "commands per server CPU-s", "≥ 1.5× Dovecot's commands per server CPU-second", "/CPU-s", (a, d) => a >= 1.5 * d),
        ("idle-", "memory per connection (PSS delta)", "under 15 KB per connection (PSS)", "KB", (a, _) => a < 15),
        ("idle-", "EXISTS heard p99", "EXISTS heard by 99% within 50 ms", "ms", (a, _) => a < 50),
        ("large-", "SELECT (first)", "first SELECT under 50 ms", "ms", (a, _) => a < 50),
        ("large-", "FETCH 1:* (UID FLAGS)", "FETCH 1:* (UID FLAGS) under 40 ms", "ms", (a, _) => a < 40),
        ("large-", "UID FETCH last 500 headers", "UID FETCH of the last 500 headers under 10 ms", "ms", (a, _) => a < 10),
        ("idle-cpu", "CPU with no connections", "idle server (no connections) under 0.5% of a core", "%", (a, _) => a < 0.5),
    ];

    /// <summary>The targets, each checked against this run's figures.</summary>
    private static string Targets(List<Row> rows)
    {
        var md = new StringBuilder();
        md.AppendLine("## Targets");
        md.AppendLine();
        md.AppendLine("| target | AkkaImap | Dovecot | met? |");
        md.AppendLine("| --- | ---: | ---: | --- |");
        foreach (var r in rows)
        {
            var label = r.Name.Split(':')[0];
            var figure = r.Name[(label.Length + 1)..].Trim();
            var t = IssueTargets.FirstOrDefault(t => label.StartsWith(t.Label, StringComparison.Ordinal)
                && (t.Figure.StartsWith(' ') ? figure.EndsWith(t.Figure, StringComparison.Ordinal) && !figure.StartsWith("latency", StringComparison.Ordinal) : t.Figure == figure));
            if (t.Text is null)
            {
                continue;
            }

            var text = t.Unit == "/CPU-s" ? $"{t.Text} ({Ratio(r.Akka, r.Dovecot)})" : t.Figure.StartsWith(' ') ? $"{figure}: {t.Text}" : t.Text;
            var met = !double.IsFinite(r.Akka) ? "–" : t.Met(r.Akka, r.Dovecot) ? "yes" : "**no**";
            md.AppendLine(CultureInfo.InvariantCulture, $"| {label}: {text} | {Fmt(r.Akka)} {t.Unit} | {Fmt(r.Dovecot)} {t.Unit} | {met} |");
        }

        return md.ToString();
    }

    // The figures the targets of issue 7 are about, plus the main large-folder timings.
    private static bool IsKey(string name) =>
        name.EndsWith("commands per server CPU-s", StringComparison.Ordinal) || name.EndsWith("latency p99 all", StringComparison.Ordinal) || name.EndsWith("latency p50 all", StringComparison.Ordinal)
        || name.EndsWith("memory per connection (PSS delta)", StringComparison.Ordinal) || name.EndsWith("EXISTS heard p99", StringComparison.Ordinal)
        || (name.StartsWith("large", StringComparison.Ordinal) && !name.Contains("fill", StringComparison.Ordinal));

    private static void Chart(List<(string Name, double Advantage)> bars, string path)
    {
        var plot = new ScottPlot.Plot();
        var positions = Enumerable.Range(0, bars.Count).Select(i => (double)i).ToArray();
        var barPlot = plot.Add.Bars(positions, bars.Select(b => Math.Log2(b.Advantage)).ToArray());
        barPlot.Horizontal = true;
        plot.Axes.Left.SetTicks(positions, bars.Select(b => b.Name).ToArray());
        plot.Add.VerticalLine(0);
        plot.Title("AkkaImap advantage over Dovecot (log2: +1 = twice as good, -1 = half)");
        plot.XLabel("log2(advantage); right of 0 = AkkaImap better");
        plot.SavePng(path, 1200, 120 + 40 * bars.Count);
    }

    private static string Fmt(double v) => double.IsFinite(v) ? v.ToString(v >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture) : "–";

    private static string Ratio(double a, double d) => double.IsFinite(a) && double.IsFinite(d) && d != 0 ? (a / d).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–";
}
