using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace AkkaImap.Bench;

/// <summary>
/// <c>mixed</c>: N clients, one user each, loop over a session as a desktop client runs it:
/// LOGIN, SELECT, three rounds of (FETCH flags + FETCH a body pipelined, STORE \Seen), APPEND,
/// (STORE \Deleted on the new message + EXPUNGE pipelined), LOGOUT. Each user's INBOX keeps its
/// size because every session removes what it appended.
/// With <c>--no-login</c> each client logs in and selects INBOX once, untimed, and then loops over
/// the same commands without LOGIN, SELECT and LOGOUT (a NOOP instead, as a client that keeps its
/// session polls): what long-lived desktop and mobile sessions do.
/// <c>--loops-per-second R</c> (with <c>--no-login</c>) paces the sessions so that they start R loops a
/// second in all, each a fixed period after its last (label <c>equal-load-nologin-N-at-R</c>): the
/// latency of two servers at one offered load, where the closed loop compares each at its own
/// saturation.
/// <c>--tls implicit|starttls</c> runs the same over TLS (labels <c>mixed-tls-N</c> and
/// <c>mixed-starttls-N</c>, with <c>-nologin</c> for long-lived sessions); with LOGIN in the loop each
/// session is a new connection, so its handshake counts.
/// </summary>
public static class Mixed
{
    public static async Task<int> RunAsync(Options o)
    {
        var clients = o.Int("clients", 50);
        var first = o.Int("first-user", 1);
        var warmup = TimeSpan.FromSeconds(o.Double("warmup", 5));
        var measure = TimeSpan.FromSeconds(o.Double("seconds", 20));
        var noLogin = o.Get("no-login", "false") == "true";
        // Offered load: the sessions' loops a second, all together (0: each loop starts as soon as the last ended).
        var loopsPerSecond = o.Double("loops-per-second", 0);
        if (loopsPerSecond > 0 && !noLogin) throw new ArgumentException("--loops-per-second needs --no-login");
        var period = loopsPerSecond > 0 ? TimeSpan.FromSeconds(clients / loopsPerSecond) : TimeSpan.Zero;
        var tls = o.Tls;
        var prefix = tls switch { TlsMode.Implicit => "mixed-tls", TlsMode.StartTls => "mixed-starttls", _ => "mixed" };
        // Paced runs are labelled apart (equal-load-nologin-N-at-R): the targets are about the
        // closed loop, where each server runs as fast as it can.
        var label = o.Get("label", loopsPerSecond > 0
            ? string.Create(CultureInfo.InvariantCulture, $"equal-load{prefix[5..]}-nologin-{clients}-at-{loopsPerSecond:0}")
            : noLogin ? $"{prefix}-nologin-{clients}" : $"{prefix}-{clients}");
        var appendMessages = Messages.ReadMbox(o.Get("mbox", "sample.mbox")).Where(m => m.Length < 64 * 1024).Take(50).ToList();
        var sampler = o.Sampler;
        var run = new RunState();
        using var hardStop = new CancellationTokenSource(warmup + measure + TimeSpan.FromSeconds(60));

        var tasks = Enumerable.Range(0, clients).Select(i => Task.Run(() => ClientLoopAsync(o, i, first + i, appendMessages, run, noLogin, period, tls, hardStop.Token))).ToList();
        await Task.Delay(warmup);
        var before = sampler.Sample();
        var clock = Stopwatch.StartNew();
        run.Recording = true;
        await Task.Delay(measure);
        run.Recording = false;
        var elapsed = clock.Elapsed.TotalSeconds;
        var after = sampler.Sample();
        run.Stop = true;
        await Task.WhenAll(tasks);

        var all = new Latencies();
        foreach (var t in tasks)
        {
            all.Merge(t.Result);
        }

        var cpu = after.CpuSeconds - before.CpuSeconds;
        var metrics = new List<Metric>
        {
            new($"{label}: commands/s", "1/s", all.Total / elapsed, true),
            new($"{label}: commands per server CPU-s", "1/CPU-s", cpu > 0 ? all.Total / cpu : double.NaN, true),
            new($"{label}: server CPU (cores busy)", "cores", cpu / elapsed, false),
            new($"{label}: latency p50 all", "ms", all.PercentileAll(50), false),
            new($"{label}: latency p99 all", "ms", all.PercentileAll(99), false),
            new($"{label}: errors", "count", run.Errors, false),
        };
        foreach (var command in all.Commands)
        {
            metrics.Add(new($"{label}: {command} /s", "1/s", all.Count(command) / elapsed, true));
            metrics.Add(new($"{label}: {command} p50", "ms", all.Percentile(command, 50), false));
            metrics.Add(new($"{label}: {command} p99", "ms", all.Percentile(command, 99), false));
        }

        Console.WriteLine($"{label}: {all.Total} commands in {elapsed:0.0} s, server CPU {cpu:0.00} s, errors {run.Errors}");
        MetricsFile.Append(o.Get("out", string.Empty), metrics);
        return 0;
    }

    private sealed class RunState
    {
        public volatile bool Recording;
        public volatile bool Stop;
        public int Errors;

        public void Error(string what)
        {
            if (Recording && Interlocked.Increment(ref Errors) <= 5)
            {
                Console.Error.WriteLine("mixed error: " + what);
            }
        }
    }

