namespace AkkaImap.Storage;

/// <summary>Canonical folder names: '/' delimiter, INBOX upper-case (RFC 9051 §5.1).</summary>
public static class FolderNames
{
    public const string Inbox = "INBOX";
    public const char Delimiter = '/';

    /// <summary>
    /// The stored form of a name, or null when it cannot be stored: empty, an empty segment
    /// (leading, trailing or doubled '/'), or control characters. "inbox" in any case, alone or
    /// as the first segment, becomes "INBOX".
    /// </summary>
    public static string? Normalize(string name)
    {
        if (name.Length == 0 || name[0] == Delimiter || name[^1] == Delimiter || name.Contains("//", StringComparison.Ordinal)) return null;
        foreach (var ch in name)
            if (char.IsControl(ch)) return null;
        if (name.Equals(Inbox, StringComparison.OrdinalIgnoreCase)) return Inbox;
        if (name.Length > Inbox.Length && name[Inbox.Length] == Delimiter && name.StartsWith(Inbox, StringComparison.OrdinalIgnoreCase))
            return Inbox + name[Inbox.Length..];
        return name;
    }
}
