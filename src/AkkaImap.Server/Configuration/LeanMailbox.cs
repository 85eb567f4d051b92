using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace AkkaImap.Server.Configuration;

/// <summary>
/// The mailbox of the two actors every connection has (connection and session): an unbounded
/// queue behind a lock that holds no array until its first message and 4 slots after it. Akka's
/// default mailbox is a <c>ConcurrentQueue</c>, whose first segment of 32 slots costs about 1 KB
/// per actor whether or not a message ever waits; with 10,000 IDLE connections that was 20 MB
/// (issue 17, measured with dotnet-gcdump). These actors get a handful of messages at a time, so
/// the lock is not contended the way a busy shared actor's queue would be.
/// </summary>
public sealed class LeanMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<LeanMessageQueue>
{
    /// <summary>The configuration path <see cref="ImapDispatcher.Hocon"/> defines; <c>Props.WithMailbox(Id)</c>.</summary>
    public const string Id = "akka-imap-lean-mailbox";

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new LeanMessageQueue();

    /// <summary>The props on this mailbox when the actor system defines it (a test's system may not).</summary>
    public static Props On(Props props, ActorSystem system) =>
        system.Settings.Config.HasPath(Id) ? props.WithMailbox(Id) : props;
}

/// <summary>The queue of <see cref="LeanMailbox"/>: many senders, one consumer, FIFO.</summary>
public sealed class LeanMessageQueue : IMessageQueue, IUnboundedMessageQueueSemantics
{
    private readonly Queue<Envelope> _queue = new();

    public bool HasMessages
    {
        get
        {
            lock (_queue)
            {
                return _queue.Count > 0;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_queue)
            {
                return _queue.Count;
            }
        }
    }

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (_queue)
        {
            _queue.Enqueue(envelope);
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        lock (_queue)
        {
            return _queue.TryDequeue(out envelope);
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope))
        {
            deadletters.Enqueue(owner, envelope);
        }
    }
}
