using System.CommandLine;

namespace AkkaImap.Host.Cli;

/// <summary><c>akkaimap serve</c> and <c>akkaimap demo</c>: run the service in the foreground.</summary>
internal static class ServeCommands
{
    public static Command Serve()
    {
        var command = new Command("serve", "Run the service in the foreground until SIGINT or SIGTERM");
        command.SetAction((parsed, ct) => ServerHosting.RunAsync(AkkaImapCli.LoadConfig(parsed), ct));
        return command;
    }

    public static Command Demo()
    {
        var command = new Command("demo", "Run a ready-to-try server on 127.0.0.1:1143 and :1993 with a scratch data folder");
        command.SetAction(async (parsed, ct) =>
        {
            var config = await DemoSetup.PrepareAsync(parsed.GetValue(AkkaImapCli.ConfigOption), Console.Out, ct);
            return await ServerHosting.RunAsync(config, ct);
        });
        return command;
    }
}
