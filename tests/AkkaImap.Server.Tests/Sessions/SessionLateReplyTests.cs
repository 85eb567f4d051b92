using AkkaImap.Server.Accounts;
using Xunit;

namespace AkkaImap.Server.Tests.Sessions;

/// <summary>
/// A command whose owner does not answer within <c>limits.owner-reply-timeout</c> is answered NO
/// and the session ends with BYE: its reply may still come later (in cluster mode the owner was
/// moving to another node), and replies carry no request id, so it must find no next command to be
/// taken for.
/// </summary>
public sealed class SessionLateReplyTests : SessionTestKit
{
    [Fact]
    public void A_command_the_owner_does_not_answer_in_time_is_answered_NO_and_the_session_ends()
    {
        var owner = CreateTestProbe();
        var settings = Settings with { Limits = Settings.Limits with { OwnerReplyTimeout = TimeSpan.FromMilliseconds(300) } };
        var client = Connect(settings, owners: owner.Ref);
        client.LogIn();

        client.Send("a CREATE First\r\n");
        Assert.IsType<CreateFolder>(owner.ExpectMsg<AccountEnvelope>(Wait).Command);
        Assert.StartsWith("a NO ", client.ReadLine());
        Assert.StartsWith("* BYE ", client.ReadLine());

        // The late reply and a command sent after the BYE change nothing.
        owner.Reply(new FolderCreated(41, "First", "id-41"));
        client.Send("b CREATE Second\r\n");
        owner.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }
}
