using Akka.Actor;
using Akka.Event;
using AkkaImap.Server.Accounts;
using AkkaImap.Storage;

namespace AkkaImap.Server.PublicFolders;

/// <summary>
/// The single writer of one post office's public folders, shared by every mailbox of that post
/// office. It works like <see cref="AccountActor"/> (one command at a time: await the store, reply,
/// then send <see cref="FolderEvent"/> to the other sessions that have the folder selected, in
/// commit order) with three differences: its subscribers belong to many accounts, so each event is
/// rewritten with each reader's own \Seen (<see cref="ReaderFlags"/>); folders the operator made
/// read-only refuse APPEND, STORE and EXPUNGE (<see cref="PublicFolderDenied"/>, read per command so
/// the CLI's switch counts at once); and only the operator deletes or renames public folders.
/// Snapshots name the folder as clients see it ("Public Folders/..."); commands use the inner name.
/// </summary>
public sealed partial class PublicFolderActor : ReceiveActor
{
    private readonly IStore _store;
    private readonly MailboxOwner _owner;
    private readonly PublicFolderOptions _options;
    private readonly Dictionary<long, (OpenFolder Folder, ReaderFlags Readers)> _open = [];
    private readonly Dictionary<IActorRef, (long FolderId, long AccountId)> _selectedBy = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public PublicFolderActor(IStore store, long postOfficeId, PublicFolderOptions options)
    {
        _store = store;
        _owner = MailboxOwner.ForPublicFolders(postOfficeId);
        _options = options;
        ReceiveAsync<PublicFolderEnvelope>(Handle);
        Receive<Terminated>(t => Leave(t.ActorRef));
    }

    public static Props Props(IStore store, long postOfficeId, PublicFolderOptions options) =>
        Akka.Actor.Props.Create(() => new PublicFolderActor(store, postOfficeId, options));

    private delegate Task<(IAccountReply Reply, IReadOnlyList<FolderEvent> Events)> Handler(PublicFolderEnvelope envelope);

    private Task Handle(PublicFolderEnvelope e)
    {
        if (e.PostOfficeId != _owner.Id)
        {
            // The region routes by post office; anything else is a bug, never served.
            Sender.Tell(new AccountCommandFailed(AccountFailure.NonExistent, "No such mailbox"));
            return Task.CompletedTask;
        }
        switch (e.Command)
        {
            case UnselectFolder m:
                if (_selectedBy.TryGetValue(e.Session, out var selected) && selected.FolderId == m.FolderId) Leave(e.Session);
                return Task.CompletedTask;
            case SelectFolder: return Run(e, Select);
            case AppendMessages: return Run(e, Append, missingIsTarget: true);
            case StoreFlags: return Run(e, Store);
            case Expunge: return Run(e, DoExpunge);
            case CopyMessages: return Run(e, Copy, missingIsTarget: true);
            case MoveMessages: return Run(e, Move, missingIsTarget: true);
            case CopyIntoPublic: return Run(e, CopyIn, missingIsTarget: true);
            case ExpungeMovedOut: return Run(e, MovedOut);
            case CreateFolder: return Run(e, Create);
            case DeleteFolder or RenameFolder:
                Sender.Tell(new PublicFolderDenied("Public folders are deleted and renamed by the administrator"));
                return Task.CompletedTask;
            default:
                Sender.Tell(new AccountCommandFailed(AccountFailure.Cannot, "Not supported on public folders"));
                return Task.CompletedTask;
        }
    }

    private async Task Run(PublicFolderEnvelope e, Handler handler, bool missingIsTarget = false)
    {
        var replyTo = Sender;
        IAccountReply reply;
        IReadOnlyList<FolderEvent> events = [];
        try
        {
            (reply, events) = await handler(e);
        }
        catch (StoreException ex)
        {
            _log.Debug("public folders {0}: {1} refused: {2}", _owner.Id, e.Command.GetType().Name, ex.Message);
            reply = new AccountCommandFailed(AccountFailureCodes.FromStoreError(ex.Error, missingIsTarget), ex.Message);
        }
        catch (Exception ex)
        {
            _log.Error(ex, "public folders {0}: {1} failed", _owner.Id, e.Command.GetType().Name);
            replyTo.Tell(new AccountCommandFailed(AccountFailure.ServerBug, "Internal error, try again later"), Self);
            await ResyncOpenFolders();
            return;
        }
        replyTo.Tell(reply, Self);
        Notify(events, e.Session);
    }

    private static (IAccountReply, IReadOnlyList<FolderEvent>) Fail(AccountFailure code, string text) =>
        (new AccountCommandFailed(code, text), []);

    private static (IAccountReply, IReadOnlyList<FolderEvent>) Denied(string name) =>
        (new PublicFolderDenied($"{PublicFolderNames.Full(name)} is read-only"), []);

    /// <summary>Sends shared events to every subscriber but the requester, each with its reader's \Seen.</summary>
    private void Notify(IReadOnlyList<FolderEvent> events, IActorRef requester)
    {
        foreach (var ev in events)
        {
            if (!_open.TryGetValue(ev.FolderId, out var open)) continue;
            foreach (var session in open.Folder.Subscribers)
            {
                if (session.Equals(requester) || !_selectedBy.TryGetValue(session, out var s)) continue;
                session.Tell(new FolderEvent(ev.FolderId, open.Readers.For(s.AccountId, ev.Change)), Self);
            }
            if (ev.Change is FolderRemoved)
            {
                foreach (var session in open.Folder.Subscribers.ToArray()) Leave(session);
                _open.Remove(ev.FolderId);
            }
        }
    }

    /// <summary>The shared events as one reader sees them (for the Changes of its own reply).</summary>
    private IReadOnlyList<FolderEvent> ForReader(long accountId, IReadOnlyList<FolderEvent> events) =>
        events.Select(ev => _open.TryGetValue(ev.FolderId, out var open)
            ? new FolderEvent(ev.FolderId, open.Readers.For(accountId, ev.Change))
            : ev).ToArray();

    private void Leave(IActorRef session)
    {
        if (!_selectedBy.Remove(session, out var s)) return;
        Context.Unwatch(session);
        if (!_open.TryGetValue(s.FolderId, out var open)) return;
        open.Folder.Subscribers.Remove(session);
        if (open.Folder.Subscribers.Count == 0)
        {
            _open.Remove(s.FolderId);
            return;
        }
        // Keep a reader's \Seen marks only while one of its sessions has the folder selected.
        if (!_selectedBy.Values.Any(v => v.FolderId == s.FolderId && v.AccountId == s.AccountId)) open.Readers.Drop(s.AccountId);
    }

    private async Task ResyncOpenFolders()
    {
        foreach (var (id, open) in _open.ToArray())
        {
            try
            {
                var info = await _store.GetFolderAsync(id);
                if (info is null || info.NoSelect)
                {
                    Notify([new FolderEvent(id, new FolderRemoved())], ActorRefs.Nobody);
                    continue;
                }
                var rows = ReaderFlags.Shared(await _store.GetMessageFlagsAsync(id));
                var events = new List<FolderEvent>();
                foreach (var change in open.Folder.Diff(rows, info))
                {
                    open.Folder.Apply(change);
                    events.Add(new FolderEvent(id, change));
                }
                Notify(events, ActorRefs.Nobody);
            }
            catch (Exception ex)
            {
                _log.Error(ex, "public folders {0}: could not resynchronise folder {1}", _owner.Id, id);
            }
        }
    }
}
