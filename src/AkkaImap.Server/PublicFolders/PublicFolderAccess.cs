using AkkaImap.Server.Configuration;
using AkkaImap.Storage;

namespace AkkaImap.Server.PublicFolders;

/// <summary>
/// Whether a reader sees public folders, and what LIST shows of them. Both switches are read per
/// command: <c>public-folders.enabled</c> from the settings, the post office's own switch from the
/// store, so that <c>akkaimap postoffice set PO --public-folders on|off</c> counts at once.
/// </summary>
public static class PublicFolderAccess
{
    /// <summary>The service switch and the reader's post office switch are both on.</summary>
    public static async Task<bool> IsVisibleAsync(IStore store, PublicFolderSettings settings, Account reader)
    {
        if (!settings.Enabled)
        {
            return false;
        }
        var office = await store.FindPostOfficeAsync(reader.PostOfficeName).ConfigureAwait(false);
        return office is { PublicFolders: true } && office.Id == reader.PostOfficeId;
    }

    /// <summary>
    /// The public folders as LIST shows them: named "Public Folders/...", without special-use
    /// attributes (those describe the reader's own folders, RFC 6154 §1), below the namespace root,
    /// a \Noselect node. Empty when the reader does not see public folders.
    /// </summary>
    public static async Task<IReadOnlyList<FolderInfo>> ListAsync(IStore store, PublicFolderSettings settings, Account reader)
    {
        if (!await IsVisibleAsync(store, settings, reader).ConfigureAwait(false))
        {
            return [];
        }
        var owner = MailboxOwner.ForPublicFolders(reader.PostOfficeId);
        var folders = await VisibleAsync(store, reader, await store.ListFoldersAsync(owner).ConfigureAwait(false)).ConfigureAwait(false);
        var list = new List<FolderInfo>(folders.Count + 1)
        {
            new(0, owner, PublicFolderNames.Root, 0, 0, 0, null, Subscribed: false, NoSelect: true, MailboxId: ""),
        };
        // Subscriptions to public folders are the reader's own (kept with its folders), not the store's flag.
        list.AddRange(folders.Select(f => f with { Name = PublicFolderNames.Full(f.Name), SpecialUse = null, Subscribed = false }));
        return list;
    }

    /// <summary>
    /// The folders the reader may look up (RFC 4314 §4: LIST and LSUB need l), and the \Noselect
    /// levels above them, so the hierarchy stays whole. Folders are ordered by name, parents first.
    /// </summary>
    private static async Task<List<FolderInfo>> VisibleAsync(IStore store, Account reader, IReadOnlyList<FolderInfo> folders)
    {
        if (folders.Count == 0)
        {
            return [];
        }
        var rights = await store.GetRightsAsync(MailboxOwner.ForPublicFolders(reader.PostOfficeId), reader.Id).ConfigureAwait(false);
        var shown = folders.Where(f => f.NoSelect || (rights.GetValueOrDefault(f.Id) & AclRight.Lookup) != 0).ToList();
        // A \Noselect level stays only while something below it is shown.
        return [.. shown.Where(f => !f.NoSelect || shown.Any(c => !c.NoSelect && c.Name.StartsWith(f.Name + "/", StringComparison.Ordinal)))];
    }

    /// <summary>
    /// STATUS of a public folder for one reader (UNSEEN by its own \Seen): the folder named as the
    /// client sees it and its counts (null for a \Noselect level), or null when the reader does not
    /// see it (no such folder, or public folders are off for it).
    /// </summary>
    public static async Task<(FolderInfo Folder, FolderStatus? Status)?> ReadStatusAsync(IStore store, PublicFolderSettings settings, Account reader, string inner,
        bool countRecent = false)
    {
        if (!PublicFolderNames.IsFolderName(inner) || !await IsVisibleAsync(store, settings, reader).ConfigureAwait(false))
        {
            return null;
        }
        var folder = await store.GetFolderAsync(MailboxOwner.ForPublicFolders(reader.PostOfficeId), inner).ConfigureAwait(false);
        // RFC 4314 §4: STATUS needs r; without it the folder does not exist for the reader.
        if (folder is null || (!folder.NoSelect && ((await store.GetRightsAsync(folder.Id, reader.Id).ConfigureAwait(false)) & AclRight.Read) == 0))
        {
            return null;
        }
        var status = folder.NoSelect ? null : await store.GetReaderStatusAsync(folder.Id, reader.Id, countRecent).ConfigureAwait(false);
        return (folder with { Name = PublicFolderNames.Full(folder.Name) }, status);
    }
}
