using AkkaImap.Protocol.Parsing;
using Xunit;
using static AkkaImap.Protocol.Tests.Parsing.Wire;

namespace AkkaImap.Protocol.Tests.Parsing;

/// <summary>Bad input is rejected with a message that says what is wrong, and the tag when there is one.</summary>
public sealed class MalformedCommandTests
{
    [Theory]
    [InlineData("a1 FOO\r\n", "Unknown command FOO")]
    [InlineData("a1 UID NOOP\r\n", "Unknown command UID NOOP")]
    [InlineData("a1\r\n", "Expected SP after tag")]
    [InlineData("a1 \r\n", "Missing command name")]
    [InlineData("a1 NOOP extra\r\n", "Unexpected arguments after NOOP")]
    [InlineData("a1 LOGIN\r\n", "Expected SP and user name after LOGIN")]
    [InlineData("a1 LOGIN joe\r\n", "Expected SP and password after user name")]
    [InlineData("a1 LOGIN joe \r\n", "Missing password")]
    [InlineData("a1 SELECT\r\n", "Expected SP and mailbox after SELECT")]
    [InlineData("a1 RENAME a\r\n", "Expected SP and new mailbox name")]
    [InlineData("a1 STATUS x MESSAGES\r\n", "Expected ( before status items")]
    [InlineData("a1 STATUS x (MESSAGES BOGUS)\r\n", "Unknown status item BOGUS")]
    [InlineData("a1 FETCH 0 FLAGS\r\n", "Invalid sequence set 0")]
    [InlineData("a1 FETCH 1: FLAGS\r\n", "Invalid sequence set 1:")]
    [InlineData("a1 FETCH a FLAGS\r\n", "Invalid sequence set a")]
    [InlineData("a1 FETCH 1,,2 FLAGS\r\n", "Invalid sequence set 1,,2")]
    [InlineData("a1 FETCH 4294967296 FLAGS\r\n", "Invalid sequence set 4294967296")]
    [InlineData("a1 FETCH 1\r\n", "Expected SP and fetch attributes after sequence set")]
    [InlineData("a1 FETCH 1 (FLAGS\r\n", "Missing ) after fetch attributes")]
    [InlineData("a1 FETCH 1 (FLAGS))\r\n", "Unexpected characters after FETCH")]
    [InlineData("a1 FETCH 1 (BOGUS)\r\n", "Unknown fetch attribute BOGUS")]
    [InlineData("a1 FETCH 1 (ALL)\r\n", "ALL is a macro and cannot appear in a list")]
    [InlineData("a1 FETCH 1 BODY[1.MIM]\r\n", "Invalid section MIM")]
    [InlineData("a1 FETCH 1 BODY[MIME]\r\n", "Invalid section MIME")]
    [InlineData("a1 FETCH 1 BODY[1]<5.0>\r\n", "Partial length must not be zero")]
    [InlineData("a1 FETCH 1 (FLAGS) (VANISHED)\r\n", "VANISHED is only allowed in UID FETCH")]
    [InlineData("a1 UID FETCH 1 (FLAGS) (VANISHED)\r\n", "VANISHED requires CHANGEDSINCE")]
    [InlineData("a1 STORE 1 FLAGZ (\\Seen)\r\n", "Invalid STORE item FLAGZ")]
    [InlineData("a1 STORE 1 +FLAGS\r\n", "Expected SP and flags")]
    [InlineData("a1 STORE 1 +FLAGS (\\Seen\r\n", "Expected SP or ) in flag list")]
    [InlineData("a1 COPY 1:2\r\n", "Expected SP and mailbox after sequence set")]
    [InlineData("a1 SEARCH\r\n", "Expected SP and search keys after SEARCH")]
    [InlineData("a1 SEARCH (SEEN\r\n", "Missing ) in search keys")]
    [InlineData("a1 SEARCH SEEN)\r\n", "Unbalanced ) in search keys")]
    [InlineData("a1 SEARCH BOGUS\r\n", "Unknown search key BOGUS")]
    [InlineData("a1 SEARCH SINCE 31-Feb-2020\r\n", "Invalid date 31-Feb-2020")]
    [InlineData("a1 SEARCH SINCE 1-Foo-2020\r\n", "Invalid date 1-Foo-2020")]
    [InlineData("a1 SEARCH SINCE\r\n", "Expected SP and date after SINCE")]
    [InlineData("a1 SEARCH OR SEEN\r\n", "Expected SP and second search key of OR")]
    [InlineData("a1 SEARCH LARGER x\r\n", "Expected number for LARGER")]
    [InlineData("a1 SEARCH RETURN (BOGUS) ALL\r\n", "Unknown RETURN option BOGUS")]
    [InlineData("a1 SEARCH TEXT \"a\0b\"\r\n", "NUL in quoted search string")]
    [InlineData("a1 SEARCH TEXT \"abc\r\n", "Line end in quoted search string")]
    [InlineData("a1 SEARCH TEXT \"a\\nb\"\r\n", "Invalid escape in quoted search string")]
    [InlineData("a1 SELECT inb\u00f6x\r\n", "8-bit character in mailbox name")]
    [InlineData("a1 STORE 1 +FLAGS (\\S\u00e9en)\r\n", "8-bit character in flag")]
    [InlineData("a1 FETCH 1 (FL\u00c4GS)\r\n", "8-bit character in fetch attribute")]
    [InlineData("a1 ENABLE \u00e9\r\n", "8-bit character in capability")]
    [InlineData("a1 APPEND INBOX\r\n", "Missing message literal")]
    [InlineData("a1 APPEND INBOX (\\Seen) \"31-Jun-2020 10:00:00 +0000\" {1+}\r\nx\r\n", "Invalid date-time \"31-Jun-2020 10:00:00 +0000\"")]
    [InlineData("a1 APPEND INBOX \"1-Jun-2020 10:00:00 +9900\" {1+}\r\nx\r\n", "Invalid date-time \"1-Jun-2020 10:00:00 +9900\"")]
    [InlineData("a1 APPEND INBOX \"hello\"\r\n", "Invalid date-time \"hello\"")]
    [InlineData("a1 APPEND INBOX (\\Seen) hello\r\n", "Expected message literal")]
    [InlineData("a1 LIST (RECURSIVEMATCH) \"\" %\r\n", "RECURSIVEMATCH needs another selection option")]
    [InlineData("a1 LIST (BOGUS) \"\" %\r\n", "Unknown LIST selection option BOGUS")]
    [InlineData("a1 LIST \"\" % RETURN (BOGUS)\r\n", "Unknown LIST return option BOGUS")]
    [InlineData("a1 AUTHENTICATE PLAIN not!base64\r\n", "Invalid base64 initial response")]
    [InlineData("a1 SELECT INBOX (QRESYNC (0 1))\r\n", "Zero is not valid for QRESYNC uidvalidity")]
    [InlineData("a1 SELECT INBOX (BOGUS)\r\n", "Unknown SELECT parameter BOGUS")]
    [InlineData("a1 SORT (BOGUS) UTF-8 ALL\r\n", "Unknown sort key BOGUS")]
    [InlineData("a1 SORT (DATE) ALL\r\n", "Unsupported charset ALL")]
    [InlineData("a1 ID (\"name\")\r\n", "Expected SP and value after ID field name")]
    [InlineData("a1 CREATE x (USE \\Sent)\r\n", "Expected ( before flag list")]
    [InlineData("a1 LOGIN {3}\r\nabc\r\n", "Expected SP and password after user name")]
    [InlineData("a1 LOGIN ~{1+}\r\na x\r\n", "literal8 not allowed for user name")]
    [InlineData("a1 LOGIN {1+}\r\n\0 x\r\n", "NUL in literal user name")]
    public void Rejected_with_precise_message(string wire, string message)
    {
        var failure = Fail(wire);
        Assert.Equal(message, failure.Message);
        Assert.Equal("a1", failure.Tag);
    }

