using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;

namespace AkkaImap.Bench;

/// <summary>
/// <c>large</c>: fills folder <c>--folder</c> of user <c>--user-index</c> with N synthetic ~2 KB
/// messages (MULTIAPPEND batches when offered), waits until the server's CPU falls quiet (with
/// <c>--pid</c>; the wait is reported), then on a fresh connection times STATUS, SELECT,
/// <c>FETCH 1:* (UID FLAGS)</c>, <c>UID FETCH</c> of the last 500 headers, SEARCH FROM and
/// SEARCH BODY; four rounds (<c>--rounds</c>), the median reported. The first round's SEARCHes are
/// reported apart, as "(first)": the server's first full-text lookups (JIT, each reader connection's
/// first pages) against the steady state of the rounds after.
/// </summary>
public static class Large
{
    public static async Task<int> RunAsync(Options o)
    {
        var count = o.Int("messages", 10_000);
        var folder = o.Get("folder", "Big");
        var user = o.User(o.Int("user-index", 0));
        var label = o.Get("label", $"large-{count}");
        var rounds = o.Int("rounds", 4);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(o.Int("timeout", 900)));
        var ct = cts.Token;
        var metrics = new List<Metric>();

        var have = 0;
        await using (var c = await ImapConnection.ConnectAsync(o.Server, o.Source(0), 64 * 1024, ct))
        {
            await RequireOk(c.LoginAsync(user, o.Password, ct), "LOGIN");
            await c.CommandAsync("CREATE " + ImapConnection.Quote(folder), ct); // NO when it exists: fine
            await c.SendAsync($"STATUS {ImapConnection.Quote(folder)} (MESSAGES)", ct);
            await c.ReadTaggedAsync(line => have = ParseStatusMessages(line.Text) ?? have, ct);
            await c.CommandAsync("LOGOUT", ct);
        }

        if (count > have)
        {
            // A few connections append in parallel (both servers take concurrent appends to one
            // folder); MULTIAPPEND (RFC 3502) batches when offered. Not a timed figure.
            var clock = Stopwatch.StartNew();
            var nextBatch = have;
            var fillers = Enumerable.Range(0, o.Int("fill-connections", 4)).Select(async worker =>
            {
                await using var c = await ImapConnection.ConnectAsync(o.Server, o.Source(2 + worker), 64 * 1024, ct);
                await RequireOk(c.LoginAsync(user, o.Password, ct), "LOGIN");
                var batchSize = c.Capabilities.Contains("MULTIAPPEND", StringComparison.OrdinalIgnoreCase) ? 250 : 1;
                int from;
                while ((from = Interlocked.Add(ref nextBatch, batchSize) - batchSize) < count)
                {
                    var batch = Enumerable.Range(from, Math.Min(batchSize, count - from)).Select(Messages.Small).ToList();
                    await RequireOk(c.AppendAsync(folder, batch, "()", ct), "APPEND");
                }

                await c.CommandAsync("LOGOUT", ct);
            });
            await Task.WhenAll(fillers);
            metrics.Add(new($"{label}: fill rate (APPEND)", "msg/s", (count - have) / clock.Elapsed.TotalSeconds, true));
            Console.WriteLine($"{label}: appended {count - have} messages in {clock.Elapsed.TotalSeconds:0.0} s");
        }

        // The rows describe reading a large folder, not reading it while the server finishes the
        // import (AkkaImap indexes the fill's last bodies for some seconds after it): both servers
        // are timed once their CPU falls quiet, and how long that took is a figure of its own.
        if (o.Sampler is { Enabled: true } sampler)
        {
            var settled = await SettleAsync(sampler, ct);
            metrics.Add(new($"{label}: quiet after the fill", "s", settled.TotalSeconds, false));
            Console.WriteLine($"{label}: server quiet {settled.TotalSeconds:0.0} s after the fill");
        }

        var timings = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        void Add(string name, double ms)
        {
            if (!timings.TryGetValue(name, out var list))
            {
                timings[name] = list = [];
            }

            list.Add(ms);
        }

