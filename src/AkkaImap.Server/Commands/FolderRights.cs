using AkkaImap.Protocol.Responses;
using AkkaImap.Server.PublicFolders;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// What the ACL commands (RFC 4314) share: a folder the client names, with the reader's rights in
/// it (every right in its own folders; in a public folder its entry and anyone's), and the answers
/// for a reader who lacks a right. Read from the store per command, so a grant counts at once.
/// </summary>
internal static class FolderRights
{
    /// <summary>A folder the reader names: <see cref="Folder"/> as stored; <see cref="IsPublic"/> under "Public Folders/".</summary>
    public sealed record Found(FolderInfo Folder, bool IsPublic, AclRight Rights);

    /// <summary>The folder and the reader's rights in it; null when it does not exist for the reader.</summary>
    public static async Task<Found?> ReadAsync(SessionContext context, string name)
    {
        var reader = context.Account!;
        if (PublicFolderRouting.IsPublicName(name, out var inner))
        {
            if (!PublicFolderNames.IsFolderName(inner)
                || !await PublicFolderAccess.IsVisibleAsync(context.Store, context.Settings.PublicFolders, reader).ConfigureAwait(false))
            {
                return null;
            }
            var shared = await context.Store.GetFolderAsync(MailboxOwner.ForPublicFolders(reader.PostOfficeId), inner).ConfigureAwait(false);
            return shared is null ? null : new Found(shared, true, await context.Store.GetRightsAsync(shared.Id, reader.Id).ConfigureAwait(false));
        }
        var own = await context.Store.GetFolderAsync(reader.Owner, name).ConfigureAwait(false);
        return own is null ? null : new Found(own, false, AclRight.All);
    }

    /// <summary>
    /// Null when the reader holds <paramref name="needed"/>. A folder it may neither look up nor
    /// read does not exist for it (RFC 4314 §4 and §6: its existence is not revealed).
    /// </summary>
    public static CommandOutcome? Refuse(Found? found, AclRight needed)
    {
        if (found is null || (found.Rights & (AclRight.Lookup | AclRight.Read | needed)) == 0)
        {
            return CommandOutcome.No("No such mailbox", ResponseCode.NonExistent);
        }
        if ((found.Rights & needed) != needed)
        {
            return CommandOutcome.No($"Permission denied: this needs the right {AclRights.Format(needed & ~found.Rights)} (RFC 4314)", ResponseCode.NoPerm);
        }
        return null;
    }

    /// <summary>
    /// The mailbox an identifier names within the reader's post office: 0 for <c>anyone</c>, the
    /// account's id for a login (<c>user</c> alone means <c>user@</c> the reader's post office); null
    /// for anything else (another post office's mailbox is no identifier here).
    /// </summary>
    public static async Task<long?> ResolveAsync(SessionContext context, string identifier)
    {
        if (string.Equals(identifier, AclRights.Anyone, StringComparison.OrdinalIgnoreCase))
        {
            return 0;
        }
        var reader = context.Account!;
        var login = identifier.Contains('@') ? identifier : identifier + "@" + reader.PostOfficeName;
        var account = await context.Store.FindAccountAsync(login).ConfigureAwait(false);
        return account is not null && account.PostOfficeId == reader.PostOfficeId ? account.Id : null;
    }
}
