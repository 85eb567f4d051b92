using System.Diagnostics;
using System.Net.Sockets;

namespace AkkaImap.Bench;

/// <summary>
/// <c>idle</c>: C connections (10 per user) log in, SELECT INBOX and IDLE (RFC 2177). After a
/// settle time (Dovecot hibernates IDLE clients after imap_hibernate_timeout) the server's memory
/// is sampled; then one message is appended to each of the first <c>--notify</c> users from other
/// connections, and the time until each of their IDLE connections hears EXISTS is measured from
/// the moment its APPEND was sent.
/// </summary>
public static class Idle
{
    public static async Task<int> RunAsync(Options o)
    {
        var count = o.Int("connections", 1000);
        var perUser = o.Int("per-user", 10);
        var first = o.Int("first-user", 1);
        var notify = o.Int("notify", 100);
        var settle = TimeSpan.FromSeconds(o.Double("settle", 8));
        var label = o.Get("label", o.Tls != TlsMode.None ? $"idle-tls-{count}" : $"idle-{count}");
        var sampler = o.Sampler;
        var message = Messages.Small(424242);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(o.Int("timeout", 600)));
        var ct = cts.Token;

        await WarmUpAsync(o, first, ct);
        var baseline = sampler.Sample();
        var heard = new long[count];
        var connections = new ImapConnection?[count];
        var readers = new Task[count];
        var failures = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        var openers = Enumerable.Range(0, o.Int("parallel", 32)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                try
                {
                    var c = await ImapConnection.ConnectAsync(o.Server, o.Source(i), 1024, ct, o.Tls);
                    connections[i] = c;
                    var login = await c.LoginAsync(o.User(first + (i / perUser)), o.Password, ct);
                    var select = await c.CommandAsync("SELECT INBOX", ct);
                    await c.SendAsync("IDLE", ct);
                    var cont = await c.ReadLineAsync(ct);
                    if (!login.Ok || !select.Ok || !cont.IsContinuation)
                    {
                        throw new IOException($"setup: {login.Text} / {select.Text} / {cont.Text}");
                    }

                    var slot = i;
                    readers[i] = ListenAsync(c, heard, slot, ct);
                }
                catch (Exception e) when (e is IOException or SocketException or System.Security.Authentication.AuthenticationException)
                {
                    if (connections[i] is { } broken)
                    {
                        connections[i] = null;
                        await broken.DisposeAsync();
                    }

                    if (Interlocked.Increment(ref failures) <= 5)
                    {
                        Console.Error.WriteLine($"idle connection {i}: {e.Message}");
                    }
                }
            }
        });
        await Task.WhenAll(openers);
        var setupSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{label}: {count - failures} connections idling after {setupSeconds:0.0} s; settling {settle.TotalSeconds} s");
        await Task.Delay(settle, ct);
        var idling = sampler.Sample();
        if (o.Get("probe", string.Empty) is { Length: > 0 } probe)
        {
            // E.g. a heap snapshot of the server while the connections idle, after the sample above.
            await Probe.RunAsync(probe, o.All("pid"), ct);
        }

        Array.Clear(heard);

        // The appenders: one more connection per notified user, logged in before timing starts.
        var users = Math.Min(notify, count / perUser);
        var appenders = new List<ImapConnection>();
        for (var u = 0; u < users; u++)
        {
            var c = await ImapConnection.ConnectAsync(o.Server, o.Source(count + u), 16 * 1024, ct, o.Tls);
            await c.LoginAsync(o.User(first + u), o.Password, ct);
            appenders.Add(c);
        }

        var sent = new long[users];
        var appendsFailed = 0;
        for (var u = 0; u < users; u++)
        {
            // Spread over about two seconds, as deliveries arrive, not one burst.
            sent[u] = Stopwatch.GetTimestamp();
            var reply = await appenders[u].AppendAsync("INBOX", [message], "()", ct);
            appendsFailed += reply.Ok ? 0 : 1;
            await Task.Delay(20, ct);
        }

        var waitUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency * o.Int("notify-wait", 30);
        var notified = users * perUser;
        while (Stopwatch.GetTimestamp() < waitUntil && Enumerable.Range(0, notified).Any(i => connections[i] is not null && Volatile.Read(ref heard[i]) == 0))
        {
            await Task.Delay(50, ct);
        }

        var delays = new List<double>();
        var missed = 0;
        for (var i = 0; i < notified; i++)
        {
            var t = Volatile.Read(ref heard[i]);
            if (t == 0)
            {
                missed++;
                continue;
            }

            delays.Add(Math.Max(0, (t - sent[i / perUser]) * 1000.0 / Stopwatch.Frequency));
        }

        var open = count - failures;
        var perConnKb = open > 0 ? (idling.PssBytes - baseline.PssBytes) / 1024.0 / open : double.NaN;
        var metrics = new List<Metric>
        {
            new($"{label}: connections open", "count", open, true),
            new($"{label}: setup time (connect+LOGIN+SELECT+IDLE)", "s", setupSeconds, false),
            new($"{label}: memory per connection (PSS delta)", "KB", perConnKb, false),
            new($"{label}: memory per connection (RSS delta)", "KB", open > 0 ? (idling.RssBytes - baseline.RssBytes) / 1024.0 / open : double.NaN, false),
            new($"{label}: server memory while idling (PSS)", "MB", idling.PssBytes / 1048576.0, false),
            new($"{label}: server processes", "count", idling.Processes, false),
            new($"{label}: EXISTS heard p50", "ms", Latencies.Percentile(delays, 50), false),
            new($"{label}: EXISTS heard p99", "ms", Latencies.Percentile(delays, 99), false),
            new($"{label}: EXISTS never heard (of {notified})", "count", missed, false),
            new($"{label}: failed connections + appends", "count", failures + appendsFailed, false),
        };
        MetricsFile.Append(o.Get("out", string.Empty), metrics);

        await cts.CancelAsync();
        foreach (var c in connections.Concat(appenders))
        {
            if (c is not null)
            {
                await c.DisposeAsync();
            }
        }

        await Task.WhenAll(readers.Where(r => r is not null).Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
        return 0;
    }

    // A few full IDLE cycles first, so that one-off costs (JIT, caches, a first imap process) are
    // in the baseline rather than charged to the connections.
    private static async Task WarmUpAsync(Options o, int first, CancellationToken ct)
    {
        for (var i = 0; i < 20; i++)
        {
            await using var c = await ImapConnection.ConnectAsync(o.Server, o.Source(i), 1024, ct, o.Tls);
            await c.LoginAsync(o.User(first + (i % 2)), o.Password, ct);
            await c.CommandAsync("SELECT INBOX", ct);
            await c.SendAsync("IDLE", ct);
            await c.ReadLineAsync(ct);
            await c.DoneAsync(ct);
            await c.ReadTaggedAsync(null, ct);
            await c.CommandAsync("LOGOUT", ct);
        }

        await Task.Delay(TimeSpan.FromSeconds(2), ct);
    }

    // Reads until the connection closes; stamps the first "* n EXISTS" (RFC 9051 §7.4.1) after the clear.
    private static async Task ListenAsync(ImapConnection c, long[] heard, int slot, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var line = await c.ReadLineAsync(ct);
                if (Mixed.ParseExists(line.Text) is not null && Volatile.Read(ref heard[slot]) == 0)
                {
                    Volatile.Write(ref heard[slot], Stopwatch.GetTimestamp());
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed at the end of the run.
        }
    }
}
