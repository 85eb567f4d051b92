using System.CommandLine;
using AkkaImap.Server.PublicFolders;
using AkkaImap.Storage;

namespace AkkaImap.Host.Cli;

/// <summary>
/// <c>akkaimap publicfolder add|remove|list|set</c>: a post office's public folders, which its
/// mailboxes see under "Public Folders/" (when the service and the post office switch them on).
/// The running server hears of these changes through the store's change feed: LIST reads the
/// store, and sessions that have a removed folder selected are ended with BYE. Rights (RFC 4314)
/// are read by the server per command; a session whose read right goes away is ended with BYE.
/// </summary>
internal static class PublicFolderCommands
{
    public static Command Build()
    {
        var command = new Command("publicfolder", "Manage the public folders of a post office");
        command.Add(Add());
        command.Add(Remove());
        command.Add(List());
        command.Add(Set());
        command.Add(Grant(grant: true));
        command.Add(Grant(grant: false));
        return command;
    }

    private static Argument<string> PostOfficeArgument() => new("PO") { Description = "The post office, such as example.com" };

    private static Argument<string> NameArgument() =>
        new("NAME") { Description = "The folder, '/' between levels (\"Team/Minutes\"); shown to users as \"Public Folders/NAME\"" };

    private static Option<string> OnOffOption(string name, string description, bool required)
    {
        var option = new Option<string>(name) { Description = description, Required = required, HelpName = "on|off" };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && value is not ("on" or "off"))
            {
                result.AddError($"{name}: expected on or off, got \"{value}\"");
            }
        });
        return option;
    }

    private static Command Add()
    {
        var po = PostOfficeArgument();
        var name = NameArgument();
        var readOnly = OnOffOption("--read-only", "Make it read-only for users (default off)", required: false);
        var command = new Command("add", "Create a public folder") { po, name, readOnly };
        command.SetAction(async (parsed, ct) =>
        {
            await using var store = await StoreAccess.OpenAsync(AkkaImapCli.LoadConfig(parsed).Settings.Storage, ct);
            var office = await FindAsync(store, parsed.GetRequiredValue(po), ct);
            var folder = Inner(parsed.GetRequiredValue(name));
            var owner = MailboxOwner.ForPublicFolders(office.Id);
            var created = await StoreAccess.Run(
                () => store.CreateFolderAsync(owner, folder, ct: ct),
                e => e.Error == StoreError.AlreadyExists
                    ? $"public folder {folder} already exists in {office.Name}"
                    : $"cannot add public folder \"{folder}\": {e.Message}; use names like News or Team/Minutes");
            if (parsed.GetValue(readOnly) == "on")
            {
                await store.SetFolderReadOnlyAsync(owner, created.Name, true, ct);
            }
            Console.WriteLine($"added public folder {created.Name} to {office.Name} (read-only {PostOfficeCommands.OnOff(parsed.GetValue(readOnly) == "on")})");
            if (!office.PublicFolders)
            {
                Console.WriteLine($"note: public folders are off for {office.Name}; users see them after akkaimap postoffice set {office.Name} --public-folders on");
            }
            return 0;
        });
        return command;
    }

    private static Command Remove()
    {
        var po = PostOfficeArgument();
        var name = NameArgument();
        var command = new Command("remove", "Remove a public folder and its messages") { po, name };
        command.SetAction(async (parsed, ct) =>
        {
            await using var store = await StoreAccess.OpenAsync(AkkaImapCli.LoadConfig(parsed).Settings.Storage, ct);
            var office = await FindAsync(store, parsed.GetRequiredValue(po), ct);
            var folder = Inner(parsed.GetRequiredValue(name));
            await StoreAccess.Run(
                async () =>
                {
                    await store.DeleteFolderAsync(MailboxOwner.ForPublicFolders(office.Id), folder, ct);
                    return true;
                },
                e => e.Error switch
                {
                    StoreError.NotFound => $"no public folder {folder} in {office.Name}; see akkaimap publicfolder list {office.Name}",
                    StoreError.NotEmpty => $"public folder {folder} has subfolders; remove them first",
                    _ => $"cannot remove public folder {folder}: {e.Message}",
                });
            Console.WriteLine($"removed public folder {folder} from {office.Name}");
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var po = PostOfficeArgument();
        var command = new Command("list", "List the public folders of a post office") { po };
        command.SetAction(async (parsed, ct) =>
        {
            await using var store = await StoreAccess.OpenAsync(AkkaImapCli.LoadConfig(parsed).Settings.Storage, ct);
            var office = await FindAsync(store, parsed.GetRequiredValue(po), ct);
            foreach (var folder in await store.ListFoldersAsync(MailboxOwner.ForPublicFolders(office.Id), ct))
            {
                // A \Noselect level only holds subfolders (it was removed, or made as a parent).
                var acl = string.Join(' ', (await store.GetAclAsync(folder.Id, ct)).Select(e => $"{e.Identifier}={AclRights.Format(e.Rights)}"));
                Console.WriteLine(folder.NoSelect
                    ? $"{folder.Name}\t(holds subfolders only)"
                    : $"{folder.Name}\tread-only={PostOfficeCommands.OnOff(folder.ReadOnly)}\t{acl}");
            }
            return 0;
        });
        return command;
    }

    private static Command Set()
    {
        var po = PostOfficeArgument();
        var name = NameArgument();
        var readOnly = OnOffOption("--read-only", "Switch read-only on or off", required: true);
        var command = new Command("set", "Change a public folder") { po, name, readOnly };
        command.SetAction(async (parsed, ct) =>
        {
            await using var store = await StoreAccess.OpenAsync(AkkaImapCli.LoadConfig(parsed).Settings.Storage, ct);
            var office = await FindAsync(store, parsed.GetRequiredValue(po), ct);
            var folder = Inner(parsed.GetRequiredValue(name));
            var on = parsed.GetRequiredValue(readOnly) == "on";
            if (!await store.SetFolderReadOnlyAsync(MailboxOwner.ForPublicFolders(office.Id), folder, on, ct))
            {
                throw new OperatorException($"no public folder {folder} in {office.Name}; see akkaimap publicfolder list {office.Name}");
            }
            Console.WriteLine($"public folder {folder} in {office.Name}: read-only {PostOfficeCommands.OnOff(on)}");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// <c>grant PO NAME WHO RIGHTS</c> adds rights to WHO's entry, <c>revoke</c> takes them away (an
    /// entry left with none is removed). WHO is <c>anyone</c> or a mailbox of the post office.
    /// </summary>
    private static Command Grant(bool grant)
    {
        var po = PostOfficeArgument();
        var name = NameArgument();
        var who = new Argument<string>("WHO") { Description = "anyone, or a mailbox of the post office (alice or alice@example.com)" };
        var rights = new Argument<string>("RIGHTS")
        {
            Description = "RFC 4314 letters: l lookup, r read, s seen, w write, i insert, p post, k create, x delete folder, t delete messages, e expunge, a administer (c = kx, d = te); or all",
        };
        var command = new Command(grant ? "grant" : "revoke", grant ? "Give a mailbox (or anyone) rights on a public folder" : "Take rights on a public folder away")
            { po, name, who, rights };
        command.SetAction(async (parsed, ct) =>
        {
            var text = parsed.GetRequiredValue(rights);
            AclRight change;
            if (text == "all")
            {
                change = AclRight.All;
            }
            else if (!AclRights.TryParse(text, out change, out var unknown) || change == AclRight.None)
            {
                throw new OperatorException(change == AclRight.None && unknown == '\0'
                    ? "RIGHTS is empty: give letters of lrswipkxtea (or all)"
                    : $"unknown right '{unknown}' in {text}: use letters of lrswipkxtea (c and d as RFC 4314 defines them), or all");
            }
            await using var store = await StoreAccess.OpenAsync(AkkaImapCli.LoadConfig(parsed).Settings.Storage, ct);
            var office = await FindAsync(store, parsed.GetRequiredValue(po), ct);
            var folder = Inner(parsed.GetRequiredValue(name));
            var info = await store.GetFolderAsync(MailboxOwner.ForPublicFolders(office.Id), folder, ct)
                ?? throw new OperatorException($"no public folder {folder} in {office.Name}; see akkaimap publicfolder list {office.Name}");
            var identifier = parsed.GetRequiredValue(who);
            long accountId = 0;
            if (!string.Equals(identifier, AclRights.Anyone, StringComparison.OrdinalIgnoreCase))
            {
                var login = identifier.Contains('@') ? identifier : $"{identifier}@{office.Name}";
                var account = await store.FindAccountAsync(login, ct);
                if (account is null || account.PostOfficeId != office.Id)
                {
                    throw new OperatorException($"no mailbox {login} in {office.Name}: WHO is anyone or a mailbox of {office.Name}; see akkaimap mailbox list {office.Name}");
                }
                accountId = account.Id;
                identifier = account.Login;
            }
            else
            {
                identifier = AclRights.Anyone;
            }
            var current = (await store.GetAclAsync(info.Id, ct)).FirstOrDefault(e => e.AccountId == accountId)?.Rights ?? AclRight.None;
            var next = grant ? current | change : current & ~change;
            await store.SetRightsAsync(info.Id, accountId, next == AclRight.None ? null : next, ct);
            Console.WriteLine($"public folder {info.Name} in {office.Name}: {identifier} has {(next == AclRight.None ? "no rights" : AclRights.Format(next))}");
            return 0;
        });
        return command;
    }

    private static async Task<PostOffice> FindAsync(IStore store, string name, CancellationToken ct) =>
        await store.FindPostOfficeAsync(name, ct) ?? throw PostOfficeCommands.NoSuchPostOffice(name);

    /// <summary>The operator may type the name as users see it; the store keeps it without the prefix.</summary>
    private static string Inner(string name) =>
        PublicFolderNames.TryStrip(name, out var inner) && inner.Length > 0 ? inner : name;
}
