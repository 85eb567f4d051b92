using System.CommandLine;

namespace AkkaImap.Host.Cli;

/// <summary>
/// <c>akkaimap mailbox import FILE|-</c>: many mailboxes at once, one <c>USER@PO PASSWORD</c> a line.
/// Every line is checked before any is added, and every bad line is reported in the same run
/// (SPEC.md, Operator interface), so a file with five mistakes takes one fix, not five runs.
/// </summary>
internal static class MailboxImport
{
    public static Command Build()
    {
        var file = new Argument<string>("FILE") { Description = "Lines of USER@PO PASSWORD (the password is the rest of the line); - reads standard input" };
        var command = new Command("import", "Create many mailboxes at once from a file; nothing is added unless every line can be") { file };
        command.SetAction(async (parsed, ct) =>
        {
            var path = parsed.GetRequiredValue(file);
            var (entries, problems) = ReadLines(path);
            var settings = AkkaImapCli.LoadConfig(parsed).Settings;
            await using var store = await StoreAccess.OpenAsync(settings.Storage, ct);
            var offices = new Dictionary<string, bool>(StringComparer.Ordinal);
            foreach (var (line, user, office, _) in entries)
            {
                if (!offices.TryGetValue(office, out var exists))
                {
                    offices[office] = exists = await store.FindPostOfficeAsync(office, ct) is not null;
                }

                if (!exists)
                {
                    problems.Add(new Problem(line, PostOfficeCommands.NoSuchPostOffice(office).Message, Malformed: false));
                }
                else if (await store.FindAccountAsync($"{user}@{office}", ct) is not null)
                {
                    problems.Add(new Problem(line, $"mailbox {user}@{office} already exists; remove the line (akkaimap mailbox passwd changes a password)", Malformed: false));
                }
            }

            if (problems.Count > 0)
            {
                throw Refusal(path, problems);
            }

            // Several at a time: the key derivation runs on every core and the store commits them together.
            var extra = MailboxCommands.ExtraSecrets(settings.Auth);
            await Parallel.ForEachAsync(entries, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount * 2, CancellationToken = ct },
                async (entry, token) => await StoreAccess.Run(
                    () => store.AddAccountAsync($"{entry.User}@{entry.Office}", entry.Password, extra, token),
                    e => $"{path} line {entry.Line}: cannot add mailbox {entry.User}@{entry.Office}: {e.Message}"));
            Console.WriteLine($"added {entries.Count} mailbox{(entries.Count == 1 ? "" : "es")}");
            return 0;
        });
        return command;
    }

    private sealed record Problem(int Line, string Text, bool Malformed);

    /// <summary>
    /// One line per bad line, in file order; with several, a last line saying nothing was added.
    /// Exit code 2 when a line is malformed (as for a malformed command line), else 1.
    /// </summary>
    private static OperatorException Refusal(string path, List<Problem> problems)
    {
        var ordered = problems.OrderBy(p => p.Line).ToList();
        var exitCode = ordered.Any(p => p.Malformed) ? 2 : 1;
        foreach (var problem in ordered.SkipLast(1))
        {
            Console.Error.WriteLine($"{path} line {problem.Line}: {problem.Text}");
        }

        var last = $"{path} line {ordered[^1].Line}: {ordered[^1].Text}";
        if (ordered.Count > 1)
        {
            Console.Error.WriteLine(last);
            last = $"{path}: {ordered.Count} bad lines, nothing added; fix them and run the import again";
        }

        return new OperatorException(last, exitCode);
    }

    /// <summary>The file's entries and its malformed lines; blank lines and lines starting with # are skipped.</summary>
    private static (List<(int Line, string User, string Office, string Password)> Entries, List<Problem> Problems) ReadLines(string path)
    {
        string[] lines;
        try
        {
            lines = path == "-" ? Console.In.ReadToEnd().Split('\n') : File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OperatorException($"cannot read {path}: {ex.Message}");
        }

        var entries = new List<(int, string, string, string)>();
        var problems = new List<Problem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < lines.Length; i++)
        {
            var text = lines[i].TrimEnd('\r');
            if (text.Trim().Length == 0 || text.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var trimmed = text.TrimStart();
            var gap = trimmed.IndexOfAny([' ', '\t']);
            var password = gap < 0 ? "" : trimmed[(gap + 1)..].TrimStart();
            if (password.Length == 0)
            {
                problems.Add(new Problem(i + 1, "no password; write each line as USER@PO PASSWORD", Malformed: true));
                continue;
            }

            if (MailboxCommands.TrySplitLogin(trimmed[..gap]) is not var (user, office))
            {
                problems.Add(new Problem(i + 1, $"\"{trimmed[..gap]}\" is not a mailbox; write it as user@postoffice, e.g. alice@example.com", Malformed: true));
                continue;
            }

            if (!seen.Add($"{user}@{office}"))
            {
                problems.Add(new Problem(i + 1, $"{user}@{office} is listed twice", Malformed: true));
                continue;
            }

            entries.Add((i + 1, user, office, password));
        }

        return entries.Count > 0 || problems.Count > 0
            ? (entries, problems)
            : throw new OperatorException($"{path} lists no mailboxes; write each line as USER@PO PASSWORD", 2);
    }
}
