using Akka.Actor;
using Akka.Event;

namespace AkkaImap.Server.Workers;

/// <summary>
/// One worker of the <see cref="WorkerPool"/>. It starts the work on its own thread and answers
/// from the thread the work ends on: replying and telling its pool that it is free are two
/// messages, so the answer does not first wait for this actor's turn on the dispatcher (a store
/// read ends on a store thread and reaches .NET's pool; going back through this actor's mailbox
/// cost one more thread wake-up per FETCH). The pool gives it the next item only once it is free.
/// </summary>
internal sealed class Worker : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public Worker()
    {
        Receive<RunWork>(m =>
        {
            var replyTo = Sender;
            var self = Self;
            var pool = Context.Parent;
            Task<object> work;
            try
            {
                work = m.Work();
            }
            catch (Exception ex)
            {
                work = Task.FromException<object>(ex);
            }
            work.ContinueWith(done => Answer(done, m, replyTo, self, pool), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        });
    }

    private void Answer(Task<object> done, RunWork m, IActorRef replyTo, IActorRef self, IActorRef pool)
    {
        if (done.IsCompletedSuccessfully)
        {
            if (m.Completion is { } completion) completion.TrySetResult(done.Result);
            else replyTo.Tell(m.Tag is null ? done.Result : new WorkCompleted(m.Tag, done.Result), self);
        }
        else
        {
            var error = done.Exception?.InnerException ?? new TaskCanceledException(done);
            _log.Debug("Work failed: {0}", error.Message);
            if (m.Completion is { } completion) completion.TrySetException(error);
            else replyTo.Tell(new Status.Failure(error, m.Tag), self);
        }
        pool.Tell(WorkerFree.Instance, self);
    }
}
