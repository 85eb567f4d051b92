using Akka.Actor;
using Akka.Event;

namespace AkkaImap.Server.Workers;

/// <summary>
/// One worker of the <see cref="WorkerPool"/>. The work runs inside <c>ReceiveAsync</c>: the worker
/// takes the next item only when this one has finished, and continuations stay on the IMAP
/// dispatcher. Once it has answered, it tells its pool that it is free.
/// </summary>
internal sealed class Worker : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public Worker()
    {
        ReceiveAsync<RunWork>(async m =>
        {
            var replyTo = Sender;
            object reply;
            try
            {
                var result = await m.Work();
                reply = m.Tag is null ? result : new WorkCompleted(m.Tag, result);
            }
            catch (Exception ex)
            {
                _log.Debug("Work failed: {0}", ex.Message);
                reply = new Status.Failure(ex, m.Tag);
            }
            replyTo.Tell(reply, Self);
            Context.Parent.Tell(WorkerFree.Instance, Self);
        });
    }
}
