using AkkaImap.Protocol.Writing;
using Xunit;

namespace AkkaImap.Protocol.Tests.Writing;

public sealed class ImapDateTimeTests
{
    [Theory]
    [InlineData(1996, 7, 17, 2, 44, 25, -420, "17-Jul-1996 02:44:25 -0700")]
    [InlineData(2024, 1, 5, 23, 0, 9, 0, " 5-Jan-2024 23:00:09 +0000")]
    [InlineData(2023, 12, 31, 12, 30, 0, 330, "31-Dec-2023 12:30:00 +0530")]
    [InlineData(2023, 2, 1, 0, 0, 0, -570, " 1-Feb-2023 00:00:00 -0930")]
    public void Formats_with_space_padded_day_and_the_values_offset(
        int year, int month, int day, int hour, int minute, int second, int offsetMinutes, string expected)
    {
        var value = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.FromMinutes(offsetMinutes));

        Assert.Equal(expected, ImapDateTime.Format(value));
        Assert.Equal("\"" + expected + "\"", Wire.Text(w => w.WriteDateTime(value)));
    }

    [Theory]
    [InlineData("17-Jul-1996 02:44:25 -0700", "1996-07-17T02:44:25-07:00")]
    [InlineData(" 5-jan-2024 23:00:09 +0000", "2024-01-05T23:00:09+00:00")]
    [InlineData("05-JAN-2024 23:00:09 +0530", "2024-01-05T23:00:09+05:30")]
    [InlineData("29-Feb-2024 00:00:00 +1400", "2024-02-29T00:00:00+14:00")]
    public void Parses_what_appends_send(string text, string expected)
    {
        Assert.True(ImapDateTime.TryParse(text, out var value));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
        Assert.Equal(value.Offset, DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture).Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("17-Jul-1996 02:44:25")]
    [InlineData("5-Jul-1996 02:44:25 -0700")]
    [InlineData("17-Jux-1996 02:44:25 -0700")]
    [InlineData("30-Feb-2024 00:00:00 +0000")]
    [InlineData("17-Jul-1996 24:00:00 -0700")]
    [InlineData("17-Jul-1996 02:60:25 -0700")]
    [InlineData("17-Jul-1996 02:44:25 -1500")]
    [InlineData("17-Jul-1996 02:44:25 +0060")]
    [InlineData("17-Jul-1996 02:44:25 =0700")]
    [InlineData("17-Jul-0000 02:44:25 -0700")]
    [InlineData("01-Jan-0001 00:00:00 +0100")]
    [InlineData("1a-Jul-1996 02:44:25 -0700")]
    public void Rejects_malformed_dates(string text)
    {
        Assert.False(ImapDateTime.TryParse(text, out _));
    }

    [Fact]
    public void Format_and_parse_round_trip()
    {
        var value = new DateTimeOffset(2026, 11, 27, 3, 4, 5, TimeSpan.FromMinutes(-210));

        Assert.True(ImapDateTime.TryParse(ImapDateTime.Format(value), out var parsed));
        Assert.Equal(value, parsed);
        Assert.Equal(value.Offset, parsed.Offset);
    }
}
