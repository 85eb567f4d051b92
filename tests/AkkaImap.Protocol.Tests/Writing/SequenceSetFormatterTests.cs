using AkkaImap.Protocol.Writing;
using Xunit;

namespace AkkaImap.Protocol.Tests.Writing;

public sealed class SequenceSetFormatterTests
{
    [Theory]
    [InlineData(new uint[] { }, "")]
    [InlineData(new uint[] { 7 }, "7")]
    [InlineData(new uint[] { 1, 2, 3, 5 }, "1:3,5")]
    [InlineData(new uint[] { 304, 319, 320 }, "304,319:320")]
    [InlineData(new uint[] { 3956, 3957, 3958 }, "3956:3958")]
    [InlineData(new uint[] { 5, 4, 3 }, "5,4,3")]
    [InlineData(new uint[] { 4294967294, 4294967295 }, "4294967294:4294967295")]
    public void Joins_ascending_runs_and_keeps_order(uint[] values, string expected)
    {
        Assert.Equal(expected, SequenceSetFormatter.Format(values));
    }

    [Fact]
    public void Formats_ranges()
    {
        Assert.Equal("41,43:116", SequenceSetFormatter.FormatRanges([(41, 41), (43, 116)]));
    }
}
