using AkkaImap.Protocol.Parsing;
using Xunit;

namespace AkkaImap.Protocol.Tests.Parsing;

public sealed class DateParserTests
{
    [Theory]
    [InlineData("1-Feb-1994", 1994, 2, 1)]
    [InlineData("01-feb-1994", 1994, 2, 1)]
    [InlineData("29-FEB-2000", 2000, 2, 29)]
    [InlineData("31-Dec-9999", 9999, 12, 31)]
    public void Parses_dates(string text, int y, int m, int d)
    {
        Assert.True(DateParser.TryParseDate(text, out var date));
        Assert.Equal(new DateOnly(y, m, d), date);
    }

    [Theory]
    [InlineData("")]
    [InlineData("29-Feb-1900")]
    [InlineData("0-Jan-2000")]
    [InlineData("1-January-2000")]
    [InlineData("1-Jan-20")]
    [InlineData("111-Jan-2000")]
    [InlineData("1-Jan-0000")]
    [InlineData("+1-Jan-2000")]
    public void Rejects_bad_dates(string text) => Assert.False(DateParser.TryParseDate(text, out _));

    [Theory]
    [InlineData("17-Jul-1996 02:44:25 -0700", "1996-07-17T02:44:25-07:00")]
    [InlineData(" 1-Jul-2002 22:53:57 +0000", "2002-07-01T22:53:57+00:00")]
    [InlineData("01-Jul-2002 22:53:57 +0530", "2002-07-01T22:53:57+05:30")]
    public void Parses_date_times(string text, string expected)
    {
        Assert.True(DateParser.TryParseDateTime(text, out var value));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture).Offset, value.Offset);
    }

    [Theory]
    [InlineData("17-Jul-1996 24:00:00 -0700")]
    [InlineData("17-Jul-1996 02:60:00 -0700")]
    [InlineData("17-Jul-1996 02:44:25 0700")]
    [InlineData("17-Jul-1996 02:44:25 -1500")]
    [InlineData("17-Jul-1996 02:44 -0700")]
    [InlineData("17-Jul-1996")]
    public void Rejects_bad_date_times(string text) => Assert.False(DateParser.TryParseDateTime(text, out _));
}
