using System.Text;
using AkkaImap.Server.Transport;
using Xunit;
using SendBytes = AkkaImap.Server.Transport.Send;

namespace AkkaImap.Server.Tests.Sessions;

/// <summary>
/// A client that pipelines commands and never reads their answers must not make the server buffer
/// them without bound: while the connection says <see cref="OutputBackedUp"/>, the session takes no
/// new command, holds a running one at its next step (the next FETCH chunk) and, once its input
/// buffer is full, stops reading the socket; on <see cref="OutputDrained"/> it goes on where it stopped.
/// </summary>
public sealed class SessionOutputBackPressureTests : SessionTestKit
{
    [Fact]
    public void No_command_is_taken_while_the_output_is_backed_up()
    {
        var client = Connect();
        client.LogIn();

        client.Send(OutputBackedUp.Instance);
        client.Send("a NOOP\r\nb NOOP\r\n");
        client.ExpectNothing();

        client.Send(OutputDrained.Instance);
        Assert.Equal("a OK NOOP completed", client.ReadLine());
        Assert.Equal("b OK NOOP completed", client.ReadLine());
    }

    [Fact]
    public void A_running_command_waits_at_its_next_step_while_the_output_is_backed_up()
    {
        var delay = TimeSpan.FromMilliseconds(300);
        var client = Connect(Settings with { Auth = Settings.Auth with { FailureDelay = delay, FailureDelayMax = delay } });

        // A failed LOGIN answers after a delay: that step is due while the client reads nothing.
        client.Send($"a LOGIN {Login} wrong-password\r\n");
        client.Send(OutputBackedUp.Instance);
        client.Probe.ExpectNoMsg(delay * 3);

        client.Send(OutputDrained.Instance);
        Assert.StartsWith("a NO [AUTHENTICATIONFAILED] ", client.ReadLine());
        client.LogIn();
    }

    [Fact]
    public void Input_beyond_the_buffer_is_left_in_the_socket_until_the_output_drains()
    {
        var client = Connect();
        client.LogIn();
        client.Send(OutputBackedUp.Instance);

        // More than max-line + 1 MB of pipelined commands while nothing may be answered.
        var burst = new StringBuilder();
        int count = 0;
        while (burst.Length <= Settings.Limits.MaxLine + 1024 * 1024)
        {
            burst.Append("n NOOP\r\n");
            count++;
        }
        client.Send(burst.ToString());
        client.ExpectCommand<SuspendReading>();

        client.Send(OutputDrained.Instance);
        int answered = 0;
        bool resumed = false;
        while (answered < count || !resumed)
        {
            switch (client.Probe.ExpectMsg<object>(Wait))
            {
                case SendBytes send:
                    answered += CountOk(Encoding.ASCII.GetString(send.Data.Span));
                    break;
                case SendParts send:
                    // A long answer comes in the response buffer's chunks; a line may span two.
                    answered += CountOk(string.Concat(send.Parts.Select(part => Encoding.ASCII.GetString(part.Span))));
                    break;
                case ResumeReading:
                    resumed = true;
                    break;
                case var other:
                    Assert.Fail($"unexpected {other}");
                    break;
            }
        }

        Assert.Equal(count, answered);
    }

    private static int CountOk(string text)
    {
        int n = 0;
        for (int i = text.IndexOf("n OK ", StringComparison.Ordinal); i >= 0; i = text.IndexOf("n OK ", i + 1, StringComparison.Ordinal))
        {
            n++;
        }
        return n;
    }
}
