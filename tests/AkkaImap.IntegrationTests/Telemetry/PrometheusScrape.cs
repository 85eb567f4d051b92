using System.Globalization;
using System.Text.RegularExpressions;

namespace AkkaImap.IntegrationTests.Telemetry;

/// <summary>The samples of one Prometheus text scrape, to sum by name and labels.</summary>
public sealed partial class PrometheusScrape
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    public PrometheusScrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                Families.Add(line.Split(' ')[2]);
                continue;
            }
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var match = Sample().Match(line);
            if (!match.Success)
            {
                throw new FormatException($"not a sample line: {line}");
            }
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match label in Label().Matches(match.Groups["labels"].Value))
            {
                labels[label.Groups[1].Value] = label.Groups[2].Value;
            }
            _samples.Add((match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value.Replace("+Inf", "Infinity"), CultureInfo.InvariantCulture)));
        }
    }

    public string Text { get; }

    /// <summary>Names given a <c># TYPE</c> line (histograms by their family name).</summary>
    public HashSet<string> Families { get; } = new(StringComparer.Ordinal);

    /// <summary>The sum of every sample named <paramref name="name"/> that has all of <paramref name="labels"/> (0 when none).</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    /// <summary>Whether any sample is named <paramref name="name"/>.</summary>
    public bool Has(string name) => _samples.Any(s => s.Name == name);

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)$""")]
    private static partial Regex Sample();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
