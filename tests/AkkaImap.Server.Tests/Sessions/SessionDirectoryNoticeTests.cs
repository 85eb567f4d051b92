using AkkaImap.Protocol.Commands;
using AkkaImap.Server.Commands;
using AkkaImap.Server.DirectoryFeed;
using AkkaImap.Server.Sessions;
using AkkaImap.Server.Transport;
using Xunit;

namespace AkkaImap.Server.Tests.Sessions;

/// <summary>
/// What a session does when its <see cref="SessionTracker"/> passes on a directory change: the
/// end of its mailbox closes it at once in any state, a withdrawn public folder only when selected.
/// </summary>
public sealed class SessionDirectoryNoticeTests : SessionTestKit
{
    [Fact]
    public void A_removed_mailbox_ends_the_session_even_while_a_command_waits()
    {
        var registry = CommandRegistry.CreateDefault().Add("CHECK", CommandStates.Any, new NeverEndingCheck());
        var client = Connect(registry: registry);
        client.LogIn();
        client.Send("c CHECK\r\n");

        client.Send(new EndSession("Mailbox removed"));

        Assert.Equal("* BYE Mailbox removed", client.ReadLine());
        client.ExpectCommand<Close>();
    }

    [Fact]
    public void A_removed_mailbox_ends_an_idle_session_at_once()
    {
        var client = Connect();
        client.LogIn();
        Assert.StartsWith("s OK", client.Run("s", "SELECT INBOX")[^1]);
        client.Send("i IDLE\r\n");
        Assert.Equal("+ idling", client.ReadLine());

        client.Send(new EndSession("Mailbox removed"));

        Assert.Equal("* BYE Mailbox removed", client.ReadLine());
        client.ExpectCommand<Close>();
    }

    [Fact]
    public void A_withdrawn_public_folder_leaves_a_session_that_has_none_selected()
    {
        var client = Connect();
        client.LogIn();
        Assert.StartsWith("s OK", client.Run("s", "SELECT INBOX")[^1]);

        // The session's own INBOX, whatever its id, is not a public folder.
        client.Send(new PublicFolderWithdrawn(null, "Public folders switched off"));
        client.Send(new PublicFolderWithdrawn(1, "Public folder removed"));

        Assert.Equal(["n OK NOOP completed"], client.Run("n", "NOOP"));
    }

    [Fact]
    public void The_tracker_tells_only_the_sessions_a_directory_change_concerns()
    {
        var tracker = Sys.ActorOf(SessionTracker.Props());
        var alice = CreateTestProbe();
        var bob = CreateTestProbe();
        var carol = CreateTestProbe();
        var notLoggedIn = CreateTestProbe();
        foreach (var (session, account, postOffice) in new[] { (alice, 1L, 10L), (bob, 2L, 10L), (carol, 3L, 20L) })
        {
            tracker.Tell(SessionStarted.Instance, session.Ref);
            tracker.Tell(new SessionAuthenticated(account, postOffice), session.Ref);
        }
        tracker.Tell(SessionStarted.Instance, notLoggedIn.Ref);
        // The tracker subscribes in PreStart; a message it answers orders that before the events.
        tracker.Tell(new SessionTracker.ShutDownSessions(new TaskCompletionSource()), CreateTestProbe().Ref);
        foreach (var probe in new[] { alice, bob, carol, notLoggedIn }) probe.ExpectMsg<ServerShuttingDown>(Wait);

        Sys.EventStream.Publish(new AccountRemoved(1, 10));
        Assert.Equal(new EndSession("Mailbox removed"), alice.ExpectMsg<EndSession>(Wait));
        Sys.EventStream.Publish(new PostOfficeChanged(10, PublicFolders: false));
        Assert.Equal(new PublicFolderWithdrawn(null, "Public folders switched off"), bob.ExpectMsg<PublicFolderWithdrawn>(Wait));
        Sys.EventStream.Publish(new PublicFolderRemoved(20, 5));
        Assert.Equal(new PublicFolderWithdrawn(5, "Public folder removed"), carol.ExpectMsg<PublicFolderWithdrawn>(Wait));
        Sys.EventStream.Publish(new PasswordChanged(3, 20));
        Sys.EventStream.Publish(new PostOfficeRemoved(20));
        Assert.Equal(new EndSession("Post office removed"), carol.ExpectMsg<EndSession>(Wait));

        notLoggedIn.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        alice.ExpectMsg<PublicFolderWithdrawn>(Wait);
        alice.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        bob.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    private sealed class NeverEndingCheck : ICommandHandler<CheckCommand>
    {
        public CommandOutcome Handle(CheckCommand command, SessionContext context) =>
            CommandOutcome.Await(new TaskCompletionSource<int>().Task, _ => CommandOutcome.Ok("unreachable"));
    }
}
