using Akka.Actor;
using Akka.Event;

namespace AkkaImap.Server.Telemetry;

/// <summary>
/// Counts dead letters (<c>akkaimap_dead_letters_total</c>): messages sent to an actor that had
/// stopped. A few come with every closed connection; a steady climb means replies nobody waits for.
/// </summary>
public sealed class DeadLetterCounter : ReceiveActor
{
    public DeadLetterCounter()
    {
        Receive<DeadLetter>(_ => ImapMetrics.DeadLetter());
    }

}

/// <summary>Starts <see cref="DeadLetterCounter"/>.</summary>
public static class DeadLetterCounting
{
    /// <summary>Starts the counter on <paramref name="system"/>'s event stream.</summary>
    public static void Start(ActorSystem system)
    {
        var counter = system.ActorOf(Props.Create<DeadLetterCounter>(), "dead-letter-counter");
        system.EventStream.Subscribe(counter, typeof(DeadLetter));
    }
}
