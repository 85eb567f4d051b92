using Akka.Actor;
using AkkaImap.Protocol.Commands;
using AkkaImap.Server.Commands;
using AkkaImap.Server.Sessions;
using AkkaImap.Server.Transport;
using Xunit;

namespace AkkaImap.Server.Tests.Sessions;

public sealed class SessionDispatchTests : SessionTestKit
{
    [Fact]
    public void Pipelined_commands_are_answered_in_order()
    {
        var client = Connect();
        client.Send("a NOOP\r\nb NOOP\r\nc CAPABILITY\r\n");
        Assert.Equal("a OK NOOP completed", client.ReadLine());
        Assert.Equal("b OK NOOP completed", client.ReadLine());
        Assert.StartsWith("* CAPABILITY ", client.ReadLine());
        Assert.Equal("c OK CAPABILITY completed", client.ReadLine());
    }

    [Fact]
    public void Commands_pipelined_behind_an_async_login_wait_their_turn()
    {
        var client = Connect();
        client.Send($"a LOGIN {Login} {Password}\r\nb NAMESPACE\r\nc NOOP\r\n");
        Assert.StartsWith("a OK [CAPABILITY ", client.ReadLine());
        Assert.Equal("* NAMESPACE ((\"\" \"/\")) NIL NIL", client.ReadLine());
        Assert.Equal("b OK NAMESPACE completed", client.ReadLine());
        Assert.Equal("c OK NOOP completed", client.ReadLine());
    }

    [Fact]
    public void Bytes_split_anywhere_make_the_same_command()
    {
        var client = Connect();
        foreach (char c in "a1 NOOP\r\n")
        {
            client.Send(c.ToString());
        }
        Assert.Equal("a1 OK NOOP completed", client.ReadLine());
    }

    [Fact]
    public void Bad_command_gets_bad_and_session_stays_usable()
    {
        var client = Connect();
        Assert.Equal(["a BAD Unknown command FROBNICATE"], client.Run("a", "FROBNICATE"));
        Assert.StartsWith("b BAD", client.Run("b", "NOOP extra")[^1]);
        client.Send("\r\n");
        Assert.StartsWith("* BAD", client.ReadLine());
        Assert.Equal("c OK NOOP completed", client.Run("c", "NOOP")[^1]);
    }

    [Fact]
    public void Too_many_bad_commands_in_a_row_end_with_bye()
    {
        var settings = Settings with { Limits = Settings.Limits with { MaxBadCommands = 3 } };
        var client = Connect(settings);
        Assert.StartsWith("a BAD", client.Run("a", "BOGUS")[^1]);
        // A good command in between resets the count.
        Assert.StartsWith("b OK", client.Run("b", "NOOP")[^1]);
        Assert.StartsWith("c BAD", client.Run("c", "BOGUS")[^1]);
        Assert.StartsWith("d BAD", client.Run("d", "BOGUS")[^1]);
        Assert.StartsWith("e BAD", client.Run("e", "BOGUS")[^1]);
        Assert.Equal("* BYE Too many bad commands", client.ReadLine());
        client.ExpectCommand<Close>();
    }

    [Theory]
    [InlineData("NAMESPACE", "a BAD [CLIENTBUG] NAMESPACE is not allowed before authentication")]
    [InlineData("IDLE", "a BAD [CLIENTBUG] IDLE is not allowed before authentication")]
    [InlineData("CHECK", "a BAD [CLIENTBUG] CHECK is not allowed before authentication")]
    public void Commands_need_the_right_state_before_login(string command, string expected)
    {
        var client = Connect();
        Assert.Equal([expected], client.Run("a", command));
    }

    [Theory]
    [InlineData("LOGIN x y", "a BAD [CLIENTBUG] LOGIN is not allowed after authentication")]
    [InlineData("UNSELECT", "a BAD [CLIENTBUG] UNSELECT is only allowed when a mailbox is selected")]
    [InlineData("CLOSE", "a BAD [CLIENTBUG] CLOSE is only allowed when a mailbox is selected")]
    public void Commands_need_the_right_state_after_login(string command, string expected)
    {
        var client = Connect();
        client.LogIn();
        Assert.Equal([expected], client.Run("a", command));
    }

