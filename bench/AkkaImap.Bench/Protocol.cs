using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AkkaImap.Bench;

/// <summary>
/// <c>protocol</c> (issue 15's rows): on the folder <c>large</c> filled (<c>--folder</c> of user
/// <c>--user-index</c>), times a plain SELECT (the reference the other rows are read against),
/// SORT (DATE) (RFC 5256) and a QRESYNC SELECT (RFC 7162 §3.2.5) that finds 10 flag changes made by
/// another session since its last look; median of <c>--rounds</c>. Then FETCHes message bodies
/// with and without COMPRESS=DEFLATE (RFC 4978) and counts the bytes that crossed the socket:
/// the first <c>--compress-messages</c> of the large folder (short text mail) and, when
/// <c>--mbox-folder</c> names a filled folder, all of it (gen_mbox.py's mix of text, HTML and
/// attachments).
/// </summary>
public static class Protocol
{
    private const int Changes = 10;

    public static async Task<int> RunAsync(Options o)
    {
        var folder = ImapConnection.Quote(o.Get("folder", "Big"));
        var user = o.User(o.Int("user-index", 0));
        var label = o.Get("label", "protocol");
        var rounds = o.Int("rounds", 3);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(o.Int("timeout", 900)));
        var ct = cts.Token;
        var timings = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        void Add(string name, double ms) => (timings.TryGetValue(name, out var l) ? l : timings[name] = []).Add(ms);
        var metrics = new List<Metric>();

        await using var reader = await ConnectAsync(o, 0, user, ct);
        await using var writer = await ConnectAsync(o, 1, user, ct);
        if (!HasCapability(reader, "QRESYNC") || !HasCapability(reader, "SORT"))
        {
            throw new IOException("the server does not offer QRESYNC and SORT: " + reader.Capabilities);
        }

        await Large.RequireOk(reader.CommandAsync("ENABLE QRESYNC", ct), "ENABLE QRESYNC");
        // The writer stays selected on the folder and changes flags there; its own view does not matter.
        var exists = 0;
        await writer.SendAsync("SELECT " + folder, ct);
        await Large.RequireOk(writer.ReadTaggedAsync(line => exists = Number(line.Text, ExistsPattern) ?? exists, ct), "SELECT");
        if (exists < Changes)
        {
            throw new IOException($"the folder holds {exists} messages; fill it with `large` first");
        }

        // An untimed SELECT first, so that the timed ones do not pay for loading the folder.
        await Large.RequireOk(reader.CommandAsync("SELECT " + folder, ct), "SELECT");
        await Large.RequireOk(reader.CommandAsync("CLOSE", ct), "CLOSE");
        var seen = new List<int>();
        for (var round = 0; round < rounds; round++)
        {
            long uidValidity = 0, modseq = 0;
            Add("SELECT (reference)", await Large.TimeAsync(async () =>
            {
                await reader.SendAsync("SELECT " + folder, ct);
                return await Large.RequireOk(reader.ReadTaggedAsync(line =>
                {
                    uidValidity = LongNumber(line.Text, UidValidityPattern) ?? uidValidity;
                    modseq = LongNumber(line.Text, HighestModseqPattern) ?? modseq;
                }, ct), "SELECT");
            }));
            Add("SORT (DATE)", await Large.TimeAsync(() => Large.RequireOk(reader.CommandAsync("SORT (DATE) UTF-8 ALL", ct), "SORT")));
            await Large.RequireOk(reader.CommandAsync("CLOSE", ct), "CLOSE");

            // Ten messages spread over the folder change flags (set in one round, cleared in the next).
            var set = string.Join(',', Enumerable.Range(0, Changes).Select(i => 1 + (long)i * exists / Changes));
            await Large.RequireOk(writer.CommandAsync($"STORE {set} {(round % 2 == 0 ? '+' : '-')}FLAGS.SILENT (\\Flagged)", ct), "STORE");

            var fetched = 0;
            Add("QRESYNC SELECT, 10 changes", await Large.TimeAsync(async () =>
            {
                await reader.SendAsync($"SELECT {folder} (QRESYNC ({uidValidity} {modseq}))", ct);
                return await Large.RequireOk(reader.ReadTaggedAsync(line => fetched += line.Text.Contains(" FETCH (", StringComparison.OrdinalIgnoreCase) ? 1 : 0, ct), "SELECT (QRESYNC)");
            }));
            seen.Add(fetched);
            await Large.RequireOk(reader.CommandAsync("CLOSE", ct), "CLOSE");
        }

