using System.Text;
using Akka.Actor;
using Akka.TestKit;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Tests.Owners;
using AkkaImap.Server.Transport;
using Xunit;

namespace AkkaImap.Server.Tests.Sessions;

/// <summary>
/// In a cluster a mailbox's owner moves when its node leaves: the session's next command may be
/// answered by the new owner before the session hears that the one it subscribed to stopped. That
/// owner never had the session's subscription (nor, here, the folder loaded), so its reply does not
/// bring the view up to date: the session subscribes with it at once and holds its next command
/// until the answer, so that command sees what the new owner did. A probe stands in for the owner
/// region and hands each request to the owner the test chooses: the first real owners, or a second
/// set over the same store, as a new node would start them.
/// </summary>
public sealed class SessionOwnerMovedTests : SessionTestKit
{
    [Fact]
    public void A_UID_MOVE_pipelined_after_an_APPEND_answered_by_a_new_owner_moves_the_appended_message()
    {
        // The session subscribes with the owner that answered before it runs the MOVE.
        var (client, region, successor) = AppendThroughANewOwner("m UID MOVE 1 Archive");
        var resubscribe = region.ExpectMsg<AccountEnvelope>(Wait);
        Assert.IsType<Resubscribe>(resubscribe.Command);
        successor.Tell(resubscribe, client.Session);
        var move = region.ExpectMsg<AccountEnvelope>(Wait);
        Assert.Equal([1u], Assert.IsType<MoveMessages>(move.Command).Uids);
        successor.Tell(move, client.Session);

        var lines = client.ReadUntilTagged("m");
        var exists = lines.IndexOf("* 1 EXISTS");
        var copyUid = lines.FindIndex(line => line.StartsWith("* OK [COPYUID ", StringComparison.Ordinal));
        Assert.True(exists >= 0 && copyUid > exists, string.Join(" | ", lines));
        Assert.Contains("* 1 EXPUNGE", lines);
        Assert.StartsWith("m OK", lines[^1]);
    }

    [Fact]
    public void Commands_wait_for_the_new_owner_one_retry_at_most()
    {
        // Nobody answers the resubscription (the new owner's node died too): at the first retry,
        // which goes out again, the NOOP runs.
        var (client, region, successor) = AppendThroughANewOwner("n NOOP");
        var next = new[] { region.ExpectMsg<AccountEnvelope>(TimeSpan.FromSeconds(10)), region.ExpectMsg<AccountEnvelope>(Wait) };
        Assert.Single(next, envelope => envelope.Command is Resubscribe);
        successor.Tell(Assert.Single(next, envelope => envelope.Command is SyncFolder), client.Session);
        Assert.Equal("n OK NOOP completed", client.ReadUntilTagged("n")[^1]);
    }

    [Fact]
    public void Input_piling_up_while_commands_wait_for_the_new_owner_suspends_reading_until_it_answers()
    {
        var (client, region, successor) = AppendThroughANewOwner("n NOOP");
        var resubscribe = region.ExpectMsg<AccountEnvelope>(Wait);
        // More than a command's worth (max-line + 1 MiB) of pipelined input while the NOOP waits.
        var literal = new string('x', 1_200_000);
        client.Send($"b ID (\"k\" {{{literal.Length}+}}\r\n{literal})\r\n");
        client.ExpectCommand<SuspendReading>();

        successor.Tell(resubscribe, client.Session);
        successor.Tell(region.ExpectMsg<AccountEnvelope>(Wait), client.Session);
        Assert.Equal("n OK NOOP completed", client.ReadUntilTagged("n")[^1]);
        Assert.Equal("b OK ID completed", client.ReadUntilTagged("b")[^1]);
        client.ExpectCommand<ResumeReading>();
    }

    /// <summary>
    /// INBOX selected through the first owners; then an APPEND, with <paramref name="next"/>
    /// pipelined after it, answered by a second set of owners over the same store, as a new node
    /// would start them, which never heard of this session. Returns once the APPEND is answered.
    /// </summary>
    private (Client Client, TestProbe Region, IActorRef Successor) AppendThroughANewOwner(string next)
    {
        var (client, region) = SelectInboxThroughProbe();
        var successor = Sys.ActorOf(LocalOwners.Props(Store));
        var body = "Subject: moved\r\n\r\nMoved.\r\n";
        client.Send($"a APPEND INBOX {{{Encoding.ASCII.GetByteCount(body)}+}}\r\n{body}\r\n{next}\r\n");
        var append = region.ExpectMsg<AccountEnvelope>(Wait);
        Assert.IsType<AppendMessages>(append.Command);
        successor.Tell(append, client.Session);
        Assert.StartsWith("a OK [APPENDUID ", client.ReadUntilTagged("a")[^1]);
        return (client, region, successor);
    }
}
