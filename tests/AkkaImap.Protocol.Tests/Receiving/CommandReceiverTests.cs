using System.Text;
using AkkaImap.Protocol.Receiving;
using AkkaImap.Protocol.Tests.Parsing;
using Xunit;

namespace AkkaImap.Protocol.Tests.Receiving;

public sealed class CommandReceiverTests
{
    private static List<string> Run(string wire, ReceiverLimits? limits = null, int chunk = 0)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(wire);
        var whole = Wire.Events(bytes, chunk == 0 ? Math.Max(1, bytes.Length) : chunk, limits).Select(Wire.Describe).ToList();
        var byByte = Wire.Events(bytes, 1, limits).Select(Wire.Describe).ToList();
        Assert.Equal(whole, byByte);
        return whole;
    }

    [Fact]
    public void Splits_pipelined_commands_and_accepts_bare_LF()
    {
        var events = Run("a1 NOOP\r\na2 CAPABILITY\na3 LOGOUT\r\n");
        Assert.Equal(["CMD:a1 NOOP\r\n", "CMD:a2 CAPABILITY\n", "CMD:a3 LOGOUT\r\n"], events);
    }

    [Fact]
    public void Peeking_shows_a_whole_one_line_command_without_taking_it()
    {
        var receiver = new CommandReceiver(Wire.Limits);
        receiver.Append("a1 NOOP\r\na2 EXPU"u8);
        Assert.Equal("a1 NOOP\r\n", Encoding.ASCII.GetString(receiver.PeekWholeLine()!.Bytes.Span));
        Assert.Equal("a1 NOOP\r\n", Encoding.ASCII.GetString(Assert.IsType<CommandReceived>(receiver.Next()).Command.Bytes.Span));
        // Half a line, then a line that announces a literal: neither is shown.
        Assert.Null(receiver.PeekWholeLine());
        receiver.Append("NGE\r\na3 APPEND INBOX {3+}\r\nabc\r\n"u8);
        Assert.Equal("a2 EXPUNGE\r\n", Encoding.ASCII.GetString(receiver.PeekWholeLine()!.Bytes.Span));
        Assert.IsType<CommandReceived>(receiver.Next());
        Assert.Null(receiver.PeekWholeLine());
        Assert.Equal("a3 APPEND INBOX {3+}\r\nabc\r\n", Encoding.ASCII.GetString(Assert.IsType<CommandReceived>(receiver.Next()).Command.Bytes.Span));
    }

    [Fact]
    public void Incomplete_line_needs_more_data()
    {
        var receiver = new CommandReceiver(Wire.Limits);
        receiver.Append("a1 NOO"u8);
        Assert.Same(NeedMoreData.Instance, receiver.Next());
        receiver.Append("P\r\n"u8);
        var command = Assert.IsType<CommandReceived>(receiver.Next());
        Assert.Equal("a1 NOOP\r\n", Encoding.ASCII.GetString(command.Command.Bytes.Span));
        Assert.Same(NeedMoreData.Instance, receiver.Next());
    }

    [Fact]
    public void Synchronizing_literal_asks_for_continuation_then_yields_whole_command()
    {
        var events = Run("A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n");
        Assert.Equal(
            ["LiteralContinuationNeeded { Size = 11 }", "LiteralContinuationNeeded { Size = 7 }",
             "CMD:A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n"],
            events);
    }

    [Theory]
    [InlineData("{5+}")]
    [InlineData("{5-}")]
    [InlineData("~{5+}")]
    public void Non_synchronizing_literals_get_no_continuation(string marker)
    {
        var events = Run($"a APPEND x {marker}\r\nab\r\nc\r\nb NOOP\r\n");
        Assert.Equal([$"CMD:a APPEND x {marker}\r\nab\r\nc\r\n", "CMD:b NOOP\r\n"], events);
    }

    [Fact]
    public void Literal8_synchronizing_asks_for_continuation()
    {
        var events = Run("a APPEND x ~{3}\r\n\0\u00ff\n\r\n");
        Assert.Equal(["LiteralContinuationNeeded { Size = 3 }", "CMD:a APPEND x ~{3}\r\n\0\u00ff\n\r\n"], events);
    }

    [Fact]
    public void Literal_bytes_that_look_like_line_ends_or_markers_are_data()
    {
        var events = Run("a LOGIN {6+}\r\n{2}\r\n\n {1+}\r\nx\r\n");
        Assert.Equal(["CMD:a LOGIN {6+}\r\n{2}\r\n\n {1+}\r\nx\r\n"], events);
    }

    [Fact]
    public void Over_long_line_is_reported_with_its_tag_and_skipped()
    {
        var limits = new ReceiverLimits(20, 100);
        var events = Run("tag1 SEARCH " + new string('x', 100) + "\r\ntag2 NOOP\r\n", limits);
        Assert.Equal(["LimitExceeded { Kind = LineTooLong, Tag = tag1 }", "CMD:tag2 NOOP\r\n"], events);
    }

    [Fact]
    public void Line_of_exactly_the_limit_is_accepted()
    {
        var limits = new ReceiverLimits(10, 100);
        Assert.Equal(["CMD:a1 NOOP123\r\n"], Run("a1 NOOP123\r\n", limits));
        Assert.Equal(["LimitExceeded { Kind = LineTooLong, Tag = a1 }"], Run("a1 NOOP1234\r\n", limits));
    }

    [Fact]
    public void Too_large_synchronizing_literal_gets_no_continuation_and_next_line_is_a_command()
    {
        var limits = new ReceiverLimits(100, 10);
        var events = Run("a APPEND x {11}\r\nb NOOP\r\n", limits);
        Assert.Equal(["LimitExceeded { Kind = LiteralTooLarge, Tag = a }", "CMD:b NOOP\r\n"], events);
    }

    [Fact]
    public void Too_large_non_synchronizing_literal_is_read_and_discarded_with_the_rest_of_the_command()
    {
        var limits = new ReceiverLimits(100, 10);
        var events = Run("a APPEND x {12+}\r\nb NOOP\r\nxxx (\\Seen) {3+}\r\nabc\r\nc NOOP\r\n", limits);
        Assert.Equal(["LimitExceeded { Kind = LiteralTooLarge, Tag = a }", "CMD:c NOOP\r\n"], events);
    }

    [Fact]
    public void Literals_of_one_command_count_together_against_the_limit()
    {
        var limits = new ReceiverLimits(100, 10);
        var events = Run("a APPEND x {6+}\r\n123456 {6+}\r\n123456\r\nb NOOP\r\n", limits);
        Assert.Equal(["LimitExceeded { Kind = LiteralTooLarge, Tag = a }", "CMD:b NOOP\r\n"], events);
    }

    [Fact]
    public void Huge_literal_size_is_too_large_not_an_overflow()
    {
        var events = Run("a APPEND x {99999999999999999999999}\r\nb NOOP\r\n");
        Assert.Equal(["LimitExceeded { Kind = LiteralTooLarge, Tag = a }", "CMD:b NOOP\r\n"], events);
    }

    [Fact]
    public void Raw_lines_for_authenticate_and_idle()
    {
        var receiver = new CommandReceiver(Wire.Limits);
        receiver.Append("a IDLE\r\nDONE\r\nb NOOP\n"u8);
        Assert.IsType<CommandReceived>(receiver.Next());
        var line = Assert.IsType<LineReceived>(receiver.NextLine());
        Assert.Equal("DONE", Encoding.ASCII.GetString(line.Line.Span));
        var next = Assert.IsType<CommandReceived>(receiver.Next());
        Assert.Equal("b NOOP\n", Encoding.ASCII.GetString(next.Command.Bytes.Span));
    }

    [Fact]
    public void Bytes_after_starttls_can_be_taken_out_unprocessed()
    {
        var receiver = new CommandReceiver(Wire.Limits);
        receiver.Append("a STARTTLS\r\nb LOGIN evil pass\r\nc NO"u8);
        Assert.IsType<CommandReceived>(receiver.Next());
        Assert.Equal("b LOGIN evil pass\r\nc NO", Encoding.ASCII.GetString(receiver.TakeUnprocessed()));
        Assert.Same(NeedMoreData.Instance, receiver.Next());
        receiver.Append("d NOOP\r\n"u8);
        var next = Assert.IsType<CommandReceived>(receiver.Next());
        Assert.Equal("d NOOP\r\n", Encoding.ASCII.GetString(next.Command.Bytes.Span));
    }

    [Fact]
    public void Raw_line_over_the_limit_is_skipped()
    {
        var receiver = new CommandReceiver(new ReceiverLimits(8, 100));
        receiver.Append(Encoding.ASCII.GetBytes(new string('A', 30) + "\r\n=\r\n"));
        Assert.Equal(new LimitExceeded(LimitKind.LineTooLong, null), receiver.NextLine());
        var line = Assert.IsType<LineReceived>(receiver.NextLine());
        Assert.Equal("=", Encoding.ASCII.GetString(line.Line.Span));
    }

    [Fact]
    public void Large_literal_is_handed_over_without_keeping_it_buffered()
    {
        var receiver = new CommandReceiver(new ReceiverLimits(1000, 10_000_000));
        receiver.Append("a APPEND x {5000000}\r\n"u8);
        Assert.Equal(new LiteralContinuationNeeded(5_000_000), receiver.Next());
        var chunk = new byte[65536];
        chunk.AsSpan().Fill((byte)'m');
        for (int sent = 0; sent < 5_000_000; sent += chunk.Length)
        {
            receiver.Append(chunk.AsSpan(0, Math.Min(chunk.Length, 5_000_000 - sent)));
            if (sent + chunk.Length < 5_000_000) Assert.Same(NeedMoreData.Instance, receiver.Next());
        }
        receiver.Append("\r\nb NOOP\r\n"u8);
        var command = Assert.IsType<CommandReceived>(receiver.Next());
        Assert.Equal(5_000_000 + 24, command.Command.Bytes.Length);
        Assert.True(receiver.BufferedBytes < 100);
        Assert.IsType<CommandReceived>(receiver.Next());

        // The parsed message is a slice of the received bytes, not a further copy.
        var append = Assert.IsType<AkkaImap.Protocol.Commands.AppendCommand>(
            Assert.IsType<AkkaImap.Protocol.Parsing.ParseResult.Success>(AkkaImap.Protocol.Parsing.CommandParser.Parse(command.Command)).Command);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(command.Command.Bytes, out var raw));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(append.Messages[0].Content, out var content));
        Assert.Same(raw.Array, content.Array);
        Assert.Equal(5_000_000, content.Count);
    }

    [Fact]
    public void Over_long_line_never_buffers_beyond_the_limit()
    {
        var receiver = new CommandReceiver(new ReceiverLimits(100, 100));
        receiver.Append("a SEARCH "u8);
        int reported = 0;
        for (int i = 0; i < 1000; i++)
        {
            receiver.Append(Encoding.ASCII.GetBytes(new string('x', 50)));
            if (receiver.Next() is LimitExceeded) reported++;
            Assert.True(receiver.BufferedBytes <= 200);
        }
        Assert.Equal(1, reported);
    }
}
