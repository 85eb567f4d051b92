using System.Diagnostics;
using AkkaImap.IntegrationTests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Settings;

public sealed class ShortIdleTimeoutServer : ServerFixture
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);

    protected override string ExtraSettings => "idle-timeout = 2s";
}

/// <summary>
/// MailEnable "Timeout for idle connections" as <c>idle-timeout = 2s</c>: a logged-in connection that
/// sends no command for that long gets <c>* BYE</c> and is closed (RFC 9051 §5.4 autologout); only
/// client commands count as activity, not the folder's own notifications.
/// </summary>
public sealed class IdleTimeoutTests(ShortIdleTimeoutServer server) : IClassFixture<ShortIdleTimeoutServer>
{
    private const string Login = "alice@example.com";
    // Well below the timeout, so a loaded machine cannot stretch a pause past it.
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(300);
    // The timer starts when the server has sent the reply; the client reads it a little later.
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task An_idle_logged_in_connection_gets_bye_and_is_closed()
    {
        // Timed from before the login: the server's timer starts later than that, so a slow test
        // host reading the replies late cannot make a correct server look early.
        var quiet = Stopwatch.StartNew();
        await using var client = await LoggedInAsync();

        var said = await client.ReadUntilClosedAsync(LineClient.Bound);

        Assert.StartsWith("* BYE ", Assert.Single(said));
        Assert.True(quiet.Elapsed >= ShortIdleTimeoutServer.IdleTimeout - Slack, $"closed after {quiet.Elapsed}");
    }

    [Fact]
    public async Task A_connection_that_keeps_sending_noop_is_not_dropped()
    {
        await using var client = await LoggedInAsync();
        var alive = Stopwatch.StartNew();
        var n = 0;
        while (alive.Elapsed < 2 * ShortIdleTimeoutServer.IdleTimeout)
        {
            var tag = "n" + n++;
            Assert.StartsWith(tag + " OK ", (await client.RunAsync(tag, "NOOP")).Last());
            await Task.Delay(Pace);
        }

        // Silent from now on: the timeout still applies.
        Assert.StartsWith("* BYE ", Assert.Single(await client.ReadUntilClosedAsync(LineClient.Bound)));
    }

    [Fact]
    public async Task An_idle_client_on_a_busy_folder_still_times_out()
    {
        // Another session keeps the folder busy from before the idler arrives until it is gone, so
        // appends reach the idler as EXISTS (RFC 2177) all through its IDLE.
        using var stop = new CancellationTokenSource();
        var firstAppended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var appending = KeepAppendingAsync(firstAppended, stop.Token);
        List<string> said;
        Stopwatch started;
        try
        {
            await firstAppended.Task.WaitAsync(LineClient.Bound);
            await using var idler = await LoggedInAsync();
            await idler.RunAsync("s", "SELECT INBOX");
            // Timed from before IDLE is sent: the server cannot start its timer earlier.
            started = Stopwatch.StartNew();
            await idler.WriteLineAsync("i IDLE");
            Assert.StartsWith("+ ", await idler.ReadLineAsync());
            said = await idler.ReadUntilClosedAsync(LineClient.Bound);
        }
        finally
        {
            await stop.CancelAsync();
            await appending;
        }

        Assert.Contains(said, l => l.EndsWith(" EXISTS", StringComparison.Ordinal));
        Assert.StartsWith("* BYE ", said[^1]);
        Assert.True(started.Elapsed >= ShortIdleTimeoutServer.IdleTimeout - Slack, $"closed after {started.Elapsed}");
    }

    private async Task<LineClient> LoggedInAsync()
    {
        var client = await LineClient.ConnectAsync("127.0.0.1", server.Port);
        Assert.StartsWith("* OK ", await client.ReadLineAsync());
        Assert.StartsWith("a OK ", (await client.RunAsync("a", $"LOGIN {Login} {server.Users[Login]}")).Last());
        return client;
    }

