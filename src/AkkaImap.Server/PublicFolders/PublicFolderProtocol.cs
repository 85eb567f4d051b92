using AkkaImap.Server.Accounts;
using AkkaImap.Storage;

namespace AkkaImap.Server.PublicFolders;


/// <summary>
/// COPY from a folder of the reader's own account into a public folder. The public-folder actor
/// is the single writer of the target, so it does the copy; the source does not change.
/// Replies <see cref="MessagesCopied"/> (source and target ids as usual).
/// </summary>
public sealed record CopyIntoPublic(long SourceFolderId, IReadOnlyList<uint> Uids, string TargetName) : IAccountCommand;

/// <summary>
/// The command is not permitted on public folders (a read-only folder, CREATE while
/// <c>public-folders.user-create</c> is off, DELETE/RENAME which only the operator may do).
/// The session answers <c>NO [NOPERM]</c> (RFC 5530 §3).
/// </summary>
public sealed record PublicFolderDenied(string Text) : IAccountReply;

/// <summary>
/// A public-folder command sent the way sessions send every folder command: inside an
/// <see cref="AccountEnvelope"/> to the owner region, which delivers it to the post office's
/// public-folder owner (the envelope's account is the reader), so replies reach the session
/// directly, in order with the events that follow. <paramref name="PostOfficeId"/> is the
/// signed-in account's, set by the server, never the client's: that keeps post offices apart.
/// </summary>
public sealed record ToPublicFolders(long PostOfficeId, IAccountCommand Command) : IAccountCommand;

/// <summary>
/// The second half of a MOVE out of a public folder into the reader's own folder (the copy went
/// there as an APPEND): expunges exactly these UIDs. Refused on a read-only folder. Replies
/// <see cref="Expunged"/>.
/// </summary>
public sealed record ExpungeMovedOut(long FolderId, IReadOnlyList<uint> Uids) : IAccountCommand;

/// <summary>How SETACL changes an entry (RFC 4314 §3.1): replace it, add or remove rights, or delete it (DELETEACL).</summary>
public enum RightsChange { Replace, Add, Remove, Delete }

/// <summary>
/// SETACL / DELETEACL on a public folder: the entry of <paramref name="AccountId"/> (0: anyone),
/// resolved by the session within the reader's post office. The reader needs <c>a</c> on the
/// folder. Replies <see cref="FolderRightsSet"/>; the store's change feed tells every node.
/// </summary>
public sealed record SetFolderRights(string Name, long AccountId, RightsChange Change, AclRight Rights) : IAccountCommand;

/// <summary>The entry now holds <paramref name="Rights"/> (none when deleted).</summary>
public sealed record FolderRightsSet(string Name, AclRight Rights) : IAccountReply;
