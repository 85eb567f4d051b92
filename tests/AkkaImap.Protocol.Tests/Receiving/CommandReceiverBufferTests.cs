using System.Text;
using AkkaImap.Protocol.Receiving;
using AkkaImap.Protocol.Tests.Parsing;
using Xunit;

namespace AkkaImap.Protocol.Tests.Receiving;

/// <summary>
/// The receiver holds a buffer only while a command is in flight (issue 17: 10,000 IDLE sessions
/// must not keep 4 KB each), and the commands it hands out never share the pooled buffer it gives back.
/// </summary>
public sealed class CommandReceiverBufferTests
{
    [Fact]
    public void Holds_a_buffer_only_while_a_command_is_incomplete()
    {
        var receiver = new CommandReceiver(Wire.Limits);
        Assert.False(receiver.HoldsBuffer);
        receiver.Append("a1 NO"u8);
        Assert.Same(NeedMoreData.Instance, receiver.Next());
        Assert.True(receiver.HoldsBuffer);
        receiver.Append("OP\r\n"u8);
        Assert.IsType<CommandReceived>(receiver.Next());
        Assert.Same(NeedMoreData.Instance, receiver.Next());
        Assert.False(receiver.HoldsBuffer);
    }

    [Fact]
    public void Keeps_the_buffer_for_pipelined_commands_until_the_last_is_taken()
    {
        var receiver = new CommandReceiver(Wire.Limits);
        receiver.Append("a1 NOOP\r\na2 CHECK\r\n"u8);
        Assert.Equal("a1 NOOP\r\n", Text(receiver.Next()));
        Assert.True(receiver.HoldsBuffer);
        Assert.Equal("a2 CHECK\r\n", Text(receiver.Next()));
        Assert.False(receiver.HoldsBuffer);
    }

    [Fact]
    public void Releases_the_buffer_after_a_literal_and_after_an_IDLE_DONE_line()
    {
        var receiver = new CommandReceiver(Wire.Limits);
        receiver.Append("a1 LOGIN {5}\r\n"u8);
        Assert.IsType<LiteralContinuationNeeded>(receiver.Next());
        Assert.True(receiver.HoldsBuffer);
        receiver.Append("alice secret\r\n"u8);
        Assert.Equal("a1 LOGIN {5}\r\nalice secret\r\n", Text(receiver.Next()));
        Assert.False(receiver.HoldsBuffer);

        receiver.Append("DONE\r\n"u8);
        var line = Assert.IsType<LineReceived>(receiver.NextLine());
        Assert.Equal("DONE", Encoding.ASCII.GetString(line.Line.Span));
        Assert.False(receiver.HoldsBuffer);
    }

    [Fact]
    public void A_command_handed_out_is_not_overwritten_when_the_buffer_is_reused()
    {
        var first = new CommandReceiver(Wire.Limits);
        first.Append("a1 LOGIN alice secret\r\n"u8);
        var taken = Assert.IsType<CommandReceived>(first.Next());

        // The pool hands the returned buffer to the next renter: another session's receiver.
        var others = Enumerable.Range(0, 8).Select(_ => new CommandReceiver(Wire.Limits)).ToList();
        foreach (var other in others)
        {
            other.Append("b1 SELECT INBOXXXXXXXXXXXXXXX"u8);
        }

        Assert.Equal("a1 LOGIN alice secret\r\n", Encoding.ASCII.GetString(taken.Command.Bytes.Span));
    }

    [Fact]
    public void A_large_literal_arrives_whole_and_the_buffer_is_released_after_it()
    {
        var body = new string('x', 200_000);
        var receiver = new CommandReceiver(Wire.Limits);
        receiver.Append(Encoding.ASCII.GetBytes($"a1 APPEND INBOX {{{body.Length}+}}\r\n"));
        Assert.Same(NeedMoreData.Instance, receiver.Next());
        for (var i = 0; i < body.Length; i += 4096)
        {
            receiver.Append(Encoding.ASCII.GetBytes(body.Substring(i, Math.Min(4096, body.Length - i))));
            Assert.Same(NeedMoreData.Instance, receiver.Next());
        }

        receiver.Append("\r\n"u8);
        Assert.Equal($"a1 APPEND INBOX {{{body.Length}+}}\r\n{body}\r\n", Text(receiver.Next()));
        Assert.Same(NeedMoreData.Instance, receiver.Next());
        Assert.False(receiver.HoldsBuffer);
    }

    private static string Text(ReceiveEvent e) => Encoding.ASCII.GetString(Assert.IsType<CommandReceived>(e).Command.Bytes.Span);
}
