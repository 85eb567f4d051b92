using System.Text.Json.Serialization;
using Akka.Actor;
using AkkaImap.Storage;

namespace AkkaImap.Server.Accounts;

/// <summary>A command for a folder owner (<see cref="Owners.OwnerActor"/>); always sent inside an <see cref="AccountEnvelope"/>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$c")]
[JsonDerivedType(typeof(SelectFolder), "select")]
[JsonDerivedType(typeof(UnselectFolder), "unselect")]
[JsonDerivedType(typeof(AppendMessages), "append")]
[JsonDerivedType(typeof(StoreFlags), "store")]
[JsonDerivedType(typeof(CopyMessages), "copy")]
[JsonDerivedType(typeof(MoveMessages), "move")]
[JsonDerivedType(typeof(Expunge), "expunge")]
[JsonDerivedType(typeof(CreateFolder), "create")]
[JsonDerivedType(typeof(DeleteFolder), "delete")]
[JsonDerivedType(typeof(RenameFolder), "rename")]
[JsonDerivedType(typeof(SetSubscribed), "subscribe")]
[JsonDerivedType(typeof(Resubscribe), "resubscribe")]
[JsonDerivedType(typeof(CountSubscribers), "count")]
[JsonDerivedType(typeof(SyncFolder), "sync")]
[JsonDerivedType(typeof(PublicFolders.ToPublicFolders), "public")]
[JsonDerivedType(typeof(PublicFolders.CopyIntoPublic), "copy-in")]
[JsonDerivedType(typeof(PublicFolders.ExpungeMovedOut), "moved-out")]
[JsonDerivedType(typeof(PublicFolders.SetFolderRights), "set-rights")]
public interface IAccountCommand;

/// <summary>Every message exchanged with owner entities: bound to <see cref="Owners.OwnerMessageSerializer"/>.</summary>
public interface IOwnerMessage;

/// <summary>
/// A reply from an <see cref="Owners.OwnerActor"/> to the sender of a command. It follows a client
/// command, so it is not client activity: it must not restart the session's idle timer (the
/// session gets replies directly, not through Ask). A request that carries an id gets its reply
/// inside an <see cref="OwnerReply"/>, which is why every reply is listed here for JSON.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$r")]
[JsonDerivedType(typeof(FolderInSync), "in-sync")]
[JsonDerivedType(typeof(FolderSelected), "selected")]
[JsonDerivedType(typeof(MessagesAppended), "appended")]
[JsonDerivedType(typeof(FlagsStored), "stored")]
[JsonDerivedType(typeof(MessagesCopied), "copied")]
[JsonDerivedType(typeof(MessagesMoved), "moved")]
[JsonDerivedType(typeof(Expunged), "expunged")]
[JsonDerivedType(typeof(FolderCreated), "created")]
[JsonDerivedType(typeof(FolderDeleted), "deleted")]
[JsonDerivedType(typeof(FolderRenamed), "renamed")]
[JsonDerivedType(typeof(SubscriptionChanged), "subscribed")]
[JsonDerivedType(typeof(AccountCommandFailed), "failed")]
[JsonDerivedType(typeof(PublicFolders.PublicFolderDenied), "denied")]
[JsonDerivedType(typeof(PublicFolders.FolderRightsSet), "rights-set")]
public interface IAccountReply : INotInfluenceReceiveTimeout, IOwnerMessage;

/// <summary>
/// The reply to the request <see cref="AccountEnvelope.RequestId"/> named. A session numbers its
/// requests and takes only the reply it waits for: one that comes after the session gave up on it
/// (<c>limits.owner-reply-timeout</c>; in a cluster the owner was moving to another node) is never
/// taken for the next command's. A request without an id (0: an Ask, which has its own temporary
/// reply-to, or a test) gets the bare <see cref="IAccountReply"/>.
/// </summary>
public sealed record OwnerReply(long RequestId, IAccountReply Reply) : IOwnerMessage, INotInfluenceReceiveTimeout;

/// <summary>
/// A reply that committed changes to folders. <see cref="Changes"/> are exactly the events the
/// other sessions of those folders received; the requester enqueues the ones for its selected
/// folder into its <see cref="Sessions.SelectedFolderView"/> (so an APPEND or COPY into the
/// selected folder shows EXISTS, an EXPUNGE shows EXPUNGE).
/// </summary>
public interface IFolderChangeReply : IAccountReply
{
    IReadOnlyList<FolderEvent> Changes { get; }
}

