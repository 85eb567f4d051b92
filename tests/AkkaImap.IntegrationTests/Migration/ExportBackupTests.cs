using System.Collections.Concurrent;
using AkkaImap.IntegrationTests.Cli;
using MailKit;
using MimeKit;
using Xunit;

namespace AkkaImap.IntegrationTests.Migration;

/// <summary>
/// <c>akkaimap export</c> then <c>import</c> round-trips a mailbox byte for byte (folders, flags,
/// keywords, internal dates as mtimes); <c>akkaimap backup</c> taken while MailKit clients APPEND to
/// the running server restores (<c>akkaimap restore</c>) to a store that holds every message
/// acknowledged before the backup began; restore refuses a data folder that is not empty.
/// </summary>
public sealed class ExportBackupTests(MigrationServer server) : IClassFixture<MigrationServer>
{
    private Task<CliResult> Cli(params string[] args) => AkkaImapExecutable.RunAsync([.. args, "--config", server.ConfigFile]);

    [Fact]
    public async Task Export_then_import_round_trips_a_mailbox_byte_for_byte()
    {
        var source = server.Scratch("maildir-dave");
        MailTrees.WriteMaildir(source);
        var imported = await Cli("import", "dave@example.com", "--maildir", source);
        Assert.Equal(1, imported.ExitCode); // the tree's one bad file

        var first = server.Scratch("export-dave");
        var exported = await Cli("export", "dave@example.com", "--maildir", first);
        Assert.True(exported.ExitCode == 0, exported.ToString());
        Assert.Contains("exported 7 messages in ", exported.Stdout);
        // Dovecot reads the flags from the name and the keywords from the folder's list.
        Assert.Contains(Directory.GetFiles(Path.Combine(first, "cur")), f => f.EndsWith(":2,FRSa", StringComparison.Ordinal));
        Assert.Equal(["0 $Important"], File.ReadAllLines(Path.Combine(first, "dovecot-keywords")));
        Assert.True(File.Exists(Path.Combine(first, ".&AMQ-rger", "maildirfolder")));

        var again = await Cli("import", "erin@example.com", "--maildir", first);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("imported 7 messages into erin@example.com (0 already there, 0 bad)", again.Stdout);
        var second = server.Scratch("export-erin");
        Assert.Equal(0, (await Cli("export", "erin@example.com", "--maildir", second)).ExitCode);

        Assert.Equal(Describe(first), Describe(second));

        var refused = await Cli("export", "erin@example.com", "--maildir", second);
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal([$"{second} is not empty; export writes into a new or empty folder"], refused.StderrLines);
    }

    [Fact]
    public async Task A_backup_taken_during_appends_restores_every_message_acknowledged_before_it_began()
    {
        var acknowledged = new ConcurrentQueue<(string Subject, long At)>();
        using var stop = new CancellationTokenSource();
        long sequence = 0;
        var thirty = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            using var client = await server.ConnectAsync("gina@example.com");
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                var subject = $"w{w}-{i}";
                await client.Inbox.AppendAsync(new MimeMessage([new MailboxAddress("W", "w@example.org")], [new MailboxAddress("G", "gina@example.com")],
                    subject, new TextPart("plain") { Text = new string('x', 2000 + i) }));
                acknowledged.Enqueue((subject, Interlocked.Increment(ref sequence)));
                if (acknowledged.Count >= 30) thirty.TrySetResult();
            }
            await client.DisconnectAsync(true);
        })).ToArray();

        // Some mail before the backup, and appends going on all through it.
        // A writer that fails ends the wait with its error rather than a hang.
        var all = Task.WhenAll(writers);
        if (await Task.WhenAny(thirty.Task, all).WaitAsync(TimeSpan.FromSeconds(60)) == all) await all;
        var before = acknowledged.Select(a => a.Subject).ToHashSet();
        var file = server.Scratch("gina.backup");
        var backup = await Cli("backup", file);
        var during = acknowledged.Count;
        stop.Cancel();
        await Task.WhenAll(writers);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        Assert.StartsWith("backed up ", backup.Stdout);

        var again = await Cli("backup", file);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal([$"{file} exists; name a new backup file (a backup never overwrites one)"], again.StderrLines);

        // Restore into a new data folder, then read it with the CLI (no second server needed).
        var restoredConfig = server.Scratch("restored.conf");
        File.WriteAllText(restoredConfig, "akka-imap.storage.path = restored-data\n");
        var restore = await AkkaImapExecutable.RunAsync("restore", file, "--config", restoredConfig);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        var export = server.Scratch("export-gina");
        Assert.Equal(0, (await AkkaImapExecutable.RunAsync("export", "gina@example.com", "--maildir", export, "--config", restoredConfig)).ExitCode);
        var restored = Directory.GetFiles(Path.Combine(export, "cur"))
            .Select(f => MimeMessage.Load(f).Subject ?? "").ToHashSet();
        Assert.Empty(before.Except(restored)); // every message acknowledged before the backup began
        // Nothing that was never acknowledged, and not a torn copy: every restored message is whole.
        Assert.True(restored.Count <= during + 3, $"{restored.Count} restored, {during} acknowledged");

        var refused = await AkkaImapExecutable.RunAsync("restore", file, "--config", restoredConfig);
        Assert.Equal(1, refused.ExitCode);
        var data = Path.Combine(Path.GetDirectoryName(restoredConfig)!, "restored-data");
        Assert.Equal([$"the data folder {data} is not empty; restore fills an empty one only: point akka-imap.storage.path at a new folder"], refused.StderrLines);

        var notABackup = server.Scratch("not-a-backup");
        File.WriteAllText(notABackup, "hello");
        var otherConfig = server.Scratch("other.conf");
        File.WriteAllText(otherConfig, "akka-imap.storage.path = other-data\n");
        var bad = await AkkaImapExecutable.RunAsync("restore", notABackup, "--config", otherConfig);
        Assert.Equal(1, bad.ExitCode);
        Assert.Single(bad.StderrLines);
        Assert.Contains("is not an AkkaImap store backup", bad.Stderr);
    }

    /// <summary>
    /// A Maildir++ tree as Dovecot would read it: per folder, each message's bytes, flags (after
    /// ":2,"), keyword names and mtime; independent of the unique part of file names.
    /// </summary>
    private static List<string> Describe(string root)
    {
        var lines = new List<string>();
        foreach (var dir in Directory.GetDirectories(root).Where(d => Path.GetFileName(d).StartsWith('.')).Append(root))
        {
            var keywordsFile = Path.Combine(dir, "dovecot-keywords");
            var keywords = File.Exists(keywordsFile) ? File.ReadAllLines(keywordsFile).Select(l => l.Split(' ', 2)[1]).ToArray() : [];
            foreach (var file in Directory.GetFiles(Path.Combine(dir, "cur")))
            {
                var flags = Path.GetFileName(file).Split(":2,")[1];
                var names = string.Join(',', flags.Where(char.IsLower).Select(c => keywords[c - 'a']).Order(StringComparer.Ordinal));
                var system = new string(flags.Where(char.IsUpper).ToArray());
                lines.Add($"{(dir == root ? "INBOX" : Path.GetFileName(dir))} {system} [{names}] {File.GetLastWriteTimeUtc(file):O} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)))}");
            }
        }
        return lines.Order(StringComparer.Ordinal).ToList();
    }
}
