using System.CommandLine;
using AkkaImap.Server.Configuration;

namespace AkkaImap.Host.Cli;

/// <summary><c>akkaimap config check</c>.</summary>
internal static class ConfigCommands
{
    public static Command Build()
    {
        var check = new Command("check", "Validate the configuration and print every effective setting");
        check.SetAction(parsed =>
        {
            var config = AkkaImapCli.LoadConfig(parsed);
            ClusterMode.Check(config.Config, config.Settings);

            // A configured certificate is read now, so that a bad file shows here and not at start-up.
            if (config.Settings.Tls.Certificate is not null)
            {
                ServerHosting.LoadCertificate(config.Settings).Certificate.Dispose();
            }

            Console.WriteLine($"# {(config.File is null ? "built-in defaults (no --config file)" : config.File)}");
            Console.WriteLine($"# {ClusterMode.Describe(config.Config)}");
            foreach (var line in SettingsListing.Describe(config.Settings))
            {
                Console.WriteLine(line.MailEnableName is null
                    ? $"{line.Key} = {line.Value}"
                    : $"{line.Key} = {line.Value}  # MailEnable: {line.MailEnableName}");
            }

            return 0;
        });

        return new Command("config", "Inspect the configuration") { check };
    }
}
