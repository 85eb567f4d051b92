using System.CommandLine;
using AkkaImap.Server.Configuration;
using AkkaImap.Storage;
using AkkaImap.Storage.Sqlite;

namespace AkkaImap.Host.Cli;

/// <summary><c>akkaimap mailbox add|passwd|list|remove|unlock|set</c> (and <c>import</c>, in <see cref="MailboxImport"/>): accounts of a post office.</summary>
internal static class MailboxCommands
{
    public static Command Build()
    {
        var command = new Command("mailbox", "Manage mailboxes (user accounts)");
        command.Add(Add());
        command.Add(MailboxImport.Build());
        command.Add(Passwd());
        command.Add(List());
        command.Add(Remove());
        command.Add(Unlock());
        command.Add(Set());
        return command;
    }

    private static Argument<string> LoginArgument() => new("USER@PO") { Description = "The mailbox, as it logs in: user@postoffice" };

    // Passwords never come from the command line: argv is visible in ps and shell history.
    private static Option<bool> PasswordStdinOption() => new("--password-stdin") { Description = "Read the password from standard input (required)" };

    private static Command Add()
    {
        var login = LoginArgument();
        var passwordStdin = PasswordStdinOption();
        var command = new Command("add", "Create a mailbox with INBOX, Drafts, Sent, Trash, Junk and Archive") { login, passwordStdin };
        command.SetAction(async (parsed, ct) =>
        {
            var (user, office) = SplitLogin(parsed.GetRequiredValue(login));
            var password = ReadPassword(parsed.GetValue(passwordStdin), "add");
            var auth = AkkaImapCli.LoadConfig(parsed).Settings.Auth;
            await using var store = await OpenStore(parsed, ct);
            var account = await StoreAccess.Run(
                () => store.AddAccountAsync($"{user}@{office}", password, ExtraSecrets(auth), ct),
                e => e.Error switch
                {
                    StoreError.NotFound => PostOfficeCommands.NoSuchPostOffice(office).Message,
                    StoreError.AlreadyExists => $"mailbox {user}@{office} already exists; to change its password use akkaimap mailbox passwd",
                    _ => $"cannot add mailbox {user}@{office}: {e.Message}",
                });
            Console.WriteLine($"added mailbox {account.Login}");
            return 0;
        });
        return command;
    }

