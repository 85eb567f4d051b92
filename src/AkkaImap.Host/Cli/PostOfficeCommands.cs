using System.CommandLine;
using AkkaImap.Storage;
using AkkaImap.Storage.Sqlite;

namespace AkkaImap.Host.Cli;

/// <summary><c>akkaimap postoffice add|set|list|remove</c>: post offices (tenants) in the store.</summary>
internal static class PostOfficeCommands
{
    public static Command Build()
    {
        var command = new Command("postoffice", "Manage post offices (mail domains)");
        command.Add(Add());
        command.Add(Set());
        command.Add(List());
        command.Add(Remove());
        return command;
    }

    private static Argument<string> NameArgument() => new("NAME") { Description = "The post office, usually a mail domain such as example.com" };

    private static Command Add()
    {
        var name = NameArgument();
        var publicFolders = new Option<bool>("--public-folders") { Description = "Enable public folders for it" };
        var command = new Command("add", "Create a post office") { name, publicFolders };
        command.SetAction(async (parsed, ct) =>
        {
            await using var store = await StoreAccess.OpenAsync(AkkaImapCli.LoadConfig(parsed).Settings.Storage, ct);
            var office = await StoreAccess.Run(
                () => store.AddPostOfficeAsync(parsed.GetRequiredValue(name), parsed.GetValue(publicFolders), ct),
                e => e.Error == StoreError.AlreadyExists
                    ? $"post office {parsed.GetRequiredValue(name)} already exists"
                    : $"cannot add post office {parsed.GetRequiredValue(name)}: {e.Message}");
            Console.WriteLine($"added post office {office.Name} (public folders {OnOff(office.PublicFolders)})");
            return 0;
        });
        return command;
    }

    private static Command Set()
    {
        var name = NameArgument();
        var publicFolders = new Option<string>("--public-folders") { Description = "Switch public folders on or off", Required = true, HelpName = "on|off" };
        publicFolders.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && value is not ("on" or "off"))
            {
                result.AddError($"--public-folders: expected on or off, got \"{value}\"");
            }
        });
        var command = new Command("set", "Change a post office") { name, publicFolders };
        command.SetAction(async (parsed, ct) =>
        {
            var office = parsed.GetRequiredValue(name);
            var enabled = parsed.GetRequiredValue(publicFolders) == "on";
            await using var store = await StoreAccess.OpenAsync(AkkaImapCli.LoadConfig(parsed).Settings.Storage, ct);
            if (!await store.SetPostOfficePublicFoldersAsync(office, enabled, ct))
            {
                throw NoSuchPostOffice(office);
            }

            Console.WriteLine($"post office {office.ToLowerInvariant()}: public folders {OnOff(enabled)}");
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List post offices");
        command.SetAction(async (parsed, ct) =>
        {
            await using var store = await StoreAccess.OpenAsync(AkkaImapCli.LoadConfig(parsed).Settings.Storage, ct);
            foreach (var office in await store.ListPostOfficesAsync(ct))
            {
                Console.WriteLine($"{office.Name}\tpublic-folders={OnOff(office.PublicFolders)}");
            }

            return 0;
        });
        return command;
    }

    private static Command Remove()
    {
        var name = NameArgument();
        var force = new Option<bool>("--force") { Description = "Also remove its mailboxes and public folders with all their mail" };
        var command = new Command("remove", "Remove a post office; one with mailboxes or public folders needs --force") { name, force };
        command.SetAction(async (parsed, ct) =>
        {
            var office = parsed.GetRequiredValue(name);
            await using var store = await StoreAccess.OpenAsync(AkkaImapCli.LoadConfig(parsed).Settings.Storage, ct);
            bool removed;
            try
            {
                removed = await store.RemovePostOfficeAsync(office, parsed.GetValue(force), ct);
            }
            catch (StoreException ex) when (ex.Error == StoreError.NotEmpty)
            {
                throw new OperatorException($"post office {office} still has {await RemainsAsync(store, office, ct)}; remove them first, or pass --force to remove them with all their mail");
            }
            catch (StoreException ex)
            {
                throw new OperatorException($"cannot remove post office {office}: {ex.Message}");
            }

            if (!removed)
            {
                throw NoSuchPostOffice(office);
            }

            Console.WriteLine($"removed post office {office.ToLowerInvariant()}");
            return 0;
        });
        return command;
    }

    /// <summary>What keeps a post office from being removed without --force, in words.</summary>
    private static async Task<string> RemainsAsync(IStore store, string office, CancellationToken ct)
    {
        var mailboxes = (await store.ListAccountsAsync(office, ct)).Count > 0;
        var found = await store.FindPostOfficeAsync(office, ct);
        var folders = found is not null && (await store.ListFoldersAsync(MailboxOwner.ForPublicFolders(found.Id), ct)).Count > 0;
        return (mailboxes, folders) switch
        {
            (true, true) => "mailboxes and public folders",
            (false, true) => "public folders",
            _ => "mailboxes",
        };
    }

    internal static OperatorException NoSuchPostOffice(string name) =>
        new($"no post office named {name}; see akkaimap postoffice list, or create it with akkaimap postoffice add {name}");

    internal static string OnOff(bool value) => value ? "on" : "off";
}
