using System.Text;
using AkkaImap.Server.Accounts;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Sessions;

/// <summary>
/// A plain EXPUNGE pipelined behind a STORE (how clients delete: mark \Deleted, then expunge) goes
/// to the owner while the STORE still waits for its answer, so the owner can queue both writes for
/// one commit; the client still reads the answers in the order it sent the commands. A probe stands
/// in for the owner region and hands each request on to the real owners when the test says.
/// </summary>
public sealed class SessionSendAheadTests : SessionTestKit
{
    [Fact]
    public async Task An_EXPUNGE_pipelined_behind_a_STORE_reaches_the_owner_before_the_STORE_is_answered()
    {
        var (client, region) = await SelectWithOneMessage();
        client.Send("d1 STORE 1 +FLAGS.SILENT (\\Deleted)\r\nd2 EXPUNGE\r\n");
        var store = region.ExpectMsg<AccountEnvelope>(Wait);
        Assert.IsType<StoreFlags>(store.Command);
        var expunge = region.ExpectMsg<AccountEnvelope>(Wait);
        Assert.IsType<Expunge>(expunge.Command);

        Region.Tell(store, client.Session);
        Region.Tell(expunge, client.Session);
        var lines = client.ReadUntilTagged("d1");
        Assert.Equal("d1 OK STORE completed", Assert.Single(lines));
        Assert.Equal(["* 1 EXPUNGE", "d2 OK EXPUNGE completed"], client.ReadUntilTagged("d2"));
    }

    [Fact]
    public async Task An_EXPUNGE_sent_ahead_and_answered_first_is_answered_after_the_STORE()
    {
        var (client, region) = await SelectWithOneMessage();
        client.Send("d1 STORE 1 +FLAGS.SILENT (\\Deleted)\r\nd2 EXPUNGE\r\n");
        var store = region.ExpectMsg<AccountEnvelope>(Wait);
        var expunge = region.ExpectMsg<AccountEnvelope>(Wait);

        // The owner takes the EXPUNGE first: nothing is \Deleted yet, and its answer comes first.
        Region.Tell(expunge, client.Session);
        Region.Tell(store, client.Session);
        Assert.Equal(["d1 OK STORE completed"], client.ReadUntilTagged("d1"));
        Assert.Equal(["d2 OK EXPUNGE completed"], client.ReadUntilTagged("d2"));
        client.Send("f FETCH 1 (FLAGS)\r\n");
        Assert.Equal("* 1 FETCH (FLAGS (\\Deleted))", client.ReadUntilTagged("f")[0]);
    }

    [Fact]
    public async Task Other_commands_pipelined_behind_a_STORE_wait_for_its_answer()
    {
        // A UID EXPUNGE names messages the STORE's answer may change: it runs in its turn.
        var (client, region) = await SelectWithOneMessage();
        client.Send("d1 STORE 1 +FLAGS.SILENT (\\Deleted)\r\nd2 UID EXPUNGE 1\r\n");
        var store = region.ExpectMsg<AccountEnvelope>(Wait);
        region.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        Region.Tell(store, client.Session);
        Assert.Equal(["d1 OK STORE completed"], client.ReadUntilTagged("d1"));
        var expunge = region.ExpectMsg<AccountEnvelope>(Wait);
        Assert.Equal([1u], Assert.IsType<Expunge>(expunge.Command).Uids);
        Region.Tell(expunge, client.Session);
        Assert.Equal(["* 1 EXPUNGE", "d2 OK UID EXPUNGE completed"], client.ReadUntilTagged("d2"));
    }

    /// <summary>A session through a probe for the region, with INBOX (one message, not \Recent) selected.</summary>
    private async Task<(Client Client, Akka.TestKit.TestProbe Region)> SelectWithOneMessage()
    {
        await AppendThroughAccountAsync("INBOX", new AppendRequest(Encoding.ASCII.GetBytes("Subject: one\r\n\r\nOne.\r\n")));
        ClaimRecent();
        return SelectInboxThroughProbe();
    }
}
