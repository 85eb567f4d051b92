using System.Globalization;
using System.Net;

namespace AkkaImap.Bench;

/// <summary>Command-line options as <c>--name value</c> pairs (kept dependency-free on purpose).</summary>
public sealed class Options
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    private Options(string verb) => Verb = verb;

    public string Verb { get; }

    public static Options? Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            return null;
        }

        var options = new Options(args[0]);
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                return null;
            }

            var name = args[i][2..];
            var value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
            if (!options._values.TryGetValue(name, out var list))
            {
                options._values[name] = list = [];
            }

            list.Add(value);
        }

        return options;
    }

    public string Get(string name, string fallback) => _values.TryGetValue(name, out var v) ? v[^1] : fallback;

    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var v) ? v : [];

    public int Int(string name, int fallback) => _values.TryGetValue(name, out var v) ? int.Parse(v[^1], CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => _values.TryGetValue(name, out var v) ? double.Parse(v[^1], CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name) => _values.TryGetValue(name, out var v) && v[^1] is "true" or "on" or "1";

    /// <summary>
    /// <c>--tls implicit|starttls</c> (<c>--tls</c> alone is implicit: the port must speak TLS from
    /// the first byte); plain text when absent.
    /// </summary>
    public TlsMode Tls => ImapConnection.ParseTls(Get("tls", "none") is "true" ? "implicit" : Get("tls", "none"));

    public IPEndPoint Server => new(IPAddress.Parse(Get("host", "127.0.0.1")), Int("port", 143));

    public string UserTemplate => Get("user", "user{0}@example.com");

    public string Password => Get("password", "bench-Secret-1");

    public string User(int index) => string.Format(CultureInfo.InvariantCulture, UserTemplate, index);

    /// <summary>Server root pids for /proc sampling: <c>--pid 1 --pid 2</c> or <c>--pid 1,2</c>.</summary>
    public ProcSampler Sampler => new(All("pid").SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries)).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList());

    /// <summary>
    /// Local source addresses 127.0.0.2.. (<c>--sources N</c>): each source address has its own
    /// ephemeral port range, so 10,000 connections plus TIME_WAIT leftovers never run out.
    /// </summary>
    public IPAddress? Source(int i)
    {
        var n = Int("sources", 0);
        return n <= 0 ? null : new IPAddress([127, 0, 0, (byte)(2 + (i % n))]);
    }
}