    /// <summary>
    /// Appends every <see cref="Pace"/> until stopped. The writer is subject to the same 2 s
    /// idle-timeout: on a loaded machine a pause between its commands can outlast it and the
    /// server rightly closes it, so it then reconnects; only the idler is under test.
    /// </summary>
    private async Task KeepAppendingAsync(TaskCompletionSource firstAppended, CancellationToken stop)
    {
        ImapClient? writer = null;
        try
        {
            for (var n = 1; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    writer ??= await server.ConnectAsync(Login);
                    await AppendAsync(writer, n);
                    firstAppended.TrySetResult();
                }
                catch (Exception e) when (e is IOException or ImapProtocolException or ServiceNotConnectedException)
                {
                    writer?.Dispose();
                    writer = null;
                    continue;
                }

                try
                {
                    await Task.Delay(Pace, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            writer?.Dispose();
        }
    }

    private static async Task AppendAsync(ImapClient client, int n)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("bob@example.com"));
        message.To.Add(MailboxAddress.Parse(Login));
        message.Subject = "busy " + n;
        message.Body = new TextPart("plain") { Text = "keeps the folder busy" };
        await client.Inbox.AppendAsync(message, MessageFlags.None);
    }
}

public sealed class ShortPreAuthTimeoutServer : ServerFixture
{
    public static readonly TimeSpan PreAuthTimeout = TimeSpan.FromSeconds(2);

    protected override string ExtraSettings => "pre-auth-timeout = 2s\nidle-timeout = 5m";
}

/// <summary><c>pre-auth-timeout = 2s</c>: before login the shorter timeout applies; after it, <c>idle-timeout</c>.</summary>
public sealed class PreAuthTimeoutTests(ShortPreAuthTimeoutServer server) : IClassFixture<ShortPreAuthTimeoutServer>
{
    private const string Login = "alice@example.com";

    [Fact]
    public async Task A_connection_that_never_logs_in_gets_bye_and_is_closed()
    {
        // Timed from before the connection: the server's pre-auth timer starts later than that.
        var quiet = Stopwatch.StartNew();
        await using var client = await LineClient.ConnectAsync("127.0.0.1", server.Port);
        Assert.StartsWith("* OK ", await client.ReadLineAsync());

        var said = await client.ReadUntilClosedAsync(LineClient.Bound);

        Assert.StartsWith("* BYE ", Assert.Single(said));
        Assert.True(quiet.Elapsed >= ShortPreAuthTimeoutServer.PreAuthTimeout - TimeSpan.FromMilliseconds(500), $"closed after {quiet.Elapsed}");
    }

    [Fact]
    public async Task A_slow_sender_is_dropped_at_the_pre_auth_deadline_whatever_it_sends()
    {
        // Issue 16, finding 1: one byte every 200 ms used to restart the timer for ever.
        var since = Stopwatch.StartNew();
        await using var client = await LineClient.ConnectAsync("127.0.0.1", server.Port);
        Assert.StartsWith("* OK ", await client.ReadLineAsync());
        var reading = client.ReadUntilClosedAsync(LineClient.Bound);

        var trickle = $"a LOGIN {Login} {new string('x', 200)}";
        foreach (var c in trickle)
        {
            if (reading.IsCompleted)
            {
                break;
            }
            try
            {
                await client.WriteAsync(c.ToString());
            }
            catch (IOException)
            {
                break;
            }
            // The pace of the slow sender is what is tested here.
            await Task.Delay(200);
        }

        Assert.StartsWith("* BYE ", Assert.Single(await reading));
        // Closed at the deadline, long before the 40 s the trickle would take.
        Assert.True(since.Elapsed < ShortPreAuthTimeoutServer.PreAuthTimeout * 5, $"closed after {since.Elapsed}");
    }

    [Fact]
    public async Task After_login_the_pre_auth_timeout_no_longer_applies()
    {
        await using var client = await LineClient.ConnectAsync("127.0.0.1", server.Port);
        Assert.StartsWith("* OK ", await client.ReadLineAsync());
        Assert.StartsWith("a OK ", (await client.RunAsync("a", $"LOGIN {Login} {server.Users[Login]}")).Last());

        // Quiet for well over pre-auth-timeout (the passing of time is what is tested here).
        await Task.Delay(ShortPreAuthTimeoutServer.PreAuthTimeout * 2);

        Assert.StartsWith("n OK ", (await client.RunAsync("n", "NOOP")).Last());
    }
}
