using Akka.Configuration;
using AkkaImap.Server.Configuration;
using Xunit;

namespace AkkaImap.Server.Tests.Configuration;

/// <summary>hocon/reference.conf is the operator's documentation: it must state exactly the built-in defaults.</summary>
public sealed class ReferenceConfTests
{
    private static readonly string Text = File.ReadAllText(Path.Combine(RepositoryRoot(), "hocon", "reference.conf"));

    [Fact]
    public void Reference_conf_states_the_built_in_defaults()
    {
        var fromFile = ImapSettings.FromConfig(ConfigurationFactory.ParseString(Text), "/etc/akkaimap");
        var builtIn = ImapSettings.FromConfig(Config.Empty, "/etc/akkaimap");

        Assert.Equal(SettingsListing.Describe(builtIn), SettingsListing.Describe(fromFile));
    }

    [Fact]
    public void Reference_conf_lists_every_key_and_names_the_MailEnable_setting()
    {
        var config = ConfigurationFactory.ParseString(Text);

        foreach (var line in SettingsListing.Describe(ImapSettings.Default))
        {
            Assert.True(config.HasPath(line.Key), $"{line.Key} missing from reference.conf");
            if (line.MailEnableName is { } name)
            {
                Assert.Contains($"# MailEnable: \"{name}", Text, StringComparison.Ordinal);
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AkkaImap.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("AkkaImap.sln not found above " + AppContext.BaseDirectory);
    }
}
