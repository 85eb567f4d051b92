using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AkkaImap.Host.Telemetry;

/// <summary>
/// A pull-only OpenTelemetry metric reader that renders what it collects as the Prometheus text
/// exposition format 0.0.4, on demand (<see cref="Scrape"/>), for the telemetry endpoint to serve.
/// Names follow Prometheus' conventions: dots become underscores, the unit becomes a suffix
/// (<c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>; an annotation such as <c>{command}</c> adds
/// nothing) and a monotonic sum (a counter) ends in <c>_total</c>.
/// </summary>
internal sealed class PrometheusTextReader : BaseExportingMetricReader
{
    private readonly TextExporter _exporter;
    private readonly Lock _gate = new();

    private PrometheusTextReader(TextExporter exporter) : base(exporter) => _exporter = exporter;

    public static PrometheusTextReader Create() => new(new TextExporter());

    /// <summary>Collects every instrument now and returns the text; one scrape at a time.</summary>
    public string Scrape(TimeSpan timeout)
    {
        lock (_gate)
        {
            _exporter.Output.Clear();
            return Collect((int)timeout.TotalMilliseconds) ? _exporter.Output.ToString() : throw new TimeoutException("metric collection timed out");
        }
    }

    // Not marked pull-only: the SDK lets only its own exporters collect in that mode. Nothing pushes
    // to it either way, since this reader has no timer; it collects when Scrape asks.
    private sealed class TextExporter : BaseExporter<Metric>
    {
        public StringBuilder Output { get; } = new();

        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                PrometheusFormat.Write(Output, metric);
            }
            return ExportResult.Success;
        }
    }
}

/// <summary>The Prometheus text format 0.0.4 for one OpenTelemetry metric.</summary>
internal static class PrometheusFormat
{
    public static void Write(StringBuilder o, Metric metric)
    {
        var type = metric.MetricType;
        var counter = type is MetricType.LongSum or MetricType.DoubleSum;
        var histogram = type is MetricType.Histogram;
        if (type is MetricType.ExponentialHistogram)
        {
            return;
        }

        var name = Name(metric.Name, metric.Unit, counter);
        o.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(string.IsNullOrEmpty(metric.Description) ? metric.Name : metric.Description)).Append('\n');
        o.Append("# TYPE ").Append(name).Append(' ').Append(counter ? "counter" : histogram ? "histogram" : "gauge").Append('\n');
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var labels = Labels(point.Tags);
            if (histogram)
            {
                long cumulative = 0;
                foreach (var bucket in point.GetHistogramBuckets())
                {
                    cumulative += bucket.BucketCount;
                    var le = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : Number(bucket.ExplicitBound);
                    o.Append(name).Append("_bucket{").Append(labels).Append(labels.Length > 0 ? "," : "").Append("le=\"").Append(le).Append("\"} ")
                        .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
                Sample(o, name + "_sum", labels, Number(point.GetHistogramSum()));
                Sample(o, name + "_count", labels, point.GetHistogramCount().ToString(CultureInfo.InvariantCulture));
                continue;
            }

            var value = type switch
            {
                MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong().ToString(CultureInfo.InvariantCulture),
                MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => Number(point.GetSumDouble()),
                MetricType.LongGauge => point.GetGaugeLastValueLong().ToString(CultureInfo.InvariantCulture),
                _ => Number(point.GetGaugeLastValueDouble()),
            };
            Sample(o, name, labels, value);
        }
    }

    /// <summary><c>akkaimap.command.duration</c> in <c>s</c> → <c>akkaimap_command_duration_seconds</c>.</summary>
    public static string Name(string name, string? unit, bool counter)
    {
        var result = Sanitize(name, allowColon: true);
        var suffix = UnitSuffix(unit);
        if (suffix.Length > 0 && !result.EndsWith("_" + suffix, StringComparison.Ordinal) && !result.Contains("_" + suffix + "_", StringComparison.Ordinal))
        {
            result += "_" + suffix;
        }
        if (!counter && (result.EndsWith("_count", StringComparison.Ordinal) || result.EndsWith("_sum", StringComparison.Ordinal) || result.EndsWith("_bucket", StringComparison.Ordinal) || result.EndsWith("_total", StringComparison.Ordinal)))
        {
            // Suffixes Prometheus keeps for histograms and counters (ServerTelemetry renames the known ones).
            result += "_value";
        }
        if (counter && !result.EndsWith("_total", StringComparison.Ordinal))
        {
            result += "_total";
        }
        return result;
    }

    private static string UnitSuffix(string? unit) => unit switch
    {
        null or "" or "1" => "",
        "s" => "seconds",
        "ms" => "milliseconds",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "%" => "percent",
        _ when unit.StartsWith('{') => "",
        _ => Sanitize(unit, allowColon: false).Trim('_'),
    };

    private static void Sample(StringBuilder o, string name, string labels, string value)
    {
        o.Append(name);
        if (labels.Length > 0)
        {
            o.Append('{').Append(labels).Append('}');
        }
        o.Append(' ').Append(value).Append('\n');
    }

    private static string Labels(ReadOnlyTagCollection tags)
    {
        if (tags.Count == 0)
        {
            return "";
        }
        var b = new StringBuilder();
        foreach (var tag in tags)
        {
            if (b.Length > 0) b.Append(',');
            b.Append(Sanitize(tag.Key, allowColon: false)).Append("=\"").Append(EscapeLabel(Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "")).Append('"');
        }
        return b.ToString();
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Names match <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c> (labels without the colon); anything else becomes one underscore.</summary>
    private static string Sanitize(string text, bool allowColon)
    {
        var b = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var ok = char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
            if (ok)
            {
                b.Append(c);
            }
            else if (b.Length == 0 || b[^1] != '_')
            {
                b.Append('_');
            }
        }
        if (b.Length == 0 || char.IsAsciiDigit(b[0]))
        {
            b.Insert(0, '_');
        }
        return b.ToString();
    }

    private static string EscapeHelp(string text) => text.Replace("\\", "\\\\").Replace("\n", "\\n");

    private static string EscapeLabel(string text) => text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
