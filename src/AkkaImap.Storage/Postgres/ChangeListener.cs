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
        foreach (var w in Volatile.Read(ref _watches)) w.OnSignal();
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

    private sealed class Registration(ChangeListener owner, Action onSignal, Action<Exception>? onError) : IDisposable
    {
        public Action OnSignal { get; } = onSignal;
        public Action<Exception>? OnError { get; } = onError;
        public void Dispose() => owner.Remove(this);
    }
}
