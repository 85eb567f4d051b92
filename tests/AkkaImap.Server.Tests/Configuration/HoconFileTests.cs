using AkkaImap.Server.Configuration;
using Xunit;

namespace AkkaImap.Server.Tests.Configuration;

/// <summary>The operator's file: every mistake is one line with where it is; what Akka's parser would let through is refused.</summary>
public sealed class HoconFileTests
{
    private const string Source = "/etc/akkaimap/akkaimap.conf";

    private static string Refusal(string text) => Assert.Throws<SettingsException>(() => HoconFile.Parse(text, Source)).Message;

    [Theory]
    [InlineData("akka-imap {\n  port = 1143\n", "line 1, column 11: not valid HOCON: the { of \"akka-imap {\" is never closed; add the missing }")]
    [InlineData("akka-imap {\n  port = 1143\n}\n}\n", "line 4, column 1: not valid HOCON: unexpected \"}\": no block is open here; remove it")]
    [InlineData("akka-imap {\n  bind = [\"127.0.0.1\" }\n}\n", "line 2, column 23: not valid HOCON: \"}\" where the [ at line 2, column 10 needs its ]; add the ] first")]
    [InlineData("akka-imap {\n  bind = [\"127.0.0.1\"\n}\n", "line 3, column 1: not valid HOCON: \"}\" where the [ at line 2, column 10 needs its ]; add the ] first")]
    [InlineData("akka-imap {\n  tls.password = \"se\\\"cret\n}\n", "line 2, column 18: not valid HOCON: the string \"se\\\"cret is not closed on its line; add the closing \"")]
    [InlineData("akka-imap.port = ${port\n", "line 1, column 18: not valid HOCON: the substitution ${port is not closed on its line; add the closing }")]
    [InlineData("akka-imap.tls.password = \"\"\"abc\n", "line 1, column 26: not valid HOCON: this \"\"\" string is never closed; add the closing \"\"\"")]
    public void Unbalanced_brackets_and_strings_name_line_and_column(string text, string expected)
    {
        Assert.Equal($"{Source} {expected}", Refusal(text));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void Akkas_position_becomes_line_column_and_the_offending_text(string newline)
    {
        var text = string.Join(newline, "# comment with a { brace", "akka-imap {", "  port = 1143", "  tls { password = \"}\" }, xlist = off", "}", "");

        Assert.Equal(
            $"{Source} line 4, column 25: not valid HOCON: unexpected \", xlist = off\": a comma after a closing }} is not accepted; put the next setting on its own line",
            Refusal(text));
    }

    [Theory]
    [InlineData("akka-imp { port = 24143 }", "akka-imp: unknown top-level block; only akka-imap, akka and akka-imap-dispatcher are allowed; did you mean akka-imap?")]
    [InlineData("imap { port = 24143 }", "imap: unknown top-level block; only akka-imap, akka and akka-imap-dispatcher are allowed")]
    [InlineData("port = 24143", "port: unknown top-level setting; only akka-imap, akka and akka-imap-dispatcher are allowed; write it inside akka-imap { }")]
    public void Only_akka_imap_and_akka_are_allowed_at_the_top(string text, string expected)
    {
        Assert.Equal(expected, Refusal(text));
    }

    [Fact]
    public void Comments_strings_substitutions_and_the_allowed_blocks_parse()
    {
        var config = HoconFile.Parse("""
            # { in a comment
            // } in another
            akka-imap {
              tls.password = "p{a}s[s"
              storage.path = ${akka.loglevel}"-mail"
              bind = [ "127.0.0.1", "::1" ]
              xlist = off
            }
            akka.loglevel = INFO
            akka-imap-dispatcher.throughput = 10
            """, Source);

        Assert.Equal("p{a}s[s", config.GetString("akka-imap.tls.password"));
        Assert.Equal("INFO-mail", config.GetString("akka-imap.storage.path"));
        Assert.Equal(["127.0.0.1", "::1"], config.GetStringList("akka-imap.bind"));
        Assert.Equal(10, config.GetInt("akka-imap-dispatcher.throughput"));
    }

    [Fact]
    public void Locate_counts_lines_from_one()
    {
        Assert.Equal((1, 1), HoconFile.Locate("ab\ncd", 0));
        Assert.Equal((2, 2), HoconFile.Locate("ab\ncd", 4));
        Assert.Equal((2, 1), HoconFile.Locate("ab\r\ncd", 4));
    }

    [Theory]
    [InlineData("lst", "list")]
    [InlineData("mailbx", "mailbox")]
    [InlineData("akka-imp", "akka-imap")]
    [InlineData("xyz", null)]
    public void Spelling_names_the_nearest_word_only_when_it_is_near(string typo, string? expected)
    {
        Assert.Equal(expected, Spelling.Nearest(typo, ["add", "list", "mailbox", "akka-imap", "remove"]));
    }
}
