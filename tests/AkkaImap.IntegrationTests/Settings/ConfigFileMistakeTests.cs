using AkkaImap.IntegrationTests.Cli;
using Xunit;
using static AkkaImap.IntegrationTests.Cli.CliAssert;

namespace AkkaImap.IntegrationTests.Settings;

/// <summary>
/// Mistakes in the file itself (issue 16): each stops the command with one line saying where, where
/// Akka's HOCON parser alone would start with the defaults or report only a character position.
/// </summary>
public sealed class ConfigFileMistakeTests(CliFolder folder) : IClassFixture<CliFolder>
{
    [Fact]
    public async Task A_misspelt_top_level_block_is_refused_by_name_at_start()
    {
        var file = folder.Write("toplevel.conf", "akka-imp { port = 24143 }\n");

        var result = await AkkaImapExecutable.RunAsync("serve", "--config", file);

        Refused(result, "akka-imp: unknown top-level block; only akka-imap, akka and akka-imap-dispatcher are allowed; did you mean akka-imap?");
    }

    [Fact]
    public async Task A_missing_closing_brace_is_an_error_not_the_defaults()
    {
        var file = folder.Write("unclosed.conf", "akka-imap {\n  port = 24143\n  xlist = off\n");

        var result = await AkkaImapExecutable.RunAsync("config", "check", "--config", file);

        Refused(result, $"{file} line 1, column 11: not valid HOCON: the {{ of \"akka-imap {{\" is never closed; add the missing }}");
    }

    [Fact]
    public async Task A_syntax_error_names_line_column_and_the_offending_text()
    {
        var file = folder.Write("comma.conf", "akka-imap {\n  port = 24143\n  alternate-port { enabled = on }, xlist = off\n}\n");

        var result = await AkkaImapExecutable.RunAsync("config", "check", "--config", file);

        Refused(result, $"{file} line 3, column 34: not valid HOCON: unexpected \", xlist = off\": a comma after a closing }} is not accepted; put the next setting on its own line");
    }

    [Fact]
    public async Task An_unclosed_list_is_an_error_instead_of_a_hang()
    {
        var file = folder.Write("list.conf", "akka-imap {\n  bind = [\"127.0.0.1\"\n}\n");

        var result = await AkkaImapExecutable.RunAsync("config", "check", "--config", file);

        Refused(result, $"{file} line 3, column 1: not valid HOCON: \"}}\" where the [ at line 2, column 10 needs its ]; add the ] first");
    }
}
