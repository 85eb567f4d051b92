using Xunit;

namespace AkkaImap.IntegrationTests.Cli;

/// <summary>
/// SPEC.md, Operator interface: a mistyped command names the bad word and the nearest valid one,
/// in one line, with the exit code of a malformed command line (2).
/// </summary>
public sealed class MistypedCommandTests
{
    [Theory]
    [InlineData(new[] { "mailbox", "lst" }, "unknown command 'lst' for 'akkaimap mailbox'; did you mean 'list'?")]
    [InlineData(new[] { "mailbx", "list" }, "unknown command 'mailbx' for 'akkaimap'; did you mean 'mailbox'?")]
    [InlineData(new[] { "config", "chek" }, "unknown command 'chek' for 'akkaimap config'; did you mean 'check'?")]
    [InlineData(new[] { "mailbox", "remove", "a@example.com", "--frce" }, "unknown option '--frce' for 'akkaimap mailbox remove'; did you mean '--force'?")]
    [InlineData(new[] { "publicfolder", "zap" }, "unknown command 'zap' for 'akkaimap publicfolder'; expected one of: add, remove, list, set, grant, revoke")]
    public async Task A_mistyped_word_is_named_with_the_nearest_valid_one(string[] args, string expected)
    {
        var result = await AkkaImapExecutable.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Equal(expected + "\n", result.Stderr);
    }
}
