using Akka.Actor;
using AkkaImap.Server.DirectoryFeed;

namespace AkkaImap.Server.Sessions;

/// <summary>A session tells its <see cref="SessionTracker"/> whose it is, once logged in.</summary>
public sealed record SessionAuthenticated(long AccountId, long PostOfficeId) : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded;

/// <summary>
/// The session's mailbox is gone (removed, or its post office was): say <c>* BYE</c> with
/// <see cref="Text"/> and close at once, whatever the session is doing. A command in progress gets
/// no tagged response: it worked on data that no longer exists (RFC 9051 §7.1.5 lets the server
/// send BYE at any time before it closes).
/// </summary>
public sealed record EndSession(string Text) : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded;

/// <summary>
/// A public folder of the session's post office can no longer be selected: folder
/// <see cref="FolderId"/> was removed, or (null) the post office's public folders were switched
/// off. A session that has it selected says <c>* BYE</c> with <see cref="Text"/> and closes;
/// others carry on (their next LIST no longer shows it).
/// </summary>
public sealed record PublicFolderWithdrawn(long? FolderId, string Text) : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded;

/// <summary>
/// The reader's rights in public folder <see cref="FolderId"/> may have changed. A session that has
/// it selected reads them again and, when <c>r</c> is gone, says <c>* BYE</c>; every other command
/// checks the rights anyway.
/// </summary>
public sealed record PublicFolderRightsMayHaveChanged(long FolderId) : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded;

/// <summary>The reader's rights in the selected public folder, read after <see cref="PublicFolderRightsMayHaveChanged"/>.</summary>
internal sealed record SelectedRightsRead(long FolderId, Storage.AclRight Rights) : INotInfluenceReceiveTimeout, INoSerializationVerificationNeeded;

/// <summary>Which directory changes concern which sessions, and what they are told. Pure.</summary>
public static class DirectoryNotices
{
    /// <summary>Sessions concerned: of one account, or of every account of one post office.</summary>
    public sealed record Notice(long? AccountId, long? PostOfficeId, object Message)
    {
        public bool Concerns(SessionAuthenticated session) =>
            AccountId is { } account ? session.AccountId == account : session.PostOfficeId == PostOfficeId;
    }

    /// <summary>The notice for <paramref name="change"/>; null when sessions need not hear of it.</summary>
    public static Notice? For(IDirectoryChanged change) => change switch
    {
        AccountRemoved removed => new Notice(removed.AccountId, null, new EndSession("Mailbox removed")),
        PostOfficeRemoved removed => new Notice(null, removed.PostOfficeId, new EndSession("Post office removed")),
        PublicFolderRemoved removed => new Notice(null, removed.PostOfficeId, new PublicFolderWithdrawn(removed.FolderId, "Public folder removed")),
        // A mailbox's own entry concerns its sessions; anyone's every session of the post office.
        PublicFolderRightsChanged changed => new Notice(changed.AccountId, changed.PostOfficeId, new PublicFolderRightsMayHaveChanged(changed.FolderId)),
        PostOfficeChanged { PublicFolders: false } off => new Notice(null, off.PostOfficeId, new PublicFolderWithdrawn(null, "Public folders switched off")),
        // A password change or unlock counts at the next login (sessions already logged in stay,
        // as in Dovecot); additions and the read-only switch need no session to change state.
        _ => null,
    };
}
