using AkkaImap.IntegrationTests.Cli;
using AkkaImap.IntegrationTests.Infrastructure;
using Xunit;

namespace AkkaImap.IntegrationTests.Auth;

/// <summary>Admin commands run with a variant of a fixture's configuration (other <c>auth</c> switches, same store).</summary>
internal static class AuthCli
{
    /// <summary>Writes the fixture's configuration plus <paramref name="settings"/> into its folder, so <c>storage.path</c> still names its store.</summary>
    public static string VariantConfig(ServerFixture server, string settings)
    {
        var text = File.ReadAllText(server.ConfigFile);
        var end = text.LastIndexOf('}');
        var file = Path.Combine(server.Folder, $"variant-{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, text[..end] + settings + "\n}\n");
        return file;
    }

    /// <summary>Runs <c>akkaimap ARGS --config CONFIG</c> and fails the test on a non-zero exit.</summary>
    public static async Task<CliResult> RunAsync(string config, string stdin, params string[] args)
    {
        var result = await AkkaImapExecutable.RunWithInputAsync(stdin, [.. args, "--config", config]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
