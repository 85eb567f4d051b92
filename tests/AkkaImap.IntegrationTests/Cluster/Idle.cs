using System.Diagnostics;
using MailKit;
using MailKit.Net.Imap;

namespace AkkaImap.IntegrationTests.Cluster;

/// <summary>MailKit's IDLE on a selected folder, running until disposed; <see cref="UntilAsync"/> waits for what it hears.</summary>
internal sealed class Idle : IDisposable
{
    /// <summary>Bounds every wait, so a change that never arrives fails the test instead of hanging it.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _done = new();
    private readonly Task _running;
    private readonly SemaphoreSlim _changed = new(0);

    public Idle(ImapClient client, IMailFolder folder)
    {
        folder.CountChanged += (_, _) => _changed.Release();
        _running = client.IdleAsync(_done.Token);
    }

    public async Task UntilAsync(Func<bool> heard, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!heard())
        {
            if (_running.IsFaulted) throw new InvalidOperationException($"IDLE failed while waiting for {what}", _running.Exception);
            var left = Bound - clock.Elapsed;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"never saw {what}");
            await _changed.WaitAsync(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
        }
    }

    public void Dispose()
    {
        _done.Cancel();
        try
        {
            _running.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // The connection may already be gone.
        }
        _done.Dispose();
    }
}