/// <summary>
/// The only way to reach a folder owner: sent to the owner shard region
/// (<see cref="Owners.OwnerSharding"/>), which delivers <see cref="Command"/> to the account's owner
/// entity, or to its post office's public-folder owner when the command is
/// <see cref="PublicFolders.ToPublicFolders"/>, keeping the original sender. <see cref="AccountId"/>
/// is the signed-in account: the reader whose \Seen marks count in public folders.
/// <see cref="TraceParent"/> is the W3C trace context of the command's owner round trip when it is
/// traced (null otherwise), so the owner's span joins the same trace, on any node.
/// <see cref="RequestId"/>, when not 0, comes back with the reply (<see cref="OwnerReply"/>).
/// </summary>
public sealed record AccountEnvelope(
    long AccountId,
    IAccountCommand Command,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TraceParent = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] long RequestId = 0) : IOwnerMessage;

/// <summary>What an owner entity receives: the command and the account it is made for (from <see cref="AccountEnvelope"/>).</summary>
public sealed record OwnerRequest(
    long ReaderId,
    IAccountCommand Command,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TraceParent = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] long RequestId = 0) : IOwnerMessage;

/// <summary>
/// After <see cref="SubscriptionEnded"/> (or the owner's death): subscribe the sender again to the
/// folder it has selected and tell it every change committed above <paramref name="SinceModSeq"/>.
/// Replies <see cref="Resubscribed"/>.
/// </summary>
public sealed record Resubscribe(long FolderId, ulong SinceModSeq, RecentMode Recent = RecentMode.None) : IAccountCommand;

/// <summary>
/// How a session takes part in \Recent (RFC 3501 §2.3.2): the first session to be told of a
/// message sees it recent, and if it has the folder selected read-write, later sessions do not.
/// </summary>
public enum RecentMode
{
    /// <summary>An IMAP4rev2 session (RFC 9051 has no \Recent): sees none and takes none.</summary>
    None = 0,

    /// <summary>EXAMINE (or a read-only public folder): sees what no session has claimed, claims nothing.</summary>
    See = 1,

    /// <summary>A read-write IMAP4rev1 selection: claims what it is the first to see.</summary>
    Claim = 2,
}

// ---- commands ----

/// <summary>
/// NOOP and CHECK of a selected folder: a barrier. The owner runs one command at a time and tells
/// the other subscribers of each commit before it takes the next message, so once its
/// <see cref="FolderInSync"/> arrives every change committed before the barrier has reached the
/// session (RFC 9051 §6.1.2, §7.5: NOOP reports what was committed before it started). Changes
/// nothing.
/// </summary>
public sealed record SyncFolder(long FolderId) : IAccountCommand;

/// <summary>
/// SELECT (or EXAMINE when <paramref name="ReadOnly"/>): subscribes the sender to the folder's
/// events and leaves any folder it had selected before (RFC 9051 §6.3.2: a failed SELECT also
/// closes the previous one). Replies <see cref="FolderSelected"/> or <see cref="AccountCommandFailed"/>.
/// </summary>
/// <paramref name="Recent"/>: how the session takes part in \Recent; the snapshot's rows carry
/// <see cref="MessageFlags.Recent"/> on the messages that are recent for it.
public sealed record SelectFolder(string Name, bool ReadOnly, RecentMode Recent = RecentMode.None) : IAccountCommand;

/// <summary>CLOSE/UNSELECT/LOGOUT: the sender stops receiving events. No reply.</summary>
public sealed record UnselectFolder(long FolderId) : IAccountCommand;

/// <summary>APPEND (RFC 3502 MULTIAPPEND when several, atomic). Replies <see cref="MessagesAppended"/>.</summary>
public sealed record AppendMessages(string FolderName, IReadOnlyList<AppendRequest> Messages) : IAccountCommand;

