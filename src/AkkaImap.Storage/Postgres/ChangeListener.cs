using System.Collections.Immutable;
using Npgsql;

namespace AkkaImap.Storage.Postgres;

/// <summary>
/// One connection that LISTENs for the change feed's NOTIFY and calls every watch. It starts
/// with the first watch and waits in the socket (no polling: an idle server wakes for nothing).
/// A lost connection is reported to the watches' error callbacks and opened again; once
/// listening (again), every watch is called, since changes may have been committed while nobody
/// listened: a watch reads the feed from the last id it saw, so a spurious call costs one query.
/// </summary>
internal sealed class ChangeListener(NpgsqlDataSource source) : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private ImmutableList<Registration> _watches = [];
    private Task? _loop;

    public IDisposable Add(Action onSignal, Action<Exception>? onError)
    {
        var registration = new Registration(this, onSignal, onError);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            _watches = _watches.Add(registration);
            _loop ??= Task.Run(RunAsync);
        }
        return registration;
    }

    private void Remove(Registration registration)
    {
        lock (_gate) _watches = _watches.Remove(registration);
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var c = await source.OpenConnectionAsync(ct).ConfigureAwait(false);
                c.Notification += (_, _) => SignalAll();
                await c.ExecAsync($"LISTEN {PostgresStore.ChangeChannel}").ConfigureAwait(false);
                SignalAll();
                while (true) await c.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                foreach (var w in Volatile.Read(ref _watches)) w.OnError?.Invoke(e);
                try { await Task.Delay(RetryDelay, ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private void SignalAll()
    {
        foreach (var w in Volatile.Read(ref _watches)) w.Signal();
    }

    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_gate)
        {
            _stop.Cancel();
            loop = _loop;
            _watches = [];
        }
        if (loop is not null)
        {
            try { await loop.ConfigureAwait(false); }
            catch (OperationCanceledException) { /* stopping */ }
        }
        _stop.Dispose();
    }

    /// <summary>
    /// A watch. A signal reads the list of watches once and calls each: one disposed meanwhile
    /// could still be called after its Dispose returned (a NOTIFY of another process arriving
    /// then; seen once in CI). Its own lock makes Dispose wait for a call under way, and no call
    /// starts after it.
    /// </summary>
    private sealed class Registration(ChangeListener owner, Action onSignal, Action<Exception>? onError) : IDisposable
    {
        private readonly object _gate = new();
        private bool _disposed;

        public Action<Exception>? OnError { get; } = onError;

        public void Signal()
        {
            lock (_gate)
            {
                if (!_disposed) onSignal();
            }
        }

        public void Dispose()
        {
            lock (_gate) _disposed = true;
            owner.Remove(this);
        }
    }
}