    private static async Task<Latencies> ClientLoopAsync(Options o, int client, int userIndex, List<byte[]> appendMessages, RunState run, bool noLogin, TimeSpan period, TlsMode tls, CancellationToken ct)
    {
        var latencies = new Latencies();
        var rnd = new Random(client);
        var user = o.User(userIndex);
        while (!run.Stop && !ct.IsCancellationRequested)
        {
            try
            {
                await using var c = await ImapConnection.ConnectAsync(o.Server, o.Source(client), 16 * 1024, ct, tls);
                await SessionAsync(c, user, o.Password, rnd, appendMessages, latencies, run, noLogin, period, ct);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
            {
                if (!ct.IsCancellationRequested)
                {
                    run.Error(e.Message);
                }
            }
        }

        return latencies;
    }

    private static async Task SessionAsync(ImapConnection c, string user, string password, Random rnd, List<byte[]> appendMessages, Latencies latencies, RunState run, bool noLogin, TimeSpan period, CancellationToken ct)
    {
        async Task<TaggedReply> Timed(string name, Func<Task<TaggedReply>> action)
        {
            var start = Stopwatch.GetTimestamp();
            var reply = await action();
            Record(name, start, reply);
            return reply;
        }

        void Record(string name, long start, TaggedReply reply)
        {
            if (!run.Recording)
            {
                return;
            }

            if (!reply.Ok)
            {
                run.Error($"{name}: {reply.Status} {reply.Text}");
            }

            latencies.Add(name, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        if (noLogin)
        {
            // One untimed LOGIN and SELECT, then the loop for as long as the run lasts.
            if (!(await c.LoginAsync(user, password, ct)).Ok)
            {
                run.Error("LOGIN failed");
                return;
            }

            var exists = 0;
            await c.SendAsync("SELECT INBOX", ct);
            await c.ReadTaggedAsync(line => exists = ParseExists(line.Text) ?? exists, ct);
            // Paced: the sessions start their loops spread over one period, and each starts its
            // next a period after its last began (at once when the last took longer: no catching up).
            if (period > TimeSpan.Zero) await Task.Delay(period * rnd.NextDouble(), ct);
            var next = Stopwatch.GetTimestamp();
            while (!run.Stop && !ct.IsCancellationRequested)
            {
                await Timed("NOOP", () => c.CommandAsync("NOOP", ct));
                await WorkAsync(exists);
                if (period <= TimeSpan.Zero) continue;
                next += (long)(period.TotalSeconds * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
                else next = Stopwatch.GetTimestamp();
            }

            await c.CommandAsync("LOGOUT", ct);
            return;
        }

        if (!(await Timed("LOGIN", () => c.LoginAsync(user, password, ct))).Ok)
        {
            return;
        }

        var count = 0;
        var selectStart = Stopwatch.GetTimestamp();
        await c.SendAsync("SELECT INBOX", ct);
        var select = await c.ReadTaggedAsync(line => count = ParseExists(line.Text) ?? count, ct);
        Record("SELECT", selectStart, select);
        await WorkAsync(count);
        await Timed("LOGOUT", () => c.CommandAsync("LOGOUT", ct));

        // What a session does once a folder is selected; the folder has as many messages at the end.
        async Task WorkAsync(int exists)
        {
            for (var round = 0; round < 3 && exists > 0; round++)
            {
                // Pipelined as clients do after SELECT: flags of all, then the body of one message.
                var n = rnd.Next(1, exists + 1).ToString(CultureInfo.InvariantCulture);
                var start = Stopwatch.GetTimestamp();
                await c.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"f1 FETCH 1:* (UID FLAGS)\r\nf2 FETCH {n} (BODY.PEEK[])\r\n"), ct);
                Record("FETCH flags", start, await c.ReadTaggedAsync(null, ct));
                Record("FETCH body", start, await c.ReadTaggedAsync(null, ct));
                var sign = rnd.Next(2) == 0 ? '+' : '-';
                await Timed("STORE", () => c.CommandAsync($"STORE {n} {sign}FLAGS (\\Seen)", ct));
            }

            var message = appendMessages[rnd.Next(appendMessages.Count)];
            await Timed("APPEND", () => c.AppendAsync("INBOX", [message], "(\\Seen)", ct));
            var deleteStart = Stopwatch.GetTimestamp();
            // The appended message is the last one: mark it and expunge it, pipelined.
            await c.WriteAsync("d1 STORE * +FLAGS.SILENT (\\Deleted)\r\nd2 EXPUNGE\r\n"u8.ToArray(), ct);
            Record("STORE", deleteStart, await c.ReadTaggedAsync(null, ct));
            Record("EXPUNGE", deleteStart, await c.ReadTaggedAsync(null, ct));
        }
    }

    public static int? ParseExists(string line)
    {
        // "* 23 EXISTS" (RFC 9051 §7.4.1)
        if (!line.EndsWith(" EXISTS", StringComparison.OrdinalIgnoreCase) || !line.StartsWith("* ", StringComparison.Ordinal))
        {
            return null;
        }

        return int.TryParse(line.AsSpan(2, line.Length - 2 - " EXISTS".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}
