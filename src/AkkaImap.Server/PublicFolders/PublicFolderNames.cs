using AkkaImap.Storage;

namespace AkkaImap.Server.PublicFolders;

/// <summary>
/// The shared namespace "Public Folders/" (RFC 2342 §5, RFC 9051 §6.3.10): a name under it is
/// a public folder of the reader's post office, stored without the prefix.
/// </summary>
public static class PublicFolderNames
{
    /// <summary>The namespace root, itself a \Noselect node in LIST.</summary>
    public const string Root = "Public Folders";

    /// <summary>The namespace prefix as NAMESPACE announces it.</summary>
    public const string Prefix = Root + "/";

    /// <summary>
    /// True when <paramref name="name"/> (stored form, delimiter '/') is under the namespace;
    /// <paramref name="inner"/> is the public folder's own name (empty for the root itself).
    /// The prefix matches exactly, as Dovecot's namespace prefixes do.
    /// </summary>
    public static bool TryStrip(string name, out string inner)
    {
        if (string.Equals(name, Root, StringComparison.Ordinal))
        {
            inner = "";
            return true;
        }
        if (name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            inner = name[Prefix.Length..];
            return true;
        }
        inner = "";
        return false;
    }

    /// <summary>The name a client sees for the public folder <paramref name="inner"/>.</summary>
    public static string Full(string inner) => Prefix + inner;

    /// <summary>True for a stored name a reader may use as a public folder name (not the root, well-formed).</summary>
    public static bool IsFolderName(string inner) => inner.Length > 0 && FolderNames.Normalize(inner) is not null;
}
