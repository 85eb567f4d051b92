using AkkaImap.Storage;

namespace AkkaImap.Server.DirectoryFeed;

/// <summary>
/// A committed change to the directory (post offices, mailboxes, public folders), published on
/// the actor system's EventStream by the <see cref="DirectoryWatcher"/> of this node, whoever made
/// it: the CLI in another process, this server, or another node of a cluster. Subscribe with
/// <c>Context.System.EventStream.Subscribe(Self, typeof(IDirectoryChanged))</c> (or one record's
/// type). Events come in commit order, each once per watcher, within about a second of the commit.
/// </summary>
public interface IDirectoryChanged : Akka.Actor.INoSerializationVerificationNeeded;

/// <summary><c>postoffice add</c>.</summary>
public sealed record PostOfficeAdded(long PostOfficeId) : IDirectoryChanged;

/// <summary><c>postoffice set PO --public-folders on|off</c>: <see cref="PublicFolders"/> is the new switch.</summary>
public sealed record PostOfficeChanged(long PostOfficeId, bool PublicFolders) : IDirectoryChanged;

/// <summary>
/// <c>postoffice remove</c>, with all its public folders; each of its mailboxes removed with it
/// has its own <see cref="AccountRemoved"/> before this.
/// </summary>
public sealed record PostOfficeRemoved(long PostOfficeId) : IDirectoryChanged;

/// <summary><c>mailbox add</c> (or <c>mailbox import</c>).</summary>
public sealed record AccountAdded(long AccountId, long PostOfficeId) : IDirectoryChanged;

/// <summary><c>mailbox remove</c> (or its post office's removal): the account, its folders and mail are gone.</summary>
public sealed record AccountRemoved(long AccountId, long PostOfficeId) : IDirectoryChanged;

/// <summary><c>mailbox passwd</c>: the next login checks the new password (sessions already logged in stay).</summary>
public sealed record PasswordChanged(long AccountId, long PostOfficeId) : IDirectoryChanged;

/// <summary><c>mailbox unlock</c>: failures and lock cleared.</summary>
public sealed record AccountUnlocked(long AccountId, long PostOfficeId) : IDirectoryChanged;

/// <summary><c>publicfolder add</c>, or a user's CREATE in "Public Folders/".</summary>
public sealed record PublicFolderAdded(long PostOfficeId, long FolderId) : IDirectoryChanged;

/// <summary>
/// <c>publicfolder remove</c>, or a user's DELETE in "Public Folders/": its messages are gone and it
/// can no longer be selected (a level with subfolders stays as \Noselect, with the same id).
/// </summary>
public sealed record PublicFolderRemoved(long PostOfficeId, long FolderId) : IDirectoryChanged;

/// <summary><c>publicfolder set PO NAME --read-only on|off</c>: <see cref="ReadOnly"/> is the new switch.</summary>
public sealed record PublicFolderChanged(long PostOfficeId, long FolderId, bool ReadOnly) : IDirectoryChanged;

/// <summary>
/// <c>akkaimap import</c> appended messages to an account's folder: the owner of that account on
/// this node, when it has the folder loaded, reads what is new and tells its sessions.
/// </summary>
public sealed record MailAdded(long AccountId, long PostOfficeId, long FolderId) : IDirectoryChanged;

/// <summary>
/// An entry of a public folder's access control list was set or removed (SETACL/DELETEACL, or
/// <c>publicfolder grant|revoke</c>): <see cref="AccountId"/> is the mailbox whose entry changed,
/// null for <c>anyone</c>.
/// </summary>
public sealed record PublicFolderRightsChanged(long PostOfficeId, long FolderId, long? AccountId) : IDirectoryChanged;

/// <summary>The feed's rows as EventStream records.</summary>
public static class DirectoryEvents
{
    /// <summary>One change in words, for the log (ids only: a removed mailbox's name is gone with it).</summary>
    public static string Describe(IDirectoryChanged change) => change switch
    {
        PostOfficeAdded c => $"post office {c.PostOfficeId} added",
        PostOfficeChanged c => $"post office {c.PostOfficeId}: public folders {(c.PublicFolders ? "on" : "off")}",
        PostOfficeRemoved c => $"post office {c.PostOfficeId} removed",
        AccountAdded c => $"mailbox {c.AccountId} added to post office {c.PostOfficeId}",
        AccountRemoved c => $"mailbox {c.AccountId} of post office {c.PostOfficeId} removed",
        PasswordChanged c => $"password of mailbox {c.AccountId} (post office {c.PostOfficeId}) changed",
        AccountUnlocked c => $"mailbox {c.AccountId} (post office {c.PostOfficeId}) unlocked",
        PublicFolderAdded c => $"public folder {c.FolderId} added to post office {c.PostOfficeId}",
        PublicFolderRemoved c => $"public folder {c.FolderId} of post office {c.PostOfficeId} removed",
        PublicFolderChanged c => $"public folder {c.FolderId} of post office {c.PostOfficeId}: read-only {(c.ReadOnly ? "on" : "off")}",
        MailAdded c => $"mail added to folder {c.FolderId} of mailbox {c.AccountId}",
        PublicFolderRightsChanged c => $"public folder {c.FolderId} of post office {c.PostOfficeId}: rights of {(c.AccountId is { } a ? $"mailbox {a}" : "anyone")} changed",
        _ => change.GetType().Name,
    };

    /// <summary>
    /// The record for one row; null for a row this build does not know (written by a newer
    /// AkkaImap) or one that lacks an id its kind needs.
    /// </summary>
    public static IDirectoryChanged? From(DirectoryChange change) => (change.Kind, change.AccountId, change.PostOfficeId, change.FolderId) switch
    {
        (DirectoryChangeKind.PostOfficeAdded, _, { } po, _) => new PostOfficeAdded(po),
        (DirectoryChangeKind.PublicFoldersOn, _, { } po, _) => new PostOfficeChanged(po, PublicFolders: true),
        (DirectoryChangeKind.PublicFoldersOff, _, { } po, _) => new PostOfficeChanged(po, PublicFolders: false),
        (DirectoryChangeKind.PostOfficeRemoved, _, { } po, _) => new PostOfficeRemoved(po),
        (DirectoryChangeKind.AccountAdded, { } account, { } po, _) => new AccountAdded(account, po),
        (DirectoryChangeKind.AccountRemoved, { } account, { } po, _) => new AccountRemoved(account, po),
        (DirectoryChangeKind.PasswordChanged, { } account, { } po, _) => new PasswordChanged(account, po),
        (DirectoryChangeKind.AccountUnlocked, { } account, { } po, _) => new AccountUnlocked(account, po),
        (DirectoryChangeKind.PublicFolderAdded, _, { } po, { } folder) => new PublicFolderAdded(po, folder),
        (DirectoryChangeKind.PublicFolderRemoved, _, { } po, { } folder) => new PublicFolderRemoved(po, folder),
        (DirectoryChangeKind.PublicFolderReadOnly, _, { } po, { } folder) => new PublicFolderChanged(po, folder, ReadOnly: true),
        (DirectoryChangeKind.PublicFolderWritable, _, { } po, { } folder) => new PublicFolderChanged(po, folder, ReadOnly: false),
        (DirectoryChangeKind.MailAdded, { } account, { } po, { } folder) => new MailAdded(account, po, folder),
        (DirectoryChangeKind.PublicFolderAclChanged, var account, { } po, { } folder) => new PublicFolderRightsChanged(po, folder, account),
        _ => null,
    };
}
