using System.CommandLine;
using AkkaImap.Storage;
using AkkaImap.Storage.Migration;

namespace AkkaImap.Host.Cli;

/// <summary>
/// <c>akkaimap import USER@PO --maildir DIR|--mbox FILE|--eml DIR</c> and
/// <c>akkaimap export USER@PO --maildir DIR</c>: mail in from Dovecot/Courier Maildir++, an mbox
/// or a tree of RFC 822 files (MailEnable), and out again as Maildir++. Both work on the store
/// directly, through its ordinary write path, while <c>serve</c> runs or not; the running server
/// hears of imported mail through the store's change feed.
/// </summary>
internal static class MailMoveCommands
{
    public static Command Import()
    {
        var login = new Argument<string>("USER@PO") { Description = "The mailbox to fill: user@postoffice" };
        var maildir = new Option<string?>("--maildir") { Description = "A Maildir++ tree (Dovecot, Courier): cur/ new/ tmp/ and .Sub.Folder beside them", HelpName = "DIR" };
        var mbox = new Option<string?>("--mbox") { Description = "An mbox file (From_ lines; Status:/X-Status: flags)", HelpName = "FILE" };
        var eml = new Option<string?>("--eml") { Description = "A folder tree of RFC 822 files, any extension (MailEnable); subfolders become folders", HelpName = "DIR" };
        var folder = new Option<string?>("--folder") { Description = "With --mbox: the folder to fill (default INBOX)", HelpName = "NAME" };
        var command = new Command("import",
            "Bring mail into a mailbox, keeping folders, flags and internal dates; a re-run skips what is already there") { login, maildir, mbox, eml, folder };
        command.SetAction(async (parsed, ct) =>
        {
            var (user, office) = MailboxCommands.SplitLogin(parsed.GetRequiredValue(login));
            var given = new[] { ("--maildir", parsed.GetValue(maildir)), ("--mbox", parsed.GetValue(mbox)), ("--eml", parsed.GetValue(eml)) }
                .Where(o => o.Item2 is not null).ToArray();
            if (given.Length != 1)
                throw new OperatorException("name one source: --maildir DIR, --mbox FILE or --eml DIR", 2);
            var target = parsed.GetValue(folder);
            if (target is not null && given[0].Item1 != "--mbox")
                throw new OperatorException("--folder goes with --mbox only (a Maildir or .eml tree brings its own folders)", 2);
            var (kind, path) = (given[0].Item1, given[0].Item2!);
            IMailSource source;
            try
            {
                source = kind switch
                {
                    "--maildir" => new MaildirSource(path),
                    "--mbox" => new MboxSource(path, string.IsNullOrWhiteSpace(target) ? "INBOX" : target.Trim('/')),
                    _ => new EmlTreeSource(path),
                };
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                throw new OperatorException($"cannot import: {ex.Message}");
            }

            var settings = AkkaImapCli.LoadConfig(parsed).Settings;
            await using var store = await StoreAccess.OpenAsync(settings.Storage, ct);
            var account = await FindAccount(store, user, office, ct);
            var progress = new ProgressReport("importing", source.UnitName);
            var importer = new MailImporter(store, account);
            var summary = await StoreAccess.Run(
                () => importer.RunAsync(source, p => progress.Report(p.UnitsDone, p.TotalUnits, p.Skipped > 0 ? $", {p.Skipped} already there" : ""), ct),
                e =>
                {
                    progress.Done();
                    return e.Error == StoreError.OverQuota
                        ? $"mailbox {account.Login} is over its quota; raise it (akkaimap mailbox set {account.Login} --quota-storage SIZE --quota-messages N) and run the import again: what is there is skipped"
                        : $"import stopped: {e.Message}; run it again once fixed: what is there is skipped";
                });
            progress.Done();
            Console.WriteLine($"imported {summary.Imported} message{(summary.Imported == 1 ? "" : "s")} into {account.Login}"
                + $" ({summary.Skipped} already there, {summary.Bad.Count} bad)");
            if (summary.Bad.Count == 0) return 0;
            foreach (var bad in summary.Bad) Console.Error.WriteLine($"{bad.Where}: {bad.Reason}");
            Console.Error.WriteLine($"{summary.Bad.Count} bad file{(summary.Bad.Count == 1 ? " was" : "s were")} not imported (listed above); the rest was");
            return 1;
        });
        return command;
    }

    public static Command Export()
    {
        var login = new Argument<string>("USER@PO") { Description = "The mailbox to write out: user@postoffice" };
        var maildir = new Option<string>("--maildir") { Description = "A new or empty folder for the Maildir++ tree", HelpName = "DIR", Required = true };
        var command = new Command("export", "Write a mailbox out as a Maildir++ tree (Dovecot, Courier) with flags, keywords and internal dates as mtimes") { login, maildir };
        command.SetAction(async (parsed, ct) =>
        {
            var (user, office) = MailboxCommands.SplitLogin(parsed.GetRequiredValue(login));
            var root = parsed.GetRequiredValue(maildir);
            if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
                throw new OperatorException($"{root} is not empty; export writes into a new or empty folder");
            if (File.Exists(root)) throw new OperatorException($"{root} is a file; export writes into a new or empty folder");
            var settings = AkkaImapCli.LoadConfig(parsed).Settings;
            await using var store = await StoreAccess.OpenAsync(settings.Storage, ct);
            var account = await FindAccount(store, user, office, ct);
            var progress = new ProgressReport("exporting", "messages");
            ExportSummary summary;
            try
            {
                Directory.CreateDirectory(root);
                summary = await new MaildirExporter(store, account.Id).RunAsync(root, (done, total) => progress.Report(done, total), ct);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                progress.Done();
                throw new OperatorException($"cannot write {root}: {ex.Message}");
            }
            progress.Done();
            foreach (var warning in summary.Warnings) Console.Error.WriteLine($"warning: {warning}");
            Console.WriteLine($"exported {summary.Messages} message{(summary.Messages == 1 ? "" : "s")} in {summary.Folders} folder{(summary.Folders == 1 ? "" : "s")} of {account.Login} to {root}");
            return 0;
        });
        return command;
    }

    private static async Task<Account> FindAccount(IStore store, string user, string office, CancellationToken ct) =>
        await store.FindAccountAsync($"{user}@{office}", ct)
        ?? throw (await store.FindPostOfficeAsync(office, ct) is null
            ? PostOfficeCommands.NoSuchPostOffice(office)
            : new OperatorException($"no mailbox {user}@{office}; see akkaimap mailbox list {office}"));
}
