using AkkaImap.Protocol.Sequences;
using Xunit;

namespace AkkaImap.Protocol.Tests.Parsing;

public sealed class SequenceSetTests
{
    private static SequenceSet P(string text)
    {
        Assert.True(SequenceSet.TryParse(text, out var set), text);
        return set;
    }

    [Theory]
    [InlineData("1")]
    [InlineData("*")]
    [InlineData("1:*")]
    [InlineData("2,4:7,9,12:*")]
    [InlineData("*:4,5:7")]
    [InlineData("$")]
    [InlineData("4294967295")]
    public void Round_trips(string text) => Assert.Equal(text, P(text).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("1:")]
    [InlineData(":1")]
    [InlineData("a")]
    [InlineData("1,")]
    [InlineData("01")]
    [InlineData("$,1")]
    [InlineData("1:2:3")]
    [InlineData("4294967296")]
    [InlineData("1 2")]
    public void Rejects(string text) => Assert.False(SequenceSet.TryParse(text, out _));

    [Fact]
    public void Membership_resolves_star_to_the_largest_number() // RFC 9051 §9 seq-range
    {
        var set = P("2,4:7,9,12:*");
        Assert.Equal([2u, 4, 5, 6, 7, 9, 12, 13, 14, 15], set.Enumerate(15));
        Assert.True(set.Contains(15, 15));
        Assert.False(set.Contains(8, 15));
        Assert.True(P("*:4").Contains(3, 3)); // 3:4 when the largest is 3
        Assert.Equal([3u], P("*:4").Enumerate(3));
        Assert.Equal([1u, 2, 3], P("3:1,2").Enumerate(10));
        Assert.Empty(P("5:9").Enumerate(0));
        Assert.False(SequenceSet.Saved.Contains(1, 10));
    }

    [Fact]
    public void Builder_compresses_runs()
    {
        Assert.Equal("1:3,5", SequenceSet.FromNumbers([3, 1, 2, 5, 2]).ToString());
        Assert.Equal("7,9:10,4294967295", SequenceSet.FromNumbers([10, 9, 7, uint.MaxValue]).ToString());
        Assert.Equal("", SequenceSet.FromNumbers([]).ToString());
    }

    [Theory]
    [InlineData("5,1:3,4", 10, "1:5")]
    [InlineData("1:*", 4000000000, "1:4000000000")]
    [InlineData("*,3,9:7", 20, "3,7:9,20")]
    [InlineData("7:*", 5, "5:7")]
    [InlineData("$", 5, "$")]
    public void Normalize_resolves_sorts_and_merges(string text, long max, string expected) =>
        Assert.Equal(expected, P(text).Normalize((uint)max).ToString());

    [Fact]
    public void Equality_is_by_value()
    {
        Assert.Equal(P("1:3,5"), SequenceSet.FromNumbers([1, 2, 3, 5]));
        Assert.NotEqual(P("1:3"), P("3:1"));
    }
}