        foreach (var (name, list) in timings)
        {
            metrics.Add(new($"{label}: {name}", "ms", Latencies.Percentile(list, 50), false));
        }

        metrics.Add(new($"{label}: QRESYNC SELECT, changes reported (of {Changes})", "count", seen.Min(), true));
        Console.WriteLine($"{label}: QRESYNC SELECT reported {string.Join(", ", seen)} changed messages (of {Changes}) in rounds 1..{rounds}");

        var count = Math.Min(exists, o.Int("compress-messages", 1000));
        await CompressRowsAsync(o, user, folder, $"1:{count}", $"{label}: FETCH {count} text bodies", metrics, ct);
        if (o.Get("mbox-folder", string.Empty) is { Length: > 0 } mboxFolder)
        {
            var mboxUser = o.User(o.Int("mbox-user-index", 1));
            await CompressRowsAsync(o, mboxUser, ImapConnection.Quote(mboxFolder), "1:*", $"{label}: FETCH gen_mbox bodies", metrics, ct);
        }

        await reader.CommandAsync("LOGOUT", ct);
        await writer.CommandAsync("LOGOUT", ct);
        MetricsFile.Append(o.Get("out", string.Empty), metrics);
        return 0;
    }

    // FETCH set BODY.PEEK[] on a fresh connection without, then with COMPRESS=DEFLATE: bytes on the wire and time.
    private static async Task CompressRowsAsync(Options o, string user, string folder, string set, string name, List<Metric> metrics, CancellationToken ct)
    {
        var bytes = new long[2];
        for (var compressed = 0; compressed < 2; compressed++)
        {
            await using var c = await ConnectAsync(o, 2 + compressed, user, ct);
            if (compressed == 1)
            {
                if (!HasCapability(c, "COMPRESS=DEFLATE"))
                {
                    throw new IOException("the server does not offer COMPRESS=DEFLATE: " + c.Capabilities);
                }

                await Large.RequireOk(c.CompressAsync(ct), "COMPRESS DEFLATE");
            }

            await Large.RequireOk(c.CommandAsync("EXAMINE " + folder, ct), "EXAMINE");
            var before = c.WireBytesReceived;
            long content = 0;
            var ms = await Large.TimeAsync(async () =>
            {
                var reply = await Large.RequireOk(c.CommandAsync($"FETCH {set} BODY.PEEK[]", ct), "FETCH");
                content = reply.LiteralBytes;
                return reply;
            });
            bytes[compressed] = c.WireBytesReceived - before;
            var how = compressed == 1 ? "COMPRESS=DEFLATE" : "plain";
            metrics.Add(new($"{name}, {how}: bytes received", "KB", bytes[compressed] / 1024.0, false));
            metrics.Add(new($"{name}, {how}: time", "ms", ms, false));
            Console.WriteLine($"{name}, {how}: {content / 1024} KB of bodies, {bytes[compressed] / 1024} KB on the wire, {ms:0} ms");
            await c.CommandAsync("LOGOUT", ct);
        }

        metrics.Add(new($"{name}: wire bytes with COMPRESS / without", "ratio", (double)bytes[1] / bytes[0], false));
    }

    private static async Task<ImapConnection> ConnectAsync(Options o, int source, string user, CancellationToken ct)
    {
        var c = await ImapConnection.ConnectAsync(o.Server, o.Source(source), 64 * 1024, ct, o.Tls);
        await Large.RequireOk(c.LoginAsync(user, o.Password, ct), "LOGIN");
        if (!c.Capabilities.Contains("QRESYNC", StringComparison.OrdinalIgnoreCase))
        {
            // Not every server lists everything in LOGIN's response code: ask once.
            var caps = c.Capabilities;
            await c.SendAsync("CAPABILITY", ct);
            await c.ReadTaggedAsync(line => caps = line.Text.StartsWith("* CAPABILITY", StringComparison.OrdinalIgnoreCase) ? line.Text : caps, ct);
            c.Capabilities = caps;
        }

        return c;
    }

    private static bool HasCapability(ImapConnection c, string name) =>
        c.Capabilities.Split(' ', '[', ']').Contains(name, StringComparer.OrdinalIgnoreCase);

    private static readonly Regex ExistsPattern = new(@"^\* (\d+) EXISTS", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex UidValidityPattern = new(@"\[UIDVALIDITY (\d+)\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex HighestModseqPattern = new(@"\[HIGHESTMODSEQ (\d+)\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static int? Number(string line, Regex pattern) => (int?)LongNumber(line, pattern);

    private static long? LongNumber(string line, Regex pattern)
    {
        var m = pattern.Match(line);
        return m.Success ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }
}
