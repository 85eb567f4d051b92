using System.Text;
using AkkaImap.Protocol.Commands;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Commands;
using AkkaImap.Server.Sessions;
using AkkaImap.Storage;
using Xunit;

namespace AkkaImap.Server.Tests.Sessions;

/// <summary>
/// Selected-state behaviour of the session (IDLE events, CLOSE, UNSELECT) with a minimal SELECT
/// defined here, so these tests do not depend on the real SELECT handler.
/// </summary>
public sealed class SessionSelectedTests : SessionTestKit
{
    private static CommandRegistry WithSelect() =>
        CommandRegistry.CreateDefault().Add("SELECT", CommandStates.AuthenticatedOrSelected, new MinimalSelect());

    private Client SelectInbox()
    {
        var client = Connect(registry: WithSelect());
        client.LogIn();
        Assert.Equal(["a OK [READ-WRITE] SELECT completed"], client.Run("a", "SELECT INBOX"));
        return client;
    }

    private Task AppendToInboxAsync() =>
        AppendThroughAccountAsync("INBOX", new AppendRequest(Encoding.ASCII.GetBytes("Subject: hi\r\n\r\nhello\r\n")));

    [Fact]
    public async Task Idle_sends_new_messages_as_they_arrive()
    {
        var client = SelectInbox();
        client.Send("b IDLE\r\n");
        Assert.Equal("+ idling", client.ReadLine());

        await AppendToInboxAsync();

        Assert.Equal("* 1 EXISTS", client.ReadLine());
        client.Send("DONE\r\n");
        Assert.Equal("b OK IDLE terminated", client.ReadLine());
    }

    [Fact]
    public async Task Noop_reports_changes_made_meanwhile()
    {
        var client = SelectInbox();
        await AppendToInboxAsync();
        client.ExpectNothing();
        Assert.Equal(["* 1 EXISTS", "b OK NOOP completed"], client.Run("b", "NOOP"));
    }

    [Fact]
    public void Close_returns_to_authenticated_state()
    {
        var client = SelectInbox();
        Assert.Equal(["b OK CLOSE completed"], client.Run("b", "CLOSE"));
        Assert.Equal(["c BAD [CLIENTBUG] CLOSE is only allowed when a mailbox is selected"], client.Run("c", "CLOSE"));
    }

    [Fact]
    public async Task Unselect_leaves_the_folder_and_its_events()
    {
        var client = SelectInbox();
        Assert.Equal(["b OK UNSELECT completed"], client.Run("b", "UNSELECT"));
        await AppendToInboxAsync();
        Assert.Equal(["c OK NOOP completed"], client.Run("c", "NOOP"));
    }

    [Fact]
    public void Enable_is_refused_while_selected()
    {
        var client = SelectInbox();
        Assert.Equal(["b BAD [CLIENTBUG] ENABLE is not allowed while a mailbox is selected"], client.Run("b", "ENABLE IMAP4rev2"));
    }

    private sealed class MinimalSelect : ICommandHandler<SelectCommand>
    {
        public CommandOutcome Handle(SelectCommand command, SessionContext context) =>
            CommandOutcome.AskAccount(new SelectFolder(command.Mailbox, ReadOnly: false), reply =>
            {
                if (reply is not FolderSelected selected)
                {
                    context.Unselect();
                    return CommandOutcome.No("No such mailbox");
                }
                context.Select(new SelectedFolderView(selected.Snapshot));
                return CommandOutcome.Ok("SELECT completed", Protocol.Responses.ResponseCode.ReadWrite);
            });
    }
}