    [Fact]
    public void Synchronizing_literal_gets_a_continuation()
    {
        var client = Connect();
        client.Send("a LOGIN {17}\r\n");
        Assert.Equal("+ Ready for literal data", client.ReadLine());
        client.Send($"{Login} {{6}}\r\n");
        Assert.Equal("+ Ready for literal data", client.ReadLine());
        client.Send($"{Password}\r\n");
        Assert.StartsWith("a OK [CAPABILITY ", client.ReadUntilTagged("a")[^1]);
    }

    [Fact]
    public void Non_synchronizing_literal_needs_no_continuation()
    {
        var client = Connect();
        client.Send($"a LOGIN {{17+}}\r\n{Login} {Password}\r\n");
        Assert.StartsWith("a OK [CAPABILITY ", client.ReadLine());
    }

    [Fact]
    public void Literal_over_the_limit_is_refused_and_session_goes_on()
    {
        var settings = Settings with { Limits = Settings.Limits with { MaxLiteral = 10 } };
        var client = Connect(settings);
        Assert.Equal(["a NO [TOOBIG] Literal too large: the limit is 10 bytes"], client.Run("a", "LOGIN {100}"));
        Assert.Equal("b OK NOOP completed", client.Run("b", "NOOP")[^1]);
    }

    [Fact]
    public void Line_over_the_limit_is_refused_and_session_goes_on()
    {
        var settings = Settings with { Limits = Settings.Limits with { MaxLine = 100 } };
        var client = Connect(settings);
        Assert.Equal(["a BAD Command line too long: the limit is 100 bytes"], client.Run("a", "NOOP " + new string('x', 200)));
        Assert.Equal("b OK NOOP completed", client.Run("b", "NOOP")[^1]);
    }

    [Fact]
    public void Idle_ends_with_done()
    {
        var client = Connect();
        client.LogIn();
        client.Send("a IDLE\r\n");
        Assert.Equal("+ idling", client.ReadLine());
        client.ExpectNothing();
        client.Send("DONE\r\n");
        Assert.Equal("a OK IDLE terminated", client.ReadLine());
        Assert.Equal("b OK NOOP completed", client.Run("b", "NOOP")[^1]);
    }

    [Fact]
    public void Anything_but_done_ends_idle_with_bad()
    {
        var client = Connect();
        client.LogIn();
        client.Send("a IDLE\r\n");
        Assert.Equal("+ idling", client.ReadLine());
        client.Send("b NOOP\r\n");
        Assert.Equal("a BAD Expected DONE to end IDLE", client.ReadLine());
    }

    [Fact]
    public void Enable_reports_only_what_it_enabled()
    {
        var client = Connect();
        client.LogIn();
        Assert.Equal(["* ENABLED IMAP4rev2 CONDSTORE", "a OK ENABLE completed"], client.Run("a", "ENABLE IMAP4rev2 CONDSTORE X-UNKNOWN"));
        Assert.Equal(["* ENABLED QRESYNC", "b OK ENABLE completed"], client.Run("b", "ENABLE IMAP4rev2 QRESYNC"));
        Assert.Equal(["* ENABLED", "c OK ENABLE completed"], client.Run("c", "ENABLE CONDSTORE QRESYNC"));
    }

    [Fact]
    public void Id_names_the_server()
    {
        var client = Connect();
        var lines = client.Run("a", "ID (\"name\" \"test\")");
        Assert.Matches("^\\* ID \\(\"name\" \"AkkaImap\" \"version\" \"\\d+\\.\\d+\\.\\d+\"\\)$", lines[0]);
        Assert.Equal("a OK ID completed", lines[^1]);
    }

    [Fact]
    public void Logout_says_bye_then_ok_then_closes()
    {
        var client = Connect();
        Assert.Equal(["* BYE Logging out", "a OK LOGOUT completed"], client.Run("a", "LOGOUT"));
        client.ExpectCommand<Close>();
        Watch(client.Session);
        client.Send(new ConnectionClosed("closed by server"));
        ExpectTerminated(client.Session, Wait);
    }

