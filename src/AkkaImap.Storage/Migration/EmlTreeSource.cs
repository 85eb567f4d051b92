namespace AkkaImap.Storage.Migration;

/// <summary>
/// A folder tree with one RFC 822 message per file, whatever the files are called (MailEnable's
/// <c>.MAI</c>, <c>.eml</c>, none): files at the top go to INBOX, each subfolder becomes a folder
/// of the same name ("Inbox" is INBOX), and the internal date is the file's mtime. Hidden files
/// and folders (a leading '.') are left out; any other file that is not a message is reported.
/// </summary>
public sealed class EmlTreeSource : IMailSource
{
    private readonly List<string> _folders = [];
    private readonly List<(string Folder, FileInfo File)> _files = [];

    public EmlTreeSource(string root)
    {
        var top = new DirectoryInfo(root);
        if (!top.Exists) throw new DirectoryNotFoundException($"{root} does not exist");
        Walk(top, null);
    }

    public string UnitName => "messages";
    public long TotalUnits => _files.Count;
    public IReadOnlyList<string> Folders => _folders;

    public IEnumerable<SourceMessage> Messages() =>
        _files.Select(f => new SourceMessage(f.Folder, f.File.FullName, 1, () => MessageText.LoadFile(f.File.FullName, MessageFlags.None, [])));

    private void Walk(DirectoryInfo dir, string? folder)
    {
        var name = folder ?? "INBOX";
        if (folder is not null) _folders.Add(name);
        foreach (var file in dir.EnumerateFiles().Where(f => !f.Name.StartsWith('.'))
                     .OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal))
            _files.Add((name, file));
        foreach (var sub in dir.EnumerateDirectories().Where(d => !d.Name.StartsWith('.')).OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            var child = folder is null && sub.Name.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? "INBOX"
                : folder is null ? sub.Name : $"{folder}/{sub.Name}";
            Walk(sub, child);
        }
    }
}
