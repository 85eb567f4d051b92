using System.Diagnostics;

namespace AkkaImap.Bench;

/// <summary>
/// <c>fill</c>: gives users first..first+users-1 each <c>--per-user</c> messages from the mbox in
/// their INBOX over IMAP, so both servers get the same mail the same way.
/// </summary>
public static class Fill
{
    public static async Task<int> RunAsync(Options o)
    {
        var messages = Messages.ReadMbox(o.Get("mbox", "sample.mbox"));
        var users = o.Int("users", 50);
        var first = o.Int("first-user", 1);
        var perUser = o.Int("per-user", 30);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(o.Int("timeout", 600)));
        var clock = Stopwatch.StartNew();
        var next = -1;
        var failures = 0;
        var workers = Enumerable.Range(0, o.Int("parallel", 4)).Select(async _ =>
        {
            int k;
            while ((k = Interlocked.Increment(ref next)) < users)
            {
                var index = first + k;
                try
                {
                    await using var c = await ImapConnection.ConnectAsync(o.Server, o.Source(k), 16 * 1024, cts.Token);
                    var login = await c.LoginAsync(o.User(index), o.Password, cts.Token);
                    if (!login.Ok)
                    {
                        throw new IOException($"LOGIN {o.User(index)}: {login.Status} {login.Text}");
                    }

                    var batch = Enumerable.Range(0, perUser).Select(j => messages[(k * perUser + j) % messages.Count]).ToList();
                    // MULTIAPPEND (RFC 3502) when offered: one command per user; else one APPEND each.
                    var batches = c.Capabilities.Contains("MULTIAPPEND", StringComparison.OrdinalIgnoreCase) ? [batch] : batch.Select(m => new List<byte[]> { m }).ToList();
                    foreach (var part in batches)
                    {
                        var append = await c.AppendAsync("INBOX", part, "()", cts.Token);
                        if (!append.Ok)
                        {
                            throw new IOException($"APPEND: {append.Status} {append.Text}");
                        }
                    }

                    await c.CommandAsync("LOGOUT", cts.Token);
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
                {
                    Interlocked.Increment(ref failures);
                    Console.Error.WriteLine($"fill {o.User(index)}: {e.Message}");
                }
            }
        });
        await Task.WhenAll(workers);
        Console.WriteLine($"filled {users} users with {perUser} messages each in {clock.Elapsed.TotalSeconds:0.0} s ({failures} failures)");
        return failures == 0 ? 0 : 1;
    }
}