    [Theory]
    [InlineData("\r\n", "Empty command line")]
    [InlineData("+a NOOP\r\n", "Invalid tag")]
    [InlineData("a(b NOOP\r\n", "Invalid tag")]
    [InlineData("t\u00e4g NOOP\r\n", "Invalid tag")]
    public void Bad_tags_give_untagged_failures(string wire, string message)
    {
        var failure = Fail(wire);
        Assert.Null(failure.Tag);
        Assert.Equal(message, failure.Message);
    }

    [Fact]
    public void Unknown_command_has_its_own_kind()
    {
        Assert.Equal(ParseErrorKind.UnknownCommand, Fail("a1 XYZZY\r\n").Kind);
    }

    [Theory]
    [InlineData("a1 SEARCH CHARSET ISO-8859-1 TEXT x\r\n")]
    [InlineData("a1 SORT (DATE) KOI8-R ALL\r\n")]
    [InlineData("a1 THREAD REFERENCES windows-1252 ALL\r\n")]
    public void Unsupported_charset_is_a_badcharset_failure(string wire)
    {
        var failure = Fail(wire);
        Assert.Equal(ParseErrorKind.BadCharset, failure.Kind);
        Assert.StartsWith("Unsupported charset", failure.Message);
    }

    [Fact]
    public void Deep_nesting_is_refused_without_exhausting_the_stack()
    {
        string deep = "a1 SEARCH " + new string('(', 5000) + "ALL" + new string(')', 5000) + "\r\n";
        Assert.Equal("Search keys nested too deeply", Assert.IsType<ParseResult.Failure>(CommandParser.Parse(System.Text.Encoding.ASCII.GetBytes(deep))).Message);
        string nots = "a1 SEARCH " + string.Concat(Enumerable.Repeat("NOT ", 5000)) + "ALL\r\n";
        Assert.Equal("Search keys nested too deeply", Assert.IsType<ParseResult.Failure>(CommandParser.Parse(System.Text.Encoding.ASCII.GetBytes(nots))).Message);
    }

    [Fact]
    public void Parse_of_a_truncated_literal_fails_instead_of_reading_past_the_end()
    {
        var result = CommandParser.Parse("a1 LOGIN {10}\r\nabc"u8);
        Assert.Equal("Literal shorter than its announced size", Assert.IsType<ParseResult.Failure>(result).Message);
    }
}