    private static Command Passwd()
    {
        var login = LoginArgument();
        var passwordStdin = PasswordStdinOption();
        var command = new Command("passwd", "Set a mailbox's password") { login, passwordStdin };
        command.SetAction(async (parsed, ct) =>
        {
            var (user, office) = SplitLogin(parsed.GetRequiredValue(login));
            var password = ReadPassword(parsed.GetValue(passwordStdin), "passwd");
            var auth = AkkaImapCli.LoadConfig(parsed).Settings.Auth;
            await using var store = await OpenStore(parsed, ct);
            await Require(store, user, office, ct, s => s.SetPasswordAsync($"{user}@{office}", password, ExtraSecrets(auth), ct));
            Console.WriteLine($"password of {user}@{office} changed");
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var office = new Argument<string>("PO") { Description = "The post office whose mailboxes to list" };
        var command = new Command("list", "List the mailboxes of a post office") { office };
        command.SetAction(async (parsed, ct) =>
        {
            var name = parsed.GetRequiredValue(office).Trim().ToLowerInvariant();
            var wanted = ExtraSecrets(AkkaImapCli.LoadConfig(parsed).Settings.Auth);
            await using var store = await OpenStore(parsed, ct);
            if (await store.FindPostOfficeAsync(name, ct) is null)
            {
                throw PostOfficeCommands.NoSuchPostOffice(name);
            }

            var now = DateTimeOffset.UtcNow;
            foreach (var account in await store.ListAccountsAsync(name, ct))
            {
                var lockout = await store.GetLockoutAsync(account.Login, ct);
                var line = lockout is { LockedUntil: { } until } && lockout.IsLocked(now)
                    ? $"{account.Login}\tlocked until {until.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z"
                    : account.Login;
                if (await QuotaColumn(store, account, ct) is { } quota)
                {
                    line += "\t" + quota;
                }
                Console.WriteLine(MissingSecrets(wanted & ~account.StoredSecrets) is { } missing ? $"{line}\t{missing}" : line);
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// Use and limits as RFC 9208 counts them (<c>storage 12M/2G messages 340/-</c>, a dash where
    /// there is no limit), for a mailbox that has a limit; null for one without.
    /// </summary>
    private static async Task<string?> QuotaColumn(IStore store, Account account, CancellationToken ct)
    {
        var quota = await store.GetQuotaAsync(account.Id, ct);
        if (quota is null || (quota.StorageLimit is null && quota.MessageLimit is null))
        {
            return null;
        }
        string storage = $"{SettingValues.FormatSize(quota.StorageUsed)}/{(quota.StorageLimit is { } s ? SettingValues.FormatSize(s) : "-")}";
        string messages = $"{quota.MessagesUsed}/{(quota.MessageLimit is { } m ? m.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")}";
        return $"storage {storage} messages {messages}";
    }

    private static Command Remove()
    {
        var login = LoginArgument();
        var force = new Option<bool>("--force") { Description = "Remove it even when it holds mail (the mail goes with it)" };
        var command = new Command("remove", "Remove a mailbox with all its folders; one that holds mail needs --force") { login, force };
        command.SetAction(async (parsed, ct) =>
        {
            var (user, office) = SplitLogin(parsed.GetRequiredValue(login));
            await using var store = await OpenStore(parsed, ct);
            await StoreAccess.Run(
                async () =>
                {
                    await Require(store, user, office, ct, s => s.RemoveAccountAsync($"{user}@{office}", parsed.GetValue(force), ct));
                    return true;
                },
                e => e.Error == StoreError.NotEmpty
                    ? $"mailbox {user}@{office} holds mail; pass --force to remove it with all its mail"
                    : $"cannot remove mailbox {user}@{office}: {e.Message}");
            Console.WriteLine($"removed mailbox {user}@{office}");
            return 0;
        });
        return command;
    }

    private static Command Unlock()
    {
        var login = LoginArgument();
        var command = new Command("unlock", "Lift a lockout after failed logins") { login };
        command.SetAction(async (parsed, ct) =>
        {
            var (user, office) = SplitLogin(parsed.GetRequiredValue(login));
            await using var store = await OpenStore(parsed, ct);
            await Require(store, user, office, ct, s => s.UnlockAsync($"{user}@{office}", ct));
            Console.WriteLine($"unlocked mailbox {user}@{office}");
            return 0;
        });
        return command;
    }

    /// <summary><c>mailbox set USER@PO --quota-storage SIZE|none|default --quota-messages N|none|default</c> (RFC 9208).</summary>
    private static Command Set()
    {
        var login = LoginArgument();
        var quota = new QuotaOptions();
        var command = new Command("set", "Change a mailbox: its quota (none: no limit; default: the post office's)") { login };
        quota.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            var (user, office) = SplitLogin(parsed.GetRequiredValue(login));
            var change = quota.Read(parsed)
                ?? throw new OperatorException("nothing to change; pass --quota-storage and/or --quota-messages", 2);
            await using var store = await OpenStore(parsed, ct);
            await Require(store, user, office, ct, s => s.SetAccountQuotaAsync($"{user}@{office}", change, ct));
            var (limits, _) = (await store.GetQuotaLimitsAsync($"{user}@{office}", ct))!.Value;
            Console.WriteLine($"mailbox {user}@{office}: quota storage {QuotaOptions.Describe(limits.Storage, size: true)}, messages {QuotaOptions.Describe(limits.Messages, size: false)}");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The password-equivalent secrets to store besides the SCRAM keys: those of the mechanisms
    /// switched on (auth.cram-md5, auth.ntlm), and only those (SPEC.md, Security).
    /// </summary>
    internal static PasswordSecrets ExtraSecrets(AuthSettings auth) =>
        (auth.CramMd5 ? PasswordSecrets.CramMd5 : PasswordSecrets.None) | (auth.Ntlm ? PasswordSecrets.Ntlm : PasswordSecrets.None);

    /// <summary>Says which switched-on mechanisms a mailbox cannot use until its password is set again; null when none.</summary>
    private static string? MissingSecrets(PasswordSecrets missing)
    {
        var names = new List<string>();
        if (missing.HasFlag(PasswordSecrets.CramMd5)) names.Add("CRAM-MD5");
        if (missing.HasFlag(PasswordSecrets.Ntlm)) names.Add("NTLM");
        return names.Count == 0 ? null : $"{string.Join(" and ", names)} need the password set again (akkaimap mailbox passwd)";
    }

    private static Task<IStore> OpenStore(ParseResult parsed, CancellationToken ct) =>
        StoreAccess.OpenAsync(AkkaImapCli.LoadConfig(parsed).Settings.Storage, ct);

    /// <summary>Runs an action that answers false for an unknown mailbox, and says which part is unknown.</summary>
    private static async Task Require(IStore store, string user, string office, CancellationToken ct, Func<IStore, Task<bool>> action)
    {
        if (await action(store))
        {
            return;
        }

        throw await store.FindPostOfficeAsync(office, ct) is null
            ? PostOfficeCommands.NoSuchPostOffice(office)
            : new OperatorException($"no mailbox {user}@{office}; see akkaimap mailbox list {office}");
    }

    internal static (string User, string PostOffice) SplitLogin(string login) =>
        TrySplitLogin(login)
        ?? throw new OperatorException($"\"{login}\" is not a mailbox; write it as user@postoffice, e.g. alice@example.com", 2);

    /// <summary>user and post office of <c>user@postoffice</c>, lower-cased; null when it is not of that form.</summary>
    internal static (string User, string PostOffice)? TrySplitLogin(string login)
    {
        var text = login.Trim().ToLowerInvariant();
        var at = text.LastIndexOf('@');
        return at <= 0 || at == text.Length - 1 ? null : (text[..at], text[(at + 1)..]);
    }

    private static string ReadPassword(bool fromStdin, string verb)
    {
        if (!fromStdin)
        {
            throw new OperatorException($"pass --password-stdin and write the password to standard input, e.g. printf '%s' \"$PASSWORD\" | akkaimap mailbox {verb} USER@PO --password-stdin", 2);
        }

        // Everything on stdin, less one final line break (what echo or a here-string adds).
        var text = Console.IsInputRedirected ? Console.In.ReadToEnd() : Console.In.ReadLine() ?? string.Empty;
        if (text.EndsWith('\n'))
        {
            text = text[..^1];
        }

        if (text.EndsWith('\r'))
        {
            text = text[..^1];
        }

        return text.Length > 0
            ? text
            : throw new OperatorException("no password on standard input; the password must not be empty");
    }
}
