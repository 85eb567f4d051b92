using AkkaImap.Server.Accounts;
using AkkaImap.Server.PublicFolders;
using AkkaImap.Storage;

namespace AkkaImap.Server.Owners;

/// <summary>
/// What differs between the two kinds of folder owner; everything else is the same
/// <see cref="OwnerActor"/> over the same <see cref="OwnerState{TSubscriber}"/>.
/// </summary>
internal abstract class OwnerPolicy
{
    /// <summary>\Seen is each reader's own mark (public folders), not a flag of the shared message.</summary>
    public abstract bool PerReaderSeen { get; }

    /// <summary>The folder's name as clients see it.</summary>
    public abstract string DisplayName(string name);

    /// <summary>Null when a reader may CREATE a folder at the top level (below a folder, its <c>k</c> right decides).</summary>
    public abstract IAccountReply? RefuseCreate();

    /// <summary>Null when a reader may (UN)SUBSCRIBE here.</summary>
    public abstract IAccountReply? RefuseManage();

    public static OwnerPolicy For(MailboxOwner owner, bool publicFolderUserCreate) =>
        owner.Kind == OwnerKind.PublicFolders ? new PublicFolderPolicy(publicFolderUserCreate) : AccountPolicy.Instance;
}

/// <summary>A mailbox's own folders: one reader, every right.</summary>
internal sealed class AccountPolicy : OwnerPolicy
{
    public static AccountPolicy Instance { get; } = new();

    public override bool PerReaderSeen => false;

    public override string DisplayName(string name) => name;

    public override IAccountReply? RefuseCreate() => null;

    public override IAccountReply? RefuseManage() => null;
}

/// <summary>
/// A post office's public folders, shared by its mailboxes: \Seen per reader (as Dovecot keeps it
/// private in shared namespaces), each command checked against the reader's rights (RFC 4314, read
/// from the store per command, so the CLI's grant or revoke counts at once), and users create
/// top-level folders only while <c>public-folders.user-create</c> is on.
/// </summary>
internal sealed class PublicFolderPolicy(bool userCreate) : OwnerPolicy
{
    public override bool PerReaderSeen => true;

    public override string DisplayName(string name) => PublicFolderNames.Full(name);

    public override IAccountReply? RefuseCreate() =>
        userCreate ? null : new PublicFolderDenied("Public folders are created by the administrator");

    public override IAccountReply? RefuseManage() =>
        new PublicFolderDenied("Subscriptions to public folders are kept with the reader's own folders");
}
