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
        var akka = MetricsFile.Read(o.Get("akka", "akkaimap.json"));
        var dovecot = MetricsFile.Read(o.Get("dovecot", "dovecot.json")).ToDictionary(m => m.Name, StringComparer.Ordinal);
        var rows = akka.Select(a => (a.Name, a.Unit, Akka: a.Value, Dovecot: dovecot.TryGetValue(a.Name, out var d) ? d.Value : double.NaN, a.HigherIsBetter))
            .Concat(dovecot.Values.Where(d => akka.All(a => a.Name != d.Name)).Select(d => (d.Name, d.Unit, Akka: double.NaN, Dovecot: d.Value, d.HigherIsBetter)))
            .ToList();

        var md = new StringBuilder();
        md.AppendLine("| figure | unit | AkkaImap | Dovecot | AkkaImap/Dovecot |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: |");
        foreach (var r in rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {r.Unit} | {Fmt(r.Akka)} | {Fmt(r.Dovecot)} | {Ratio(r.Akka, r.Dovecot)} |");
        }

        var table = Targets(rows) + "\n## All figures\n\n" + md;
        Console.WriteLine(table);
        var mdPath = o.Get("md", string.Empty);
        if (mdPath.Length > 0)
        {
            File.WriteAllText(mdPath, o.Get("title", "# AkkaImap vs Dovecot") + "\n\n" + o.Get("preface", string.Empty) + "\n\n" + table);
        }

        var pngPath = o.Get("png", string.Empty);
        if (pngPath.Length > 0)
        {
            Chart(rows.Where(r => IsKey(r.Name) && double.IsFinite(r.Akka) && double.IsFinite(r.Dovecot) && r.Akka > 0 && r.Dovecot > 0)
                .Select(r => (r.Name, Advantage: r.HigherIsBetter ? r.Akka / r.Dovecot : r.Dovecot / r.Akka)).ToList(), pngPath);
        }

        double Find(string suffix, bool ofAkka) =>
            rows.FirstOrDefault(r => r.Name.EndsWith(suffix, StringComparison.Ordinal)) is { Name: not null } row ? (ofAkka ? row.Akka : row.Dovecot) : double.NaN;

        var mixedRatio = Find("commands per server CPU-s", true) / Find("commands per server CPU-s", false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mixed-ratio={mixedRatio:0.00} idle-kb-per-conn={Find("memory per connection (PSS delta)", true):0.0} idle-p99-ms={Find("EXISTS heard p99", true):0.0} select-100k-ms={Find(": SELECT (first)", true):0.0} idle-cpu-pct={Find(": CPU with no connections", true):0.00} search-body-100k-ms={Find(": SEARCH BODY", true):0.0}"));
        return 0;
    }

    /// <summary>
    /// The targets of issue 7, and the idle-CPU one of "Storage that never blocks an actor": the
    /// figure each is about, how it reads, its unit, and the test.
    /// </summary>
    private static readonly (string Figure, string Text, string Unit, Func<double, double, bool> Met)[] IssueTargets =
    [
        ("commands per server CPU-s", "≥ 1.5× Dovecot's commands per server CPU-second", "/CPU-s", (a, d) => a >= 1.5 * d),
        ("latency p99 all", "p99 latency below Dovecot's", "ms", (a, d) => a < d),
        ("memory per connection (PSS delta)", "under 100 KB resident memory per connection", "KB", (a, _) => a < 100),
        ("EXISTS heard p99", "EXISTS heard by 99% within 100 ms", "ms", (a, _) => a < 100),
        ("SELECT (first)", "SELECT under 100 ms (first, folder not loaded)", "ms", (a, _) => a < 100),
        ("FETCH 1:* (UID FLAGS)", "FETCH 1:* (UID FLAGS) under 500 ms", "ms", (a, _) => a < 500),
        ("CPU with no connections", "idle server (no connections) under 0.5% of a core", "%", (a, _) => a < 0.5),
    ];

    /// <summary>The targets, each checked against this run's figures.</summary>
    private static string Targets(List<(string Name, string Unit, double Akka, double Dovecot, bool HigherIsBetter)> rows)
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
            foreach (var t in IssueTargets.Where(t => t.Figure == figure))
            {
                var text = t.Unit == "/CPU-s" ? $"{t.Text} ({Ratio(r.Akka, r.Dovecot)})" : t.Text;
                var met = !double.IsFinite(r.Akka) ? "–" : t.Met(r.Akka, r.Dovecot) ? "yes" : "**no**";
                md.AppendLine(CultureInfo.InvariantCulture, $"| {label}: {text} | {Fmt(r.Akka)} {t.Unit} | {Fmt(r.Dovecot)} {t.Unit} | {met} |");
            }
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
