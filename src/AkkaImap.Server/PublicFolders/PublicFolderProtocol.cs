using Akka.Actor;
using AkkaImap.Server.Accounts;

namespace AkkaImap.Server.PublicFolders;

/// <summary>
/// The only way to reach a post office's public folders: sent to the <see cref="PublicFolderRegion"/>,
/// which forwards it to that post office's <see cref="PublicFolderActor"/>. The commands and replies
/// are the account protocol (<see cref="IAccountCommand"/>, <see cref="IAccountReply"/>,
/// <see cref="FolderEvent"/>), with folder names relative to the namespace (no
/// <see cref="PublicFolderNames.Prefix"/>). <paramref name="AccountId"/> is the reader (its \Seen
/// marks, its own folders for <see cref="CopyIntoPublic"/>); <paramref name="Session"/> is the
/// session actor that SELECT subscribes and that is spared its own events. The reply goes to the
/// sender, which may be an Ask. <paramref name="PostOfficeId"/> must come from the signed-in
/// account, never from the client: that is what keeps post offices apart. In cluster mode this is
/// the sharding envelope (entity id = post office id).
/// </summary>
public sealed record PublicFolderEnvelope(long PostOfficeId, long AccountId, IActorRef Session, IAccountCommand Command);

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
/// <see cref="AccountEnvelope"/> to the entry point they know. The <see cref="FolderOwnerRouter"/>
/// turns it into a <see cref="PublicFolderEnvelope"/> (reader = the envelope's account, session =
/// the sender), so replies reach the session directly, in order with the events that follow.
/// <paramref name="PostOfficeId"/> is the signed-in account's, set by the server.
/// </summary>
public sealed record ToPublicFolders(long PostOfficeId, IAccountCommand Command) : IAccountCommand;

/// <summary>
/// The second half of a MOVE out of a public folder into the reader's own folder (the copy went
/// there as an APPEND): expunges exactly these UIDs. Refused on a read-only folder. Replies
/// <see cref="Expunged"/>.
/// </summary>
public sealed record ExpungeMovedOut(long FolderId, IReadOnlyList<uint> Uids) : IAccountCommand;
