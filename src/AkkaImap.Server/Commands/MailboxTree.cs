using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// One account's mailbox names as LIST sees them (RFC 5258 §3): the folders that exist, the names
/// that are only subscribed, and the parents implied by either, each with what the attributes
/// need (children, subscribed descendants, special use).
/// </summary>
internal sealed class MailboxTree
{
    private readonly Dictionary<string, MailboxNode> _nodes = new(StringComparer.Ordinal);

    public MailboxTree(IReadOnlyList<FolderInfo> folders, IReadOnlyList<string> subscriptions)
    {
        foreach (var folder in folders)
        {
            var node = Node(folder.Name);
            node.Folder = folder;
            node.Subscribed |= folder.Subscribed;
        }
        foreach (var name in subscriptions)
        {
            Node(name).Subscribed = true;
        }
        foreach (var node in _nodes.Values.ToArray())
        {
            for (var parent = Parent(node.Name); parent is not null; parent = Parent(parent))
            {
                var up = Node(parent);
                up.HasChildren |= node.Exists;
                up.HasSubscribedDescendant |= node.Subscribed;
                if (node.Subscribed) up.SubscribedDescendants.Add(node.Name);
            }
        }
    }

    /// <summary>Every node, INBOX first, then in ordinal order (parents before their children).</summary>
    public IEnumerable<MailboxNode> Nodes =>
        _nodes.Values.OrderBy(n => n.Name == FolderNames.Inbox ? 0 : 1).ThenBy(n => n.Name, StringComparer.Ordinal);

    public static string? Parent(string name)
    {
        int slash = name.LastIndexOf(FolderNames.Delimiter);
        return slash > 0 ? name[..slash] : null;
    }

    private MailboxNode Node(string name)
    {
        if (!_nodes.TryGetValue(name, out var node))
        {
            node = new MailboxNode(name);
            _nodes.Add(name, node);
        }
        return node;
    }
}

/// <summary>A name in the <see cref="MailboxTree"/>.</summary>
internal sealed class MailboxNode(string name)
{
    public string Name { get; } = name;

    /// <summary>The stored folder (possibly a \Noselect placeholder), or null for a name that does not exist.</summary>
    public FolderInfo? Folder { get; set; }

    public bool Exists => Folder is not null;

    public bool Selectable => Folder is { NoSelect: false };

    public bool Subscribed { get; set; }

    /// <summary>An existing folder lies below this name (RFC 3348 \HasChildren).</summary>
    public bool HasChildren { get; set; }

    /// <summary>A subscribed name lies below this one (RFC 5258 §3.5 CHILDINFO SUBSCRIBED).</summary>
    public bool HasSubscribedDescendant { get; set; }

    /// <summary>The subscribed names below this one (RFC 5258 §3.5 asks whether each matches a pattern of its own).</summary>
    public List<string> SubscribedDescendants { get; } = [];

    /// <summary>The RFC 6154 attribute, only for a folder that exists and can hold messages.</summary>
    public string? SpecialUse => Folder is { NoSelect: false } f ? f.SpecialUse : null;
}
