using AkkaImap.Protocol.Names;

namespace AkkaImap.Storage.Migration;

/// <summary>What an export wrote, and what it could not say in Maildir++ (a 27th keyword of a folder).</summary>
public sealed record ExportSummary(int Folders, int Messages, IReadOnlyList<string> Warnings);

/// <summary>
/// Writes a mailbox as a Dovecot-style Maildir++ tree, the reverse of <see cref="MaildirSource"/>:
/// INBOX at the top, other folders as <c>.Level.Level</c> (modified UTF-7, with a
/// <c>maildirfolder</c> marker file), each message in <c>cur/</c> as its stored bytes, named
/// <c>SECONDS.U&lt;uidvalidity&gt;_&lt;uid&gt;.akkaimap,S=SIZE:2,FLAGS</c> with its mtime set to the
/// internal date, keywords as letters listed in the folder's <c>dovecot-keywords</c> (Maildir
/// allows 26 per folder; more are left out with a warning). A '.' inside a folder name cannot be
/// said in Maildir++ (it separates levels): it is written as '_' with a warning.
/// </summary>
public sealed class MaildirExporter(IStore store, long accountId)
{
    public async Task<ExportSummary> RunAsync(string root, Action<int, int> progress, CancellationToken ct = default)
    {
        var warnings = new List<string>();
        var folders = (await store.ListFoldersAsync(MailboxOwner.ForAccount(accountId), ct)).Where(f => !f.NoSelect).ToList();
        var total = 0;
        foreach (var f in folders) total += (await store.GetStatusAsync(f.Id, ct: ct))?.Messages ?? 0;
        int done = 0;
        foreach (var folder in folders)
        {
            var dir = folder.Name == "INBOX" ? root : Path.Combine(root, "." + DirName(folder.Name, warnings));
            foreach (var sub in new[] { "cur", "new", "tmp" }) Directory.CreateDirectory(Path.Combine(dir, sub));
            if (folder.Name != "INBOX") await File.WriteAllBytesAsync(Path.Combine(dir, "maildirfolder"), [], ct);
            var keywords = new List<string>();
            var uids = (await store.GetMessageFlagsAsync(folder.Id, ct)).Select(r => r.Uid).ToArray();
            foreach (var chunk in uids.Chunk(256))
            {
                var infos = await store.GetMessagesAsync(folder.Id, chunk, ct);
                var bodies = await store.ReadMessagesAsync(folder.Id, chunk, ct);
                foreach (var m in infos)
                {
                    if (!bodies.TryGetValue(m.Uid, out var bytes)) continue;
                    var letters = Letters(m.Flags);
                    foreach (var keyword in m.Keywords)
                    {
                        var index = keywords.IndexOf(keyword);
                        if (index < 0 && keywords.Count < 26) keywords.Add(keyword);
                        index = keywords.IndexOf(keyword);
                        if (index < 0) warnings.Add($"folder {folder.Name}: keyword {keyword} left out (Maildir has 26 keyword letters per folder)");
                        else letters.Add((char)('a' + index));
                    }
                    letters.Sort();
                    var seconds = m.InternalDate.ToUnixTimeSeconds();
                    var name = $"{seconds}.U{folder.UidValidity}_{m.Uid}.akkaimap,S={bytes.Length}:2,{string.Concat(letters)}";
                    var temp = Path.Combine(dir, "tmp", name);
                    await File.WriteAllBytesAsync(temp, bytes, ct);
                    File.SetLastWriteTimeUtc(temp, DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime);
                    File.Move(temp, Path.Combine(dir, "cur", name));
                    progress(++done, total);
                }
            }
            if (keywords.Count > 0)
                await File.WriteAllLinesAsync(Path.Combine(dir, MaildirSource.KeywordsFile), keywords.Select((k, i) => $"{i} {k}"), ct);
        }
        return new ExportSummary(folders.Count, done, warnings.Distinct().ToList());
    }

    private static List<char> Letters(MessageFlags flags)
    {
        var letters = new List<char>();
        if (flags.HasFlag(MessageFlags.Draft)) letters.Add('D');
        if (flags.HasFlag(MessageFlags.Flagged)) letters.Add('F');
        if (flags.HasFlag(MessageFlags.Answered)) letters.Add('R');
        if (flags.HasFlag(MessageFlags.Seen)) letters.Add('S');
        if (flags.HasFlag(MessageFlags.Deleted)) letters.Add('T');
        return letters;
    }

    private static string DirName(string folder, List<string> warnings) => string.Join('.', folder.Split('/').Select(level =>
    {
        if (level.Contains('.'))
        {
            warnings.Add($"folder {folder}: '.' written as '_' (Maildir++ separates levels with '.')");
            level = level.Replace('.', '_');
        }
        return ModifiedUtf7.Encode(level);
    }));
}
