using AkkaImap.Server.Accounts;
using Xunit;

namespace AkkaImap.Server.Tests.Sessions;

/// <summary>
/// A command whose owner does not answer within <c>limits.owner-reply-timeout</c> is answered NO;
/// its reply may still come later (in cluster mode the owner was moving to another node). That late
/// reply belongs to the timed-out command, never to the command running when it arrives: taking it
/// would acknowledge a change that was not made.
/// </summary>
public sealed class SessionLateReplyTests : SessionTestKit
{
    [Fact]
    public void A_late_reply_is_not_taken_for_the_reply_of_the_next_command()
    {
        var owner = CreateTestProbe();
        var settings = Settings with { Limits = Settings.Limits with { OwnerReplyTimeout = TimeSpan.FromMilliseconds(300) } };
        var client = Connect(settings, owners: owner.Ref);
        client.LogIn();

        client.Send("a CREATE First\r\n");
        Assert.IsType<CreateFolder>(owner.ExpectMsg<AccountEnvelope>(Wait).Command);
        var first = owner.LastSender;
        Assert.StartsWith("a NO ", client.ReadLine());

        client.Send("b CREATE Second\r\n");
        Assert.IsType<CreateFolder>(owner.ExpectMsg<AccountEnvelope>(Wait).Command);
        // The first command's reply arrives now, then the second's: a refusal.
        first.Tell(new FolderCreated(41, "First", "id-41"), owner.Ref);
        owner.Reply(new AccountCommandFailed(AccountFailure.Cannot, "Not this time"));

        Assert.StartsWith("b NO ", client.ReadLine());
    }
}
