using System.Runtime;
using Akka.Actor;
using Akka.Event;
using AkkaImap.Server.Transport;

namespace AkkaImap.Server.Memory;

/// <summary>
/// Gives memory back to the operating system once a burst of large, short-lived buffers is over
/// (FETCH bodies for clients that never read, big APPEND literals). The .NET GC collects its large
/// object heap only in a full collection, and a full collection only happens when the program
/// allocates: a server that goes quiet after such a burst would keep its peak for good (issue 16
/// measured 1.7 GB kept after 150 stuck sessions closed). So every <see cref="Period"/> this looks at
/// the process: when its resident memory is <see cref="GrowthBytes"/> above where it settled after
/// the last such collection (or the lowest seen since), or the output held for clients
/// (<see cref="UnsentOutputTotal"/>) is that much below its peak since then (sessions that held it
/// went: their buffers are garbage now, though the process did not grow), and the server is now quiet (under
/// <see cref="QuietBytes"/> allocated in the last period), it asks for one compacting full collection that decommits what is free
/// (<see cref="GCCollectionMode.Aggressive"/>). A busy server is never interrupted, and a quiet one
/// pays one collection (tens of milliseconds with a small live heap) per burst.
/// </summary>
internal sealed class MemoryReturn(UnsentOutputTotal unsent) : UntypedActor, IWithTimers
{
    /// <summary>How often the allocation counters are looked at while the server works.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often once a period allocated under <see cref="IdleBytes"/> and there was nothing to give
    /// back: an idle server is woken a quarter as often (issue 17). After a burst that follows a
    /// quiet spell the next look comes at most this late, then every <see cref="Period"/> again,
    /// so memory is still given back within about half a minute of the burst.
    /// </summary>
    public static readonly TimeSpan IdlePeriod = TimeSpan.FromSeconds(20);

    /// <summary>Allocated in a period under which the server counts as idle (timers and housekeeping only).</summary>
    public const long IdleBytes = 256L * 1024;

    /// <summary>Resident memory above where it settled after the last collection before one is worth asking for.</summary>
    public const long GrowthBytes = 16L * 1024 * 1024;

    /// <summary>Allocated in the last period under which the server counts as quiet.</summary>
    public const long QuietBytes = 8L * 1024 * 1024;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _lastAllocated = GC.GetTotalAllocatedBytes();
    private bool _collecting;
    /// <summary>The lowest resident size seen since the last collection (after it, its result).</summary>
    private long _settled = Environment.WorkingSet;
    /// <summary>The most output held for clients since the last collection.</summary>
    private long _unsentPeak;
    private bool _slow;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(UnsentOutputTotal unsent) => Akka.Actor.Props.Create(() => new MemoryReturn(unsent));

    protected override void PreStart() => Timers.StartPeriodicTimer("tick", Tick.Instance, Period);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tick:
                OnTick();
                break;
            case Collected collected:
                _collecting = false;
                _lastAllocated = GC.GetTotalAllocatedBytes();
                _settled = collected.After;
                _unsentPeak = unsent.Bytes;
                _log.Info("Memory returned after a burst: resident {0:N0} MB before, {1:N0} MB after", collected.Before >> 20, _settled >> 20);
                break;
            case Status.Failure failure:
                _collecting = false;
                _log.Warning("Could not return memory: {0}", failure.Cause.Message);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnTick()
    {
        long allocated = GC.GetTotalAllocatedBytes();
        long lastPeriod = allocated - _lastAllocated;
        _lastAllocated = allocated;
        long resident = Environment.WorkingSet;
        _settled = Math.Min(_settled, resident);
        long held = unsent.Bytes;
        _unsentPeak = Math.Max(_unsentPeak, held);
        bool grown = resident - _settled >= GrowthBytes;
        bool released = _unsentPeak - held >= GrowthBytes;
        bool idle = !_collecting && !(grown || released) && lastPeriod < IdleBytes;
        if (idle != _slow)
        {
            _slow = idle;
            Timers.StartPeriodicTimer("tick", Tick.Instance, idle ? IdlePeriod : Period);
        }

        if (_collecting || !(grown || released) || lastPeriod > QuietBytes)
        {
            return;
        }

        _collecting = true;
        // A blocking collection stops every thread whoever asks for it; asked from a pool thread, not this actor's.
        Task.Run(() =>
        {
            long before = Environment.WorkingSet;
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            return new Collected(before, Environment.WorkingSet);
        }).PipeTo(Self);
    }

    private sealed record Tick : INoSerializationVerificationNeeded
    {
        public static readonly Tick Instance = new();
    }

    private sealed record Collected(long Before, long After) : INoSerializationVerificationNeeded;
}