/// <summary>
/// STORE / UID STORE on UIDs (the session resolves sequence numbers first), optional
/// UNCHANGEDSINCE (RFC 7162 §3.1.3). Replies <see cref="FlagsStored"/>.
/// </summary>
public sealed record StoreFlags(
    long FolderId,
    IReadOnlyList<uint> Uids,
    StoreMode Mode,
    MessageFlags Flags,
    IReadOnlyList<string> Keywords,
    ulong? UnchangedSince = null) : IAccountCommand;

/// <summary>COPY / UID COPY into the folder named <paramref name="TargetName"/>. Replies <see cref="MessagesCopied"/>.</summary>
public sealed record CopyMessages(long FolderId, IReadOnlyList<uint> Uids, string TargetName) : IAccountCommand;

/// <summary>MOVE / UID MOVE (RFC 6851). Replies <see cref="MessagesMoved"/>.</summary>
public sealed record MoveMessages(long FolderId, IReadOnlyList<uint> Uids, string TargetName) : IAccountCommand;

/// <summary>
/// EXPUNGE / CLOSE (all \Deleted), or UID EXPUNGE (RFC 4315) when <paramref name="Uids"/> is given.
/// Replies <see cref="Expunged"/>.
/// </summary>
public sealed record Expunge(long FolderId, IReadOnlyList<uint>? Uids = null) : IAccountCommand;

/// <summary>CREATE (RFC 9051 §6.3.4). Replies <see cref="FolderCreated"/>.</summary>
public sealed record CreateFolder(string Name, string? SpecialUse = null) : IAccountCommand;

/// <summary>DELETE (RFC 9051 §6.3.5). Replies <see cref="FolderDeleted"/>.</summary>
public sealed record DeleteFolder(string Name) : IAccountCommand;

/// <summary>RENAME (RFC 9051 §6.3.6). Replies <see cref="FolderRenamed"/>.</summary>
public sealed record RenameFolder(string OldName, string NewName) : IAccountCommand;

/// <summary>SUBSCRIBE / UNSUBSCRIBE (RFC 9051 §6.3.7). Replies <see cref="SubscriptionChanged"/>.</summary>
public sealed record SetSubscribed(string Name, bool Subscribed) : IAccountCommand;

// ---- replies ----

/// <summary>The answer to <see cref="SyncFolder"/>: the folder's events sent before it are in the session's mailbox.</summary>
public sealed record FolderInSync(long FolderId) : IAccountReply;

/// <summary>
/// SELECT succeeded. A large snapshot comes in pieces: <paramref name="RowsBefore"/> rows were sent
/// first as <see cref="SnapshotRows"/>, and <see cref="FolderSnapshot.Messages"/> holds the rest.
/// </summary>
public sealed record FolderSelected(FolderSnapshot Snapshot, int RowsBefore = 0) : IAccountReply;

/// <summary>
/// A piece of a large snapshot, sent before its <see cref="FolderSelected"/>, in UID order;
/// <paramref name="RequestId"/> is the SELECT's (<see cref="OwnerReply"/>).
/// </summary>
public sealed record SnapshotRows(
    long FolderId,
    IReadOnlyList<MessageFlagState> Rows,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] long RequestId = 0) : IOwnerMessage, INotInfluenceReceiveTimeout;

/// <summary>
/// The append committed. <paramref name="Messages"/> are the new messages (uid, flags, keywords,
/// modseq) in request order; their UIDs make the APPENDUID code (RFC 4315 §3).
/// </summary>
public sealed record MessagesAppended(
    long FolderId,
    uint UidValidity,
    IReadOnlyList<MessageFlagState> Messages,
    IReadOnlyList<FolderEvent> Changes) : IFolderChangeReply;

/// <summary>
/// The store committed. <paramref name="Changed"/>: new state of each message whose flags changed
/// (apply with <see cref="Sessions.SelectedFolderView.ApplyFlags"/>); <paramref name="Modified"/>:
/// UIDs that failed UNCHANGEDSINCE (the MODIFIED code, RFC 7162 §3.1.3).
/// </summary>
public sealed record FlagsStored(
    long FolderId,
    IReadOnlyList<MessageFlagState> Changed,
    IReadOnlyList<uint> Modified,
    ulong HighestModSeq) : IAccountReply;

