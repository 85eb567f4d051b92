using System.CommandLine;

namespace AkkaImap.Host.Cli;

/// <summary><c>akkaimap store migrate</c>: brings the store's schema to this build's version.</summary>
internal static class StoreCommands
{
    public static Command Build()
    {
        var migrate = new Command("migrate",
            "Bring the store's schema to this version of AkkaImap (serve does it at start too); refuses a store written by a newer AkkaImap");
        migrate.SetAction(async (parsed, ct) =>
        {
            var (before, after) = await StoreAccess.MigrateAsync(AkkaImapCli.LoadConfig(parsed).Settings.Storage, ct);
            Console.WriteLine(before == after
                ? $"store schema is at version {after}: nothing to migrate"
                : before == 0 ? $"store created at schema version {after}" : $"store migrated from schema version {before} to {after}");
            return 0;
        });
        return new Command("store", "Maintain the store") { migrate };
    }
}
