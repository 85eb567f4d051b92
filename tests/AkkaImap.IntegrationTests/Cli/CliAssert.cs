using Xunit;

namespace AkkaImap.IntegrationTests.Cli;

/// <summary>What an operator sees from a command that worked, or from one that was refused.</summary>
public static class CliAssert
{
    /// <summary>Exit 0, exactly <paramref name="expectedStdout"/>, nothing on stderr.</summary>
    public static void Succeeded(CliResult result, string expectedStdout)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expectedStdout, result.Stdout);
        Assert.Empty(result.Stderr);
    }

    /// <summary>Exit 1, nothing on stdout, and the one line <paramref name="expectedStderr"/> on stderr.</summary>
    public static void Refused(CliResult result, string expectedStderr)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Equal(expectedStderr + "\n", result.Stderr);
    }
}
