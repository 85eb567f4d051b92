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
            $"mixed-ratio={mixedRatio:0.00} idle-kb-per-conn={Find("memory per connection (PSS delta)", true):0.0} idle-p99-ms={Find("EXISTS heard p99", true):0.0} select-100k-ms={Find(": SELECT (first)", true):0.0}"));
        return 0;
    }

    /// <summary>The targets of issue 7, each checked against this run's figures.</summary>
    private static string Targets(List<(string Name, string Unit, double Akka, double Dovecot, bool HigherIsBetter)> rows)
    {
        var md = new StringBuilder();
        md.AppendLine("## Targets");
        md.AppendLine();
        md.AppendLine("| target | AkkaImap | Dovecot | met? |");
        md.AppendLine("| --- | ---: | ---: | --- |");
        void Line(string target, double akka, double dovecot, string unit, bool met) =>
            md.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {Fmt(akka)} {unit} | {Fmt(dovecot)} {unit} | {(double.IsFinite(akka) ? met ? "yes" : "**no**" : "–")} |");

        foreach (var r in rows)
        {
            var label = r.Name.Split(':')[0];
            var figure = r.Name[(label.Length + 1)..].Trim();
            switch (figure)
            {
                case "commands per server CPU-s":
                    Line($"{label}: ≥ 1.5× Dovecot's commands per server CPU-second ({Ratio(r.Akka, r.Dovecot)})", r.Akka, r.Dovecot, "/CPU-s", r.Akka >= 1.5 * r.Dovecot);
                    break;
                case "latency p99 all":
                    Line($"{label}: p99 latency below Dovecot's", r.Akka, r.Dovecot, "ms", r.Akka < r.Dovecot);
                    break;
                case "memory per connection (PSS delta)":
                    Line($"{label}: under 100 KB resident memory per connection", r.Akka, r.Dovecot, "KB", r.Akka < 100);
                    break;
                case "EXISTS heard p99":
                    Line($"{label}: EXISTS heard by 99% within 100 ms", r.Akka, r.Dovecot, "ms", r.Akka < 100);
                    break;
                case "SELECT (first)":
                    Line($"{label}: SELECT under 100 ms (first, folder not loaded)", r.Akka, r.Dovecot, "ms", r.Akka < 100);
                    break;
                case "FETCH 1:* (UID FLAGS)":
                    Line($"{label}: FETCH 1:* (UID FLAGS) under 500 ms", r.Akka, r.Dovecot, "ms", r.Akka < 500);
                    break;
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
