using System.Text;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.Sessions;
using Xunit;

namespace AkkaImap.Server.Tests.Sessions;

/// <summary>
/// A session's response buffer holds memory only between its first write and the hand-over to the
/// connection (issue 17), and what it hands over is a copy that later writes cannot change.
/// </summary>
public sealed class ResponseBufferTests
{
    [Fact]
    public void Holds_a_buffer_only_until_the_responses_are_taken()
    {
        var buffer = new ResponseBuffer();
        Assert.False(buffer.HoldsBuffer);
        buffer.Write(new UntaggedStatusResponse(StatusKind.Ok, "ready"));
        Assert.True(buffer.HoldsBuffer);
        Assert.Equal("* OK ready\r\n", Encoding.ASCII.GetString(buffer.Take().Span));
        Assert.False(buffer.HoldsBuffer);
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void What_was_taken_does_not_change_when_the_buffer_is_written_again()
    {
        var buffer = new ResponseBuffer();
        buffer.Write(new UntaggedStatusResponse(StatusKind.Ok, "first"));
        var first = buffer.Take();
        var other = new ResponseBuffer();
        other.Write(new UntaggedStatusResponse(StatusKind.No, "second, written into the pooled buffer given back"));
        buffer.Write(new UntaggedStatusResponse(StatusKind.Bad, "third"));
        Assert.Equal("* OK first\r\n", Encoding.ASCII.GetString(first.Span));
        Assert.Equal("* BAD third\r\n", Encoding.ASCII.GetString(buffer.Take().Span));
    }

    [Fact]
    public void Grows_past_the_pooled_sizes_and_keeps_every_byte()
    {
        var buffer = new ResponseBuffer();
        var text = new string('x', 100);
        for (var i = 0; i < 2000; i++)
        {
            buffer.Write(new UntaggedStatusResponse(StatusKind.Ok, text + i));
        }

        var taken = Encoding.ASCII.GetString(buffer.Take().Span).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2000, taken.Length);
        Assert.Equal("* OK " + text + "1999", taken[^1]);
        Assert.False(buffer.HoldsBuffer);
    }
}
