using Akka.Actor;
using AkkaImap.Server.Configuration;
using Xunit;

namespace AkkaImap.Server.Tests.Configuration;

/// <summary>
/// The mailbox of connection and session actors (issue 17): defined by <see cref="ImapDispatcher.Hocon"/>,
/// FIFO for every sender, and its messages go to dead letters when the actor stops.
/// </summary>
public sealed class LeanMailboxTests() : Akka.TestKit.Xunit2.TestKit(ImapDispatcher.Hocon(2) + "\nakka.loglevel = WARNING")
{
    [Fact]
    public void An_actor_on_the_lean_mailbox_gets_each_senders_messages_in_order()
    {
        var props = LeanMailbox.On(Props.Create(() => new Echo(TestActor)), Sys);
        Assert.Equal(LeanMailbox.Id, props.Mailbox);
        var echo = Sys.ActorOf(props);
        var senders = Enumerable.Range(0, 4).ToList();
        Parallel.ForEach(senders, s =>
        {
            for (var i = 0; i < 500; i++)
            {
                echo.Tell((s, i));
            }
        });

        var next = new int[senders.Count];
        for (var n = 0; n < senders.Count * 500; n++)
        {
            var (s, i) = ExpectMsg<(int, int)>();
            Assert.Equal(next[s]++, i);
        }
    }

    [Fact]
    public void The_queue_hands_what_is_left_to_dead_letters_on_clean_up()
    {
        var queue = new LeanMessageQueue();
        Assert.False(queue.HasMessages);
        queue.Enqueue(TestActor, new Akka.Actor.Envelope("one", TestActor));
        queue.Enqueue(TestActor, new Akka.Actor.Envelope("two", TestActor));
        Assert.Equal(2, queue.Count);
        var dead = new LeanMessageQueue();
        queue.CleanUp(TestActor, dead);
        Assert.False(queue.HasMessages);
        Assert.True(dead.TryDequeue(out var first));
        Assert.Equal("one", first.Message);
        Assert.True(dead.TryDequeue(out var second));
        Assert.Equal("two", second.Message);
    }

    [Fact]
    public void Without_the_definition_the_props_keep_the_default_mailbox()
    {
        using var plain = ActorSystem.Create("plain", "akka.loglevel = WARNING");
        var props = LeanMailbox.On(Props.Create(() => new Echo(TestActor)), plain);
        Assert.NotEqual(LeanMailbox.Id, props.Mailbox);
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo(IActorRef target) => ReceiveAny(m => target.Tell(m));
    }
}