    [Fact]
    public void Pre_auth_timeout_ends_with_bye()
    {
        var client = Connect(Settings with { PreAuthTimeout = TimeSpan.FromMilliseconds(200) });
        Assert.Equal("* BYE Login timeout", client.ReadLine());
        client.ExpectCommand<Close>();
    }

    [Fact]
    public void A_command_line_that_never_completes_ends_with_bye()
    {
        var client = Connect(Settings with { Limits = Settings.Limits with { CommandTimeout = TimeSpan.FromMilliseconds(300) } });
        client.LogIn();

        client.Send("a NO");

        Assert.Equal("* BYE Command not completed in time", client.ReadLine());
        client.ExpectCommand<Close>();
    }

    [Fact]
    public void A_command_line_completed_in_time_is_answered()
    {
        var client = Connect(Settings with { Limits = Settings.Limits with { CommandTimeout = TimeSpan.FromSeconds(2) } });
        client.LogIn();

        client.Send("a NO");
        client.Send("OP\r\n");

        Assert.Equal("a OK NOOP completed", client.ReadLine());
    }

    [Fact]
    public void Idle_timeout_applies_after_login()
    {
        var client = Connect(Settings with { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        client.LogIn();
        Assert.Equal("* BYE Idle timeout", client.ReadLine());
        client.ExpectCommand<Close>();
    }

    [Fact]
    public void Server_shutdown_says_bye()
    {
        var client = Connect();
        client.Send(ServerShuttingDown.Instance);
        Assert.Equal("* BYE Server shutting down", client.ReadLine());
        client.ExpectCommand<Close>();
    }

    [Fact]
    public void Handler_exception_answers_serverbug_and_session_goes_on()
    {
        var registry = CommandRegistry.CreateDefault()
            .Add("NOOP", CommandStates.Any, new ThrowingNoop())
            .Add("CHECK", CommandStates.Any, new FailingTaskCheck());
        var client = Connect(registry: registry);
        Assert.Equal(["a NO [SERVERBUG] Internal error, the command was not completed"], client.Run("a", "NOOP"));
        Assert.Equal(["b NO [SERVERBUG] Internal error, the command was not completed"], client.Run("b", "CHECK"));
        Assert.Equal("c OK CAPABILITY completed", client.Run("c", "CAPABILITY")[^1]);
    }

    [Fact]
    public void Connection_closed_stops_the_session()
    {
        var client = Connect();
        Watch(client.Session);
        client.Send(new ConnectionClosed("connection closed by client"));
        ExpectTerminated(client.Session, Wait);
    }

    [Fact]
    public void Input_piling_up_behind_a_busy_command_suspends_reading_until_it_is_done()
    {
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var registry = CommandRegistry.CreateDefault().Add("CHECK", CommandStates.Any, new GatedCheck(gate.Task));
        var client = Connect(registry: registry);
        client.Send("a CHECK\r\n");
        client.ExpectNothing();
        // More than a command's worth (max-line + 1 MiB) of pipelined input while CHECK waits.
        var literal = new string('x', 1_200_000);
        client.Send($"b ID (\"k\" {{{literal.Length}+}}\r\n{literal})\r\n");
        client.ExpectCommand<SuspendReading>();

        gate.SetResult(1);

        Assert.Equal("a OK CHECK completed", client.ReadLine());
        Assert.StartsWith("* ID (", client.ReadLine());
        Assert.Equal("b OK ID completed", client.ReadLine());
        client.ExpectCommand<ResumeReading>();
    }

    private sealed class GatedCheck(Task gate) : ICommandHandler<CheckCommand>
    {
        public CommandOutcome Handle(CheckCommand command, SessionContext context) =>
            CommandOutcome.Await(gate, () => CommandOutcome.Ok("CHECK completed"));
    }

    private sealed class ThrowingNoop : ICommandHandler<NoopCommand>
    {
        public CommandOutcome Handle(NoopCommand command, SessionContext context) => throw new InvalidOperationException("boom");
    }

    private sealed class FailingTaskCheck : ICommandHandler<CheckCommand>
    {
        public CommandOutcome Handle(CheckCommand command, SessionContext context) =>
            CommandOutcome.Await(Task.FromException<int>(new IOException("disk gone")), _ => CommandOutcome.Ok("unreachable"));
    }
}