/// <summary>
/// The copy committed. <paramref name="Mapping"/> pairs source and target UIDs in ascending source
/// order (COPYUID, RFC 4315 §3); UIDs that no longer existed are absent.
/// </summary>
public sealed record MessagesCopied(
    long SourceFolderId,
    long TargetFolderId,
    uint TargetUidValidity,
    IReadOnlyList<UidMapping> Mapping,
    IReadOnlyList<FolderEvent> Changes) : IFolderChangeReply;

/// <summary>The move committed: the copy part, and the UIDs that left the source (RFC 6851 §3.3).</summary>
public sealed record MessagesMoved(
    long SourceFolderId,
    long TargetFolderId,
    uint TargetUidValidity,
    IReadOnlyList<UidMapping> Mapping,
    IReadOnlyList<uint> ExpungedUids,
    IReadOnlyList<FolderEvent> Changes) : IFolderChangeReply;

public sealed record Expunged(
    long FolderId,
    IReadOnlyList<uint> Uids,
    ulong HighestModSeq,
    IReadOnlyList<FolderEvent> Changes) : IFolderChangeReply;

/// <summary><paramref name="MailboxId"/> serves the MAILBOXID code of RFC 8474 §4.1.</summary>
public sealed record FolderCreated(long FolderId, string Name, string MailboxId) : IAccountReply;

public sealed record FolderDeleted(string Name, IReadOnlyList<FolderEvent> Changes) : IFolderChangeReply;

/// <summary>Renaming INBOX empties it (RFC 9051 §6.3.6): then <see cref="Changes"/> hold its removals.</summary>
public sealed record FolderRenamed(string OldName, string NewName, IReadOnlyList<FolderEvent> Changes) : IFolderChangeReply;

public sealed record SubscriptionChanged(string Name, bool Subscribed) : IAccountReply;

/// <summary>
/// The command was refused or failed; nothing changed. The session answers
/// <c>NO [code] text</c> with <see cref="AccountFailureCodes.ToResponseCode"/>.
/// </summary>
public sealed record AccountCommandFailed(AccountFailure Code, string Text) : IAccountReply;

// ---- events to the other sessions that have a folder selected ----

/// <summary>
/// A committed change to a folder, sent to every subscribed session except the one whose command
/// caused it, in commit order. After a <see cref="AccountFailure.ServerBug"/> the account re-reads
/// its open folders and sends what differs to every subscriber, the requester included.
/// Does not count as activity for the idle timeout.
/// </summary>
public sealed record FolderEvent(long FolderId, FolderChange Change) : INotInfluenceReceiveTimeout, IOwnerMessage;

/// <summary>
/// The owner the sender subscribed to stopped (passivated, handed off, restarted): send
/// <see cref="Resubscribe"/> with the last MODSEQ known, or nothing will be heard of the folder.
/// </summary>
public sealed record SubscriptionEnded(long FolderId) : INotInfluenceReceiveTimeout, IOwnerMessage;

/// <summary>The answer to <see cref="Resubscribe"/>: the changes missed, to enqueue in order (a view ignores what it knows).</summary>
public sealed record Resubscribed(long FolderId, IReadOnlyList<FolderChange> Changes) : INotInfluenceReceiveTimeout, IOwnerMessage;

/// <summary>What changed; <see cref="Sessions.SelectedFolderView.Enqueue"/> takes these.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$c")]
[JsonDerivedType(typeof(MessagesAdded), "added")]
[JsonDerivedType(typeof(FlagsChanged), "flags")]
[JsonDerivedType(typeof(MessagesRemoved), "removed")]
[JsonDerivedType(typeof(FolderRemoved), "folder-removed")]
public abstract record FolderChange;

/// <summary>New messages, ascending UID, with the folder's UIDNEXT and HIGHESTMODSEQ afterwards.</summary>
public sealed record MessagesAdded(IReadOnlyList<MessageFlagState> Messages, uint UidNext, ulong HighestModSeq) : FolderChange;

/// <summary>New flag state of messages whose flags changed.</summary>
public sealed record FlagsChanged(IReadOnlyList<MessageFlagState> Messages, ulong HighestModSeq) : FolderChange;

/// <summary>Messages expunged (ascending UIDs).</summary>
public sealed record MessagesRemoved(IReadOnlyList<uint> Uids, ulong HighestModSeq) : FolderChange;

/// <summary>The folder was deleted (or became \Noselect); the session should end its selection.</summary>
public sealed record FolderRemoved : FolderChange;
