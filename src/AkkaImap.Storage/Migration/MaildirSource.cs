using AkkaImap.Protocol.Names;

namespace AkkaImap.Storage.Migration;

/// <summary>
/// A Dovecot or Courier Maildir++ tree. The top folder (its own <c>cur/</c> and <c>new/</c>) is
/// INBOX; each <c>.Name</c> folder beside them is a folder, with '.' separating levels
/// (<c>.Lists.Akka</c> is <c>Lists/Akka</c>) and names in modified UTF-7 as Dovecot writes them.
/// Messages are the files of <c>cur/</c> and <c>new/</c> (<c>tmp/</c> holds deliveries under way),
/// in the order of their mtime, which is also their internal date (Dovecot keeps the received date
/// there). Flags follow <c>:2,</c> in the name: D \Draft, F \Flagged, R \Answered, S \Seen,
/// T \Deleted (P, passed, has no IMAP flag); lowercase a–z are keywords numbered 0–25 in the
/// folder's <c>dovecot-keywords</c> file.
/// </summary>
public sealed class MaildirSource : IMailSource
{
    /// <summary>Dovecot's keyword list: lines of "index name".</summary>
    public const string KeywordsFile = "dovecot-keywords";

    private readonly List<(string Folder, string Dir)> _folders = [];
    private readonly List<(string Folder, FileInfo File, string Dir)> _files = [];

    public MaildirSource(string root)
    {
        var top = new DirectoryInfo(root);
        if (!top.Exists) throw new DirectoryNotFoundException($"{root} does not exist");
        if (IsMaildir(top.FullName)) _folders.Add(("INBOX", top.FullName));
        foreach (var dir in top.EnumerateDirectories(".*").OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            if (dir.Name is "." or ".." || !IsMaildir(dir.FullName)) continue;
            _folders.Add((FolderName(dir.Name[1..]), dir.FullName));
        }
        if (_folders.Count == 0) throw new DirectoryNotFoundException($"{root} is not a Maildir (no cur/ or new/ in it or in a .Folder beside it)");
        foreach (var (folder, dir) in _folders)
        {
            var files = new List<FileInfo>();
            foreach (var sub in new[] { "cur", "new" })
            {
                var path = new DirectoryInfo(Path.Combine(dir, sub));
                if (path.Exists) files.AddRange(path.EnumerateFiles().Where(f => !f.Name.StartsWith('.')));
            }
            foreach (var file in files.OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal))
                _files.Add((folder, file, dir));
        }
    }

    public string UnitName => "messages";
    public long TotalUnits => _files.Count;
    public IReadOnlyList<string> Folders => _folders.Select(f => f.Folder).ToList();

    public IEnumerable<SourceMessage> Messages()
    {
        string? keywordsDir = null;
        string?[] keywords = [];
        foreach (var (folder, file, dir) in _files)
        {
            if (keywordsDir != dir)
            {
                keywordsDir = dir;
                keywords = ReadKeywords(dir);
            }
            var names = keywords;
            yield return new SourceMessage(folder, file.FullName, 1, () =>
            {
                var (flags, letters) = ParseFlags(file.Name);
                var list = new List<string>();
                foreach (var letter in letters)
                {
                    var name = names[letter - 'a'];
                    if (name is not null && !list.Contains(name)) list.Add(name);
                }
                return MessageText.LoadFile(file.FullName, flags, list);
            });
        }
    }

    private static bool IsMaildir(string dir) => Directory.Exists(Path.Combine(dir, "cur")) || Directory.Exists(Path.Combine(dir, "new"));

    /// <summary>".Sub.Folder" without its dot → "Sub/Folder"; each level decoded from modified UTF-7 when it is valid.</summary>
    public static string FolderName(string dotted)
    {
        var levels = dotted.Split('.').Select(level => ModifiedUtf7.TryDecode(level, out var decoded) ? decoded : level).ToArray();
        var name = string.Join('/', levels);
        return name.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? "INBOX" : name;
    }

    /// <summary>The flags after ":2," (system flags, and keyword letters a–z); none for a name without them.</summary>
    public static (MessageFlags Flags, string Letters) ParseFlags(string fileName)
    {
        var info = fileName.LastIndexOf(":2,", StringComparison.Ordinal);
        if (info < 0) return (MessageFlags.None, "");
        var flags = MessageFlags.None;
        var letters = "";
        foreach (var c in fileName.AsSpan(info + 3))
        {
            switch (c)
            {
                case 'D': flags |= MessageFlags.Draft; break;
                case 'F': flags |= MessageFlags.Flagged; break;
                case 'R': flags |= MessageFlags.Answered; break;
                case 'S': flags |= MessageFlags.Seen; break;
                case 'T': flags |= MessageFlags.Deleted; break;
                case >= 'a' and <= 'z': letters += c; break;
            }
        }
        return (flags, letters);
    }

    /// <summary>Keyword names by letter (a = 0 … z = 25); null where the file names none.</summary>
    private static string?[] ReadKeywords(string dir)
    {
        var names = new string?[26];
        var path = Path.Combine(dir, KeywordsFile);
        if (!File.Exists(path)) return names;
        foreach (var line in File.ReadLines(path))
        {
            var gap = line.IndexOf(' ');
            if (gap > 0 && int.TryParse(line.AsSpan(0, gap), out var index) && index is >= 0 and < 26 && line[(gap + 1)..].Trim() is { Length: > 0 } name)
                names[index] = name;
        }
        return names;
    }
}
