using System.Diagnostics;
using Akka.Actor;
using Akka.Dispatch;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Telemetry;
using AkkaImap.Storage;

namespace AkkaImap.Server.Owners;

// Pipelined writes: a STORE or EXPUNGE in a loaded folder of an account's own goes to the store as
// soon as it arrives, behind the writes still in flight, and is answered when it completes, in the
// order taken. With a store that runs these writes in the order called (SQLite's single writer), a
// session's pipelined STORE \Deleted and EXPUNGE then share one group commit instead of waiting for
// two in a row. Anything else waits until the writes before it are answered, so every command still
// sees, and every session still hears, the changes in commit order. A completed write continues on
// this actor's own task scheduler, as an await in a ReceiveAsync handler does, and is answered there
// without waiting for anything, so answers cannot interleave.
public sealed partial class OwnerActor
{
    private readonly Queue<PendingWrite> _inFlight = new();

    /// <summary>A write sent to the store and not yet answered.</summary>
    /// <param name="Result">The reply and events once <paramref name="Write"/> completed (rethrows its failure).</param>
    private sealed record PendingWrite(OwnerRequest Request, IActorRef Requester, Task Write,
        Func<(object, IReadOnlyList<FolderEvent>)> Result, Activity? Span);

    /// <summary>A pipelined write completed where the owner could not be told directly: answer what is complete.</summary>
    private sealed class WritesDone : INoSerializationVerificationNeeded
    {
        public static readonly WritesDone Instance = new();
    }

    /// <summary>A pipelined write failed unexpectedly: bring the cache and every session in line with the store.</summary>
    private sealed class ResyncNeeded : INoSerializationVerificationNeeded
    {
        public static readonly ResyncNeeded Instance = new();
    }

    /// <summary>
    /// Answers at once a STORE that changes nothing in a loaded folder of an account's own (the
    /// owner, holding the mailbox's lease, has its flags exact). Otherwise sends a STORE or EXPUNGE
    /// to the store now when nothing it needs is missing: the store keeps the order of these
    /// writes, the folder is an account's own (no rights to look up) and loaded, and this owner
    /// holds the mailbox's lease. False: it runs as any other command.
    /// </summary>
    private bool TryPipeline(OwnerRequest request, IActorRef requester)
    {
        if (_policy.PerReaderSeen || !_leaseTaken) return false;
        // A STORE that changes nothing (+FLAGS \Seen on messages already seen) is answered from the
        // loaded folder, without a write: the store would find the same (a third of the STOREs
        // of the mixed load, each a turn of the single writer, issue 17). Only with no write in
        // flight, which could change those flags first.
        if (request.Command is StoreFlags { UnchangedSince: null } noChange && _inFlight.Count == 0
            && _state.Folder(noChange.FolderId) is { } loaded
            && loaded.StoreChangesNothing(noChange.Uids, noChange.Mode, noChange.Flags, noChange.Keywords))
        {
            Reply(requester, request, new FlagsStored(noChange.FolderId, [], [], loaded.HighestModSeq));
            return true;
        }
        if (!_store.WritesInOrder) return false;
        if (request.Command switch { StoreFlags m => !_state.IsLoaded(m.FolderId), Expunge m => !_state.IsLoaded(m.FolderId), _ => true }) return false;
        // The store's span hangs below this one, which ends when the write is answered; the
        // next message's work is not below it.
        var outer = Activity.Current;
        var span = ImapTracing.StartOwnerWork(request.TraceParent, request.Command, _owner.Kind);
        Task write;
        Func<(object, IReadOnlyList<FolderEvent>)> result;
        if (request.Command is StoreFlags store)
        {
            var stored = Started(() => _store.StoreFlagsAsync(store.FolderId, store.Uids, store.Mode, store.Flags, store.Keywords, store.UnchangedSince));
            (write, result) = (stored, () => Stored(request.ReaderId, store, stored.GetAwaiter().GetResult()));
        }
        else
        {
            var m = (Expunge)request.Command;
            var expunged = Started(() => _store.ExpungeAsync(m.FolderId, m.Uids));
            (write, result) = (expunged, () => Removed(request.ReaderId, m.FolderId, expunged.GetAwaiter().GetResult()));
        }
        Activity.Current = outer;
        OwnerQueues.Report(Self.Path.Name, QueuedHere() + _inFlight.Count);
        _inFlight.Enqueue(new PendingWrite(request, requester, write, result, span));
        if (TaskScheduler.Current is ActorTaskScheduler actor)
        {
            // Straight from the writer's thread into this actor (as an await here would continue),
            // not through a .NET pool thread and this actor's mailbox: measured 1-2 ms per write at
            // 50 clients.
            write.ContinueWith(_ => AnswerWritesDone(), CancellationToken.None, TaskContinuationOptions.None, actor);
        }
        else
        {
            var self = Self;
            write.ContinueWith(static (_, to) => ((IActorRef)to!).Tell(WritesDone.Instance), self,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return true;
    }

    /// <summary>
    /// The store's write, with a failure it throws at once (a store closing as the server stops)
    /// kept in the task: it is answered in its turn like any failed write, where thrown here it
    /// would restart this actor and leave its requester unanswered.
    /// </summary>
    private static Task<T> Started<T>(Func<Task<T>> write)
    {
        try
        {
            return write();
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    /// <summary>
    /// Answers the completed writes at the head of the queue, in the order they were taken. It
    /// never waits, so no other answer can come between: a failure that needs the folders read
    /// again is left to a message of its own (<see cref="ResyncNeeded"/>).
    /// </summary>
    private void AnswerWritesDone()
    {
        while (_inFlight.TryPeek(out var head) && head.Write.IsCompleted)
        {
            _inFlight.Dequeue();
            AnswerWrite(head);
        }
    }

    private void AnswerWrite(PendingWrite write)
    {
        using var span = write.Span;
        object reply;
        IReadOnlyList<FolderEvent> events = [];
        try
        {
            (reply, events) = write.Result();
        }
        catch (Exception ex)
        {
            if (Refusal(ex, write.Request, write.Requester, missingIsTarget: false, out var resync) is not { } refusal)
            {
                if (resync) Self.Tell(ResyncNeeded.Instance);
                return;
            }
            reply = refusal;
        }
        // A STORE or EXPUNGE adds no message: nothing is \Recent, nothing to claim.
        Reply(write.Requester, write.Request, reply);
        Publish(events, write.Requester);
        _state.Trim();
    }

    /// <summary>Waits for every write in flight and answers each, in order.</summary>
    private async Task Drain()
    {
        while (_inFlight.TryPeek(out var head))
        {
            try
            {
                await head.Write;
            }
            catch (Exception)
            {
                // AnswerWrite reads the failure from the task and answers with it.
            }
            AnswerWritesDone();
        }
    }

    private async Task ResyncAfterWrites()
    {
        await Drain();
        await ResyncLoadedFolders();
    }

    /// <summary>
    /// This owner stops with writes in flight (handed off, or superseded): each may or may not be
    /// committed, and its requester is told so now rather than at its timeout. Its session
    /// subscribes again and hears what the store holds.
    /// </summary>
    private void AbandonWrites()
    {
        while (_inFlight.TryDequeue(out var write))
        {
            using var span = write.Span;
            Reply(write.Requester, write.Request, new AccountCommandFailed(AccountFailure.Unavailable,
                "The mailbox moved while this was being done; the change may or may not have been made"));
        }
    }
}
