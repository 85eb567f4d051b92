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

    [Fact]
    public void A_long_answer_is_taken_in_chunks_that_keep_every_byte_in_order()
    {
        var buffer = new ResponseBuffer();
        var text = new string('y', 100);
        for (var i = 0; i < 3000; i++)
        {
            buffer.Write(new UntaggedStatusResponse(StatusKind.Ok, text + i));
        }

        var length = buffer.Length;
        var parts = buffer.TakeParts();

        Assert.True(parts.Count > 1);
        Assert.All(parts, part => Assert.True(part.Length <= ResponseBuffer.ChunkSize));
        Assert.Equal(length, parts.Sum(part => part.Length));
        var lines = string.Concat(parts.Select(part => Encoding.ASCII.GetString(part.Span))).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(0, 3000).Select(i => "* OK " + text + i), lines);
        Assert.False(buffer.HoldsBuffer);
        Assert.Equal(0, buffer.Length);
    }
}