        var searchHits = 0;
        await using (var c = await ImapConnection.ConnectAsync(o.Server, o.Source(1), 64 * 1024, ct))
        {
            await RequireOk(c.LoginAsync(user, o.Password, ct), "LOGIN");
            // One untimed SELECT of the small INBOX first, so that the first timed SELECT measures
            // loading the large folder, not the server's first SELECT ever (JIT, caches).
            await RequireOk(c.CommandAsync("SELECT INBOX", ct), "SELECT INBOX");
            await RequireOk(c.CommandAsync("CLOSE", ct), "CLOSE");
            for (var round = 0; round < rounds; round++)
            {
                var quoted = ImapConnection.Quote(folder);
                Add("STATUS", await TimeAsync(() => RequireOk(c.CommandAsync($"STATUS {quoted} (MESSAGES UIDNEXT UNSEEN)", ct), "STATUS")));
                // The first SELECT after the fill loads the folder; later ones may find it loaded
                // (AkkaImap's cache.unselected-messages, Dovecot's index in memory): both are shown.
                Add(round == 0 ? "SELECT (first)" : "SELECT (again)", await TimeAsync(() => RequireOk(c.CommandAsync("SELECT " + quoted, ct), "SELECT")));

                var uids = new List<long>(count);
                Add("FETCH 1:* (UID FLAGS)", await TimeAsync(async () =>
                {
                    await c.SendAsync("FETCH 1:* (UID FLAGS)", ct);
                    return await RequireOk(c.ReadTaggedSpansAsync(line => AddUid(line, uids), ct), "FETCH");
                }));

                var from = uids.Count >= 500 ? uids[^500] : 1;
                Add("UID FETCH last 500 headers", await TimeAsync(() => RequireOk(c.CommandAsync($"UID FETCH {from}:* (UID BODY.PEEK[HEADER])", ct), "UID FETCH")));
                // With one round (the scan without an index) the single SEARCHes are the figures themselves.
                var first = round == 0 && rounds > 1 ? " (first)" : "";
                Add("SEARCH FROM" + first, await TimeAsync(() => RequireOk(c.CommandAsync("SEARCH FROM \"alice\"", ct), "SEARCH FROM")));
                // Every round, as the other rows (a scan without an index takes seconds on 100,000
                // messages; search.sh runs that one with --rounds 1).
                Add("SEARCH BODY" + first, await TimeAsync(async () =>
                {
                    await c.SendAsync($"SEARCH BODY \"{Messages.RareWord}\"", ct);
                    return await RequireOk(c.ReadTaggedAsync(line => searchHits = line.Text.StartsWith("* SEARCH", StringComparison.OrdinalIgnoreCase) ? line.Text.Split(' ').Length - 2 : searchHits, ct), "SEARCH BODY");
                }));

                await RequireOk(c.CommandAsync("CLOSE", ct), "CLOSE");
            }

            await c.CommandAsync("LOGOUT", ct);
        }

        foreach (var (name, list) in timings)
        {
            metrics.Add(new($"{label}: {name}", "ms", Latencies.Percentile(list, 50), false));
        }

        Console.WriteLine($"{label}: SEARCH BODY found {searchHits} messages");
        MetricsFile.Append(o.Get("out", string.Empty), metrics);
        return 0;
    }

    /// <summary>
    /// Waits until the server's processes use under 5% of a core in each of two seconds in a row
    /// (at most two minutes); returns when that quiet stretch began.
    /// </summary>
    private static async Task<TimeSpan> SettleAsync(ProcSampler sampler, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var quietSince = TimeSpan.Zero;
        var last = sampler.Sample().CpuSeconds;
        while (clock.Elapsed - quietSince < TimeSpan.FromSeconds(2) && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var now = sampler.Sample().CpuSeconds;
            if (now - last >= 0.05)
            {
                quietSince = clock.Elapsed;
            }

            last = now;
        }

        return quietSince;
    }

    internal static async Task<double> TimeAsync(Func<Task<TaggedReply>> action)
    {
        var start = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    internal static async Task<TaggedReply> RequireOk(Task<TaggedReply> reply, string what)
    {
        var r = await reply;
        return r.Ok ? r : throw new IOException($"{what}: {r.Status} {r.Text}");
    }

    // "* 12 FETCH (UID 345 FLAGS (\Seen))" → 345 (both servers send the item names in capitals)
    private static void AddUid(ReadOnlySpan<byte> line, List<long> uids)
    {
        var at = line.IndexOf("UID "u8);
        if (at >= 0 && Utf8Parser.TryParse(line[(at + 4)..], out long uid, out _))
        {
            uids.Add(uid);
        }
    }

    // "* STATUS Big (MESSAGES 100)" (RFC 9051 §7.2.4)
    private static int? ParseStatusMessages(string line)
    {
        var at = line.IndexOf("MESSAGES ", StringComparison.OrdinalIgnoreCase);
        if (!line.StartsWith("* STATUS", StringComparison.OrdinalIgnoreCase) || at < 0)
        {
            return null;
        }

        var rest = line.AsSpan(at + 9);
        var end = rest.IndexOfAny(' ', ')');
        return int.TryParse(end < 0 ? rest : rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}
