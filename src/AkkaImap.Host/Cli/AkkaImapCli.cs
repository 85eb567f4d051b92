using System.CommandLine;
using AkkaImap.Server.Configuration;

namespace AkkaImap.Host.Cli;

/// <summary>
/// The <c>akkaimap</c> command line (SPEC.md, Operator interface). Every failure the operator can
/// fix is one line on stderr with a non-zero exit code: 1 for a refused action or bad
/// configuration, 2 for a malformed command line.
/// </summary>
internal static class AkkaImapCli
{
    /// <summary>
    /// The documentation of every key, copied beside akkaimap.dll by the build and by publish (the
    /// same text is embedded as the defaults), so that --help points at a file that is there.
    /// </summary>
    public static string ReferenceConfPath { get; } = Path.Combine(AppContext.BaseDirectory, "reference.conf");

    /// <summary><c>--config FILE</c>, accepted by every command.</summary>
    public static readonly Option<string?> ConfigOption = new("--config")
    {
        Description = $"HOCON file layered over the built-in defaults; every key, its default and meaning: {ReferenceConfPath}",
        HelpName = "FILE",
        Recursive = true,
    };

    public static RootCommand Build()
    {
        var root = new RootCommand("AkkaImap: an IMAP server on Akka.NET.") { ConfigOption };
        root.Add(ServeCommands.Serve());
        root.Add(ServeCommands.Demo());
        root.Add(PostOfficeCommands.Build());
        root.Add(MailboxCommands.Build());
        root.Add(PublicFolderCommands.Build());
        root.Add(MailMoveCommands.Import());
        root.Add(MailMoveCommands.Export());
        root.Add(BackupCommands.Backup());
        root.Add(BackupCommands.Restore());
        root.Add(StoreCommands.Build());
        root.Add(ConfigCommands.Build());
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = Build().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var command = string.Join(' ', CommandPath(parsed.CommandResult.Command, parsed.RootCommandResult.Command));
            var message = Mistyped(parsed, command)
                ?? string.Join(' ', parsed.Errors[0].Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) + $" (see: {command} --help)";
            await Console.Error.WriteLineAsync(message);
            return 2;
        }

        try
        {
            // Signals are left to serve/demo (StopSignals, then the Generic Host's SignalLifetime); admin commands
            // are short and may simply be interrupted.
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            });
        }
        catch (OperatorException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return ex.ExitCode;
        }
        catch (SettingsException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 1;
        }
    }

    /// <summary>Loads the configuration named by <c>--config</c>.</summary>
    public static HostConfig LoadConfig(ParseResult parsed) => HostConfig.Load(parsed.GetValue(ConfigOption));

    /// <summary>
    /// A word that is not a subcommand (or an option that does not exist) of the command it follows,
    /// named with the nearest valid one: "unknown command 'lst' for 'akkaimap mailbox'; did you
    /// mean 'list'?". Null when the error is something else (a missing or bad argument).
    /// </summary>
    private static string? Mistyped(ParseResult parsed, string commandPath)
    {
        var command = parsed.CommandResult.Command;
        var token = parsed.UnmatchedTokens.FirstOrDefault();
        if (token is null)
        {
            return null;
        }

        string kind;
        List<string> valid;
        if (token.StartsWith('-'))
        {
            kind = "option";
            valid = [.. command.Options.Select(o => o.Name), ConfigOption.Name, "--help"];
        }
        else if (command.Subcommands.Count > 0)
        {
            kind = "command";
            valid = [.. command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name)];
        }
        else
        {
            return null;
        }

        var hint = Spelling.Nearest(token, valid) is { } nearest
            ? $"did you mean '{nearest}'?"
            : $"expected one of: {string.Join(", ", valid)}";
        return $"unknown {kind} '{token}' for '{commandPath}'; {hint}";
    }

    private static IEnumerable<string> CommandPath(Command command, Command root)
    {
        var names = new Stack<string>();
        for (Command? current = command; current is not null; current = current.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Push(current == root ? "akkaimap" : current.Name);
        }

        return names;
    }
}
