using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Akka.Actor;
using AkkaImap.Storage;

namespace AkkaImap.Server.Tests.Threads;

/// <summary>One store call made while an actor was processing a message: which actor, on which thread.</summary>
public sealed record ActorThreadUse(string ActorPath, int ThreadId, string? ThreadName, string Method);

/// <summary>
/// The real store, noting for every call made from inside an actor (session, account or worker:
/// whoever calls the store) the actor and the thread it is running on. Calls from outside any
/// actor (continuations on the .NET pool after <c>ConfigureAwait(false)</c>) are not actor work and
/// are not noted. Not sealed: <see cref="DispatchProxy"/> derives from it.
/// </summary>
public class ThreadRecordingStore : DispatchProxy
{
    private readonly ConcurrentQueue<ActorThreadUse> _uses = new();
    private IStore _inner = null!;

    public IReadOnlyCollection<ActorThreadUse> Uses => _uses.ToArray();

    public static (IStore Store, ThreadRecordingStore Recorder) Wrap(IStore inner)
    {
        var proxy = Create<IStore, ThreadRecordingStore>();
        var recorder = (ThreadRecordingStore)(object)proxy;
        recorder._inner = inner;
        return (proxy, recorder);
    }

    /// <summary>Notes the calling actor (if any) and thread, for work done outside the store.</summary>
    public void Note(string what)
    {
        var self = ActorCell.GetCurrentSelfOrNoSender();
        if (self is not null && !self.IsNobody())
        {
            _uses.Enqueue(new ActorThreadUse(self.Path.ToStringWithoutAddress(), Environment.CurrentManagedThreadId, Thread.CurrentThread.Name, what));
        }
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(method);
        Note(method.Name);
        try
        {
            return method.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
