using System.Text;
using Akka.Actor;
using Akka.TestKit;
using AkkaImap.Server.Accounts;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Sessions;

/// <summary>
/// A command whose owner does not answer within <c>limits.owner-reply-timeout</c> is answered
/// <c>NO [UNAVAILABLE]</c> and the session goes on. Its reply may still come later (in cluster mode
/// the owner was moving to another node): every owner request carries an id that comes back with
/// its reply, so a late reply is never taken for the next command's; what it changed still reaches
/// the selected folder, and a late SELECT's subscription is ended. A probe stands in for the owner
/// region and hands requests to the real owners (and so their replies to the session) when the test
/// says; every message is serialized on the way (<c>serialize-messages = on</c>).
/// </summary>
public sealed class SessionLateReplyTests : SessionTestKit
{
    // Long enough for the real owner to run a late APPEND and then the NOOP that follows it on a
    // loaded CI machine (at 300 ms that NOOP once timed out too), short enough for the commands
    // that are meant to time out.
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromMilliseconds(1500);

    [Fact]
    public void A_command_the_owner_does_not_answer_in_time_is_answered_NO_UNAVAILABLE_and_the_next_command_gets_its_own_reply()
    {
        var (client, owner) = ConnectWithLateOwner();

        client.Send("a CREATE Box\r\n");
        var late = owner.ExpectMsg<AccountEnvelope>(Wait);
        Assert.IsType<CreateFolder>(late.Command);
        Assert.StartsWith("a NO [UNAVAILABLE] ", client.ReadLine());

        // The same CREATE again: its own reply says the folder exists, because the first one was
        // made after all. The late reply (created) comes first and must not answer it.
        client.Send("b CREATE Box\r\n");
        var current = owner.ExpectMsg<AccountEnvelope>(Wait);
        Assert.NotEqual(late.RequestId, current.RequestId);
        Region.Tell(late, client.Session);
        Region.Tell(current, client.Session);
        Assert.StartsWith("b NO [ALREADYEXISTS] ", client.ReadLine());

        // Nothing else was answered: the next command's response is the next line.
        Assert.Equal(["c OK NOOP completed"], client.Run("c", "NOOP"));
    }

    [Fact]
    public void A_late_APPEND_reply_still_tells_the_selected_folder_of_the_new_message()
    {
        var (client, owner) = ConnectWithLateOwner();
        Select(client, owner);

        var body = "Subject: late\r\n\r\nLate.\r\n";
        client.Send($"a APPEND INBOX {{{Encoding.ASCII.GetByteCount(body)}+}}\r\n{body}\r\n");
        var late = owner.ExpectMsg<AccountEnvelope>(Wait);
        Assert.IsType<AppendMessages>(late.Command);
        Assert.StartsWith("a NO [UNAVAILABLE] ", client.ReadLine());

        // The owner tells every other session of the append, and this one only through the reply.
        Region.Tell(late, client.Session);
        client.Send("b NOOP\r\n");
        var sync = owner.ExpectMsg<AccountEnvelope>(Wait);
        Assert.IsType<SyncFolder>(sync.Command);
        Region.Tell(sync, client.Session);
        var lines = client.ReadUntilTagged("b");
        Assert.Contains("* 1 EXISTS", lines);
        Assert.Equal("b OK NOOP completed", lines[^1]);
    }

    [Fact]
    public async Task A_late_SELECT_reply_ends_the_subscription_it_made()
    {
        var (client, owner) = ConnectWithLateOwner();

        client.Send("a SELECT INBOX\r\n");
        var late = owner.ExpectMsg<AccountEnvelope>(Wait);
        Assert.IsType<SelectFolder>(late.Command);
        Assert.StartsWith("a NO [UNAVAILABLE] ", client.ReadLine());

        // The owner subscribes the session when it finally runs the SELECT; the session, not
        // selected, ends that subscription, so the owner no longer sends it the folder's changes.
        Region.Tell(late, client.Session);
        var account = (await Store.FindAccountAsync(Login))!;
        var inbox = (await Store.GetFolderAsync(MailboxOwner.ForAccount(account.Id), "INBOX"))!.Id;
        var asker = CreateTestProbe();
        await AwaitAssertAsync(() =>
        {
            Region.Tell(new AccountEnvelope(account.Id, new CountSubscribers(inbox)), asker.Ref);
            Assert.Equal(0, asker.ExpectMsg<SubscriberCount>(Wait).Count);
        }, Wait);
        Assert.Equal(["b OK NOOP completed"], client.Run("b", "NOOP"));
    }

    /// <summary>A signed-in session whose owner requests go to the returned probe.</summary>
    private (Client Client, TestProbe Owner) ConnectWithLateOwner()
    {
        var owner = CreateTestProbe();
        var settings = Settings with { Limits = Settings.Limits with { OwnerReplyTimeout = ReplyTimeout } };
        var client = Connect(settings, owners: owner.Ref);
        client.LogIn();
        return (client, owner);
    }

    /// <summary>SELECT INBOX, its request handed to the owner at once.</summary>
    private void Select(Client client, TestProbe owner)
    {
        client.Send("s SELECT INBOX\r\n");
        Region.Tell(owner.ExpectMsg<AccountEnvelope>(Wait), client.Session);
        Assert.StartsWith("s OK [READ-WRITE]", client.ReadUntilTagged("s")[^1]);
    }
}
