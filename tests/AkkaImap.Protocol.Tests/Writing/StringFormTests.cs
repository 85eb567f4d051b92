using Xunit;
using AkkaImap.Protocol.Writing;

namespace AkkaImap.Protocol.Tests.Writing;

public sealed class StringFormTests
{
    [Theory]
    [InlineData("", "\"\"")]
    [InlineData("hello world", "\"hello world\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("a\rb", "{3}\r\na\rb")]
    [InlineData("line1\r\nline2", "{12}\r\nline1\r\nline2")]
    [InlineData("caf\u00e9", "{5}\r\ncaf\u00e9")]
    public void Strings_are_quoted_when_they_fit_and_literal_otherwise_for_rev1(string value, string expected)
    {
        Assert.Equal(expected, Wire.Text(w => w.WriteString(value)));
    }

    [Theory]
    [InlineData("caf\u00e9", "\"caf\u00e9\"")]
    [InlineData("\u65e5\u672c \"x\"", "\"\u65e5\u672c \\\"x\\\"\"")]
    [InlineData("a\nb", "{3}\r\na\nb")]
    public void Utf8_sessions_get_8bit_text_quoted(string value, string expected)
    {
        Assert.Equal(expected, Wire.Text(w => w.WriteString(value), utf8: true));
    }

    [Fact]
    public void A_string_longer_than_the_quoted_limit_becomes_a_literal()
    {
        var fits = new string('x', ImapWriter.MaxQuotedBytes);
        var tooLong = new string('x', ImapWriter.MaxQuotedBytes + 1);

        Assert.Equal("\"" + fits + "\"", Wire.Text(w => w.WriteString(fits)));
        Assert.Equal("{1001}\r\n" + tooLong, Wire.Text(w => w.WriteString(tooLong)));
    }

    [Fact]
    public void Escapes_count_toward_the_quoted_limit()
    {
        var value = new string('"', 600);

        Assert.Equal(StringForm.Literal, ImapWriter.Classify(value, utf8Enabled: false));
    }

    [Fact]
    public void Nul_in_a_string_literal_becomes_a_space_so_framing_holds()
    {
        Assert.Equal("{5}\r\na b\r\n", Wire.Text(w => w.WriteString("a\0b\r\n")));
    }

    [Fact]
    public void Nstring_null_is_NIL_and_empty_is_an_empty_string()
    {
        Assert.Equal("NIL", Wire.Text(w => w.WriteNString(null)));
        Assert.Equal("\"\"", Wire.Text(w => w.WriteNString("")));
    }

    [Theory]
    [InlineData("INBOX", "INBOX")]
    [InlineData("foo]bar", "foo]bar")]
    [InlineData("~peter/mail/&U,BTFw-", "~peter/mail/&U,BTFw-")]
    [InlineData("NIL", "\"NIL\"")]
    [InlineData("nil", "\"nil\"")]
    [InlineData("", "\"\"")]
    [InlineData("Sent Items", "\"Sent Items\"")]
    [InlineData("50%", "\"50%\"")]
    [InlineData("a*", "\"a*\"")]
    [InlineData("{3}", "\"{3}\"")]
    [InlineData("(x)", "\"(x)\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    public void Astrings_are_atoms_only_when_every_char_is_an_astring_char(string value, string expected)
    {
        Assert.Equal(expected, Wire.Text(w => w.WriteAString(value)));
    }

    [Theory]
    [InlineData("Entw\u00fcrfe", false, "Entw&APw-rfe")]
    [InlineData("Entw\u00fcrfe", true, "\"Entw\u00fcrfe\"")]
    [InlineData("Tom & Jerry", false, "\"Tom &- Jerry\"")]
    [InlineData("Tom & Jerry", true, "\"Tom & Jerry\"")]
    [InlineData("INBOX", true, "INBOX")]
    public void Mailbox_names_are_modified_utf7_for_rev1_and_utf8_when_enabled(string name, bool utf8, string expected)
    {
        Assert.Equal(expected, Wire.Text(w => w.WriteMailbox(name), utf8));
    }

    [Fact]
    public void Response_text_drops_line_breaks_and_8bit_for_rev1()
    {
        Assert.Equal("bad  line caf?", Wire.Text(w => w.WriteText("bad\r\nline caf\u00e9")));
        Assert.Equal("caf\u00e9", Wire.Text(w => w.WriteText("caf\u00e9"), utf8: true));
    }

    [Fact]
    public void Literal_data_with_nul_is_sent_as_literal8()
    {
        Assert.Equal("~{3}\r\na\0b", Wire.Text(w => w.WriteLiteral("a\0b"u8)));
        Assert.Equal("{3}\r\nabc", Wire.Text(w => w.WriteLiteral("abc"u8)));
        Assert.Equal("{0}\r\n", Wire.Text(w => w.WriteLiteral([])));
    }

    [Fact]
    public void Numbers_are_written_in_invariant_digits()
    {
        Assert.Equal("0 4294967295 18446744073709551615",
            Wire.Text(w =>
            {
                w.WriteNumber(0UL);
                w.WriteSpace();
                w.WriteNumber((ulong)uint.MaxValue);
                w.WriteSpace();
                w.WriteNumber(ulong.MaxValue);
            }));
    }
}
