using System.Reflection;
using AkkaImap.Storage;

namespace AkkaImap.Server.Tests.Accounts;

/// <summary>
/// The real store, except that the method named by <see cref="FailNext"/> fails once with an
/// unexpected exception (as a broken disk would), to show the account actor survives it.
/// </summary>
public class FaultyStore : DispatchProxy
{
    private IStore _inner = null!;
    private string? _failNext;

    public static (IStore Store, FaultyStore Control) Wrap(IStore inner)
    {
        var proxy = Create<IStore, FaultyStore>();
        var control = (FaultyStore)(object)proxy;
        control._inner = inner;
        return (proxy, control);
    }

    public string? FailNext
    {
        get => Volatile.Read(ref _failNext);
        set => Volatile.Write(ref _failNext, value);
    }

    /// <summary>What the armed method fails with (an unexpected I/O error unless set).</summary>
    public Exception Fault { get; set; } = new IOException("disk I/O error");

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(method);
        // CompareExchange compares references: swap out the very string that was read.
        var armed = FailNext;
        if (armed == method.Name && Interlocked.CompareExchange(ref _failNext, null, armed) == armed)
            return Faulted(method.ReturnType, Fault);
        try
        {
            return method.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    private static object Faulted(Type taskType, Exception error)
    {
        if (taskType == typeof(Task)) return Task.FromException(error);
        var fromException = typeof(Task).GetMethods()
            .Single(m => m.Name == nameof(Task.FromException) && m.IsGenericMethodDefinition)
            .MakeGenericMethod(taskType.GetGenericArguments()[0]);
        return fromException.Invoke(null, [error])!;
    }
}
