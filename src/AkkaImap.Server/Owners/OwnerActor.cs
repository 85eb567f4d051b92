using Akka.Actor;
using Akka.Event;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.DirectoryFeed;
using AkkaImap.Server.PublicFolders;
using AkkaImap.Server.Telemetry;
using AkkaImap.Storage;

namespace AkkaImap.Server.Owners;

/// <summary>Settings every owner entity is built with.</summary>
/// <param name="UnselectedMessages">Messages of folders no session has selected kept loaded (<c>cache.unselected-messages</c>).</param>
/// <param name="PublicFolderUserCreate">Users may create public folders (<c>public-folders.user-create</c>).</param>
/// <param name="MaxFolders">The most folders this owner may have (<c>limits.max-folders</c>).</param>
public sealed record OwnerOptions(
    int UnselectedMessages = OwnerOptions.DefaultUnselectedMessages,
    bool PublicFolderUserCreate = true,
    int MaxFolders = OwnerOptions.DefaultMaxFolders)
{
    /// <summary>The default of <c>limits.max-folders</c>.</summary>
    public const int DefaultMaxFolders = 1000;

    /// <summary>The default of <c>cache.unselected-messages</c>.</summary>
    public const int DefaultUnselectedMessages = 100_000;
}

/// <summary>
/// The single writer of one owner's folders: an account's own, or a post office's public folders
/// (<see cref="OwnerPolicy"/> says what differs). It is a sharding entity (<see cref="OwnerSharding"/>)
/// and a thin shell: the store does the I/O, <see cref="OwnerState{TSubscriber}"/> holds what is
/// loaded and who listens. Commands run one at a time (<c>ReceiveAsync</c> holds the mailbox while
/// the store works; the store's group commit batches across owners), so the events every session
/// sees follow commit order; only STOREs and EXPUNGEs go to a store that keeps their order while
/// the ones before them are in flight, and are answered in order (OwnerActor.Pipeline.cs). After
/// each commit: reply to the requester, then send <see cref="FolderEvent"/> to every other session
/// that has the folder selected. The store allocates UIDs and MODSEQs inside the commit, so even
/// two owners of one account by mistake never reuse a UID. A store failure becomes
/// <see cref="AccountCommandFailed"/>; the actor never crashes on one. When it stops (passivation,
/// hand-off, a crash) every subscriber hears <see cref="SubscriptionEnded"/> and subscribes again
/// with what it knows (<see cref="Resubscribe"/>).
/// </summary>
public sealed partial class OwnerActor : ReceiveActor
{
    private readonly IStore _store;
    private readonly MailboxOwner _owner;
    private readonly OwnerPolicy _policy;
    private readonly OwnerState<IActorRef> _state;
    private readonly int _maxFolders;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _leaseTaken;

    public OwnerActor(IStore store, MailboxOwner owner, OwnerOptions options)
    {
        _store = store;
        _owner = owner;
        _policy = OwnerPolicy.For(owner, options.PublicFolderUserCreate);
        _state = new OwnerState<IActorRef>(_policy.PerReaderSeen, options.UnselectedMessages);
        _maxFolders = options.MaxFolders;
        ReceiveAsync<OwnerRequest>(Handle);
        Receive<Terminated>(t => Leave(t.ActorRef));
        ReceiveAsync<MailAdded>(OnMailAdded);
        Receive<WritesDone>(_ => AnswerWritesDone());
        ReceiveAsync<ResyncNeeded>(_ => ResyncAfterWrites());
    }

    /// <summary>
    /// Mail appended by another process (the change feed's <see cref="MailAdded"/>, handed over by
    /// this node's <see cref="MailAddedRelay"/>): a loaded folder
    /// reads what is new, as after its own APPEND, and every session that has it selected hears
    /// EXISTS; a folder not loaded reads it all when it is next selected.
    /// </summary>
    private async Task OnMailAdded(MailAdded m)
    {
        await Drain();
        if (m.AccountId != _owner.Id || !_state.IsLoaded(m.FolderId)) return;
        try
        {
            var added = await SyncNewMessages(m.FolderId);
            if (added.Messages.Count == 0) return;
            IReadOnlyList<FolderEvent> events = [new FolderEvent(m.FolderId, added)];
            Publish(events, null, await ClaimRecentAsync(events, null));
            _state.Trim();
        }
        catch (Exception ex)
        {
            _log.Warning("{0} {1}: could not read mail added to folder {2}: {3}", _owner.Kind, _owner.Id, m.FolderId, ex.Message);
        }
    }

    /// <summary>The owner of <paramref name="owner"/>'s folders.</summary>
    public static Props Props(IStore store, MailboxOwner owner, OwnerOptions options) =>
        Akka.Actor.Props.Create(() => new OwnerActor(store, owner, options));

    /// <summary>Tells every subscriber that it must subscribe again (to this owner's successor).</summary>
    protected override void PostStop()
    {
        OwnerQueues.Report(Self.Path.Name, 0);
        AbandonWrites();
        foreach (var (subscriber, folderId) in _state.Subscriptions) subscriber.Tell(new SubscriptionEnded(folderId), Self);
    }

    private delegate Task<(object Reply, IReadOnlyList<FolderEvent> Events)> Handler(OwnerRequest request, IActorRef requester);

    private Task Handle(OwnerRequest request)
    {
        var requester = Sender;
        if (TryPipeline(request, requester)) return Task.CompletedTask;
        return _inFlight.Count == 0 ? HandleNow(request, requester) : AfterWrites(request, requester);
    }

    /// <summary>Anything but a pipelined write waits until the writes taken before it are answered.</summary>
    private async Task AfterWrites(OwnerRequest request, IActorRef requester)
    {
        await Drain();
        await HandleNow(request, requester);
    }

    private Task HandleNow(OwnerRequest request, IActorRef requester)
    {
        switch (request.Command)
        {
            case UnselectFolder m:
                if (_state.SelectedBy(requester) == m.FolderId) Leave(requester);
                return Task.CompletedTask;
            case SyncFolder m:
                // Runs after every command taken before it, whose events are already sent.
                Reply(requester, request, new FolderInSync(m.FolderId));
                return Task.CompletedTask;
            case CountSubscribers m:
                Reply(requester, request, new SubscriberCount(_state.SubscribersOf(m.FolderId)));
                return Task.CompletedTask;
            case SelectFolder: return Run(request, requester, Select);
            case Resubscribe: return Run(request, requester, Resubscribing);
            case AppendMessages: return Run(request, requester, Append, missingIsTarget: true);
            case StoreFlags: return Run(request, requester, Store);
            case Expunge: return Run(request, requester, DoExpunge);
            case ExpungeMovedOut: return Run(request, requester, MovedOut);
            case CopyMessages: return Run(request, requester, Copy, missingIsTarget: true);
            case CopyIntoPublic: return Run(request, requester, CopyIn, missingIsTarget: true);
            case MoveMessages: return Run(request, requester, Move, missingIsTarget: true);
            case CreateFolder: return Run(request, requester, Create);
            case DeleteFolder: return Run(request, requester, Delete);
            case RenameFolder: return Run(request, requester, Rename);
            case SetSubscribed: return Run(request, requester, Subscribe);
            case SetFolderRights: return Run(request, requester, SetRights);
            default:
                Reply(requester, request, new AccountCommandFailed(AccountFailure.Cannot, "Not supported here"));
                return Task.CompletedTask;
        }
    }

    private async Task Run(OwnerRequest request, IActorRef requester, Handler handler, bool missingIsTarget = false)
    {
        // Current for the rest of this method only (an async method keeps its own context): the
        // store's spans of this command hang below it.
        using var span = ImapTracing.StartOwnerWork(request.TraceParent, request.Command, _owner.Kind);
        OwnerQueues.Report(Self.Path.Name, QueuedHere());
        object reply;
        IReadOnlyList<FolderEvent> events = [];
        try
        {
            // Before this owner reads anything: a previous owner left on a node the cluster gave up
            // can write no more, and what it wrote before is in what this one loads.
            if (!_leaseTaken)
            {
                await _store.TakeOwnershipAsync(_owner);
                _leaseTaken = true;
            }
            (reply, events) = await handler(request, requester);
        }
        catch (Exception ex)
        {
            if (Refusal(ex, request, requester, missingIsTarget, out var resync) is not { } refusal)
            {
                if (resync) await ResyncLoadedFolders();
                return;
            }
            reply = refusal;
        }
        // New messages go \Recent to one session (RFC 3501 §2.3.2), the requester preferred.
        var claims = await ClaimRecentAsync(events, requester);
        // The requester learns its own change from the reply, before anyone else hears of it.
        Reply(requester, request, MarkRecent(reply, requester, claims));
        Publish(events, requester, claims);
        // Mail appended, copied or moved into a folder nobody has selected makes it bigger.
        _state.Trim();
    }

    /// <summary>
    /// The answer to a command whose work threw: a store's refusal is the reply, returned.
    /// Otherwise the requester is answered here and null returned: another node's owner took the
    /// mailbox over (this one stops), or a bug, after which <paramref name="resync"/> says the cache
    /// and every session must be brought in line with the store again (the failure may have come
    /// after a commit, e.g. reading back an append).
    /// </summary>
    private object? Refusal(Exception error, OwnerRequest request, IActorRef requester, bool missingIsTarget, out bool resync)
    {
        resync = false;
        var command = request.Command.GetType().Name;
        switch (error)
        {
            case StoreException { Error: StoreError.Superseded }:
                // This node was cut off or paused and the cluster moved its owners: what is loaded
                // here is out of date. Every session hears SubscriptionEnded and subscribes again
                // wherever the owner now runs.
                _log.Warning("{0} {1}: {2} refused: another node serves this mailbox now; this owner stops", _owner.Kind, _owner.Id, command);
                Reply(requester, request, new AccountCommandFailed(AccountFailure.Unavailable, "This mailbox moved to another server; try again"));
                Context.Stop(Self);
                return null;
            case StoreException refused:
                if (refused.Error == StoreError.StorageFull)
                    _log.Warning("{0} {1}: {2} refused: the store's disk is full; free space in the data folder", _owner.Kind, _owner.Id, command);
                else
                    _log.Debug("{0} {1}: {2} refused: {3}", _owner.Kind, _owner.Id, command, refused.Message);
                return new AccountCommandFailed(AccountFailureCodes.FromStoreError(refused.Error, missingIsTarget), refused.Message);
            case ObjectDisposedException:
                // The store closed under this command: the server is stopping. Nothing of it was
                // written, and the cache has nothing to bring in line.
                _log.Debug("{0} {1}: {2} refused: the store is closed", _owner.Kind, _owner.Id, command);
                return new AccountCommandFailed(AccountFailure.Unavailable, "The server is shutting down; try again");
            default:
                _log.Error(error, "{0} {1}: {2} failed", _owner.Kind, _owner.Id, command);
                Reply(requester, request, new AccountCommandFailed(AccountFailure.ServerBug, "Internal error, try again later"));
                resync = true;
                return null;
        }
    }

    /// <summary>
    /// Sends a reply, with the request's id when it has one (<see cref="OwnerReply"/>); a large
    /// snapshot for a session on another node goes in pieces (<see cref="SnapshotRows"/> first, then
    /// the rest). A session on this node gets it whole: nothing is serialized on the way.
    /// </summary>
    private void Reply(IActorRef requester, OwnerRequest request, object reply)
    {
        if (reply is FolderSelected { Snapshot.Messages.Count: > OwnerSharding.SnapshotChunk } selected && !requester.Path.Address.HasLocalScope)
        {
            var rows = selected.Snapshot.Messages;
            int last = (rows.Count - 1) / OwnerSharding.SnapshotChunk * OwnerSharding.SnapshotChunk;
            for (int from = 0; from < last; from += OwnerSharding.SnapshotChunk)
                requester.Tell(new SnapshotRows(selected.Snapshot.FolderId, Slice(rows, from, OwnerSharding.SnapshotChunk), request.RequestId), Self);
            reply = new FolderSelected(selected.Snapshot with { Messages = Slice(rows, last, rows.Count - last) }, RowsBefore: last);
        }
        requester.Tell(request.RequestId != 0 && reply is IAccountReply answer ? new OwnerReply(request.RequestId, answer) : reply, Self);
    }

    private static MessageFlagState[] Slice(IReadOnlyList<MessageFlagState> rows, int from, int count)
    {
        var slice = new MessageFlagState[count];
        for (int i = 0; i < count; i++) slice[i] = rows[from + i];
        return slice;
    }

    private void Publish(IReadOnlyList<FolderEvent> events, IActorRef? except, IReadOnlyDictionary<long, IActorRef>? claims = null)
    {
        foreach (var delivery in _state.Publish(events, except, claims)) delivery.To.Tell(delivery.Event, Self);
    }

    /// <summary>Who takes the new messages of each folder as \Recent; the folder's new first recent UID is stored.</summary>
    private async Task<Dictionary<long, IActorRef>> ClaimRecentAsync(IReadOnlyList<FolderEvent> events, IActorRef? preferred)
    {
        var claims = new Dictionary<long, IActorRef>();
        var storedWith = _recentStoredWith;
        _recentStoredWith = null;
        if (events.Count == 0) return claims;
        foreach (var ev in events)
        {
            if (ev.Change is not MessagesAdded { Messages.Count: > 0 } || claims.ContainsKey(ev.FolderId)) continue;
            if (_state.ClaimNew(ev.FolderId, preferred, out var claimant) && claimant is not null)
            {
                claims[ev.FolderId] = claimant;
                var firstRecent = _state.Folder(ev.FolderId)!.FirstRecentUid;
                if (storedWith != (ev.FolderId, firstRecent)) await PersistRecentAsync(ev.FolderId, firstRecent);
            }
        }
        return claims;
    }

    /// <summary>
    /// The folder and first recent UID an APPEND stored with its messages (the claim of a session
    /// here), until <see cref="ClaimRecentAsync"/> makes the same claim in the cache and so needs
    /// no write of its own. Anything else added meanwhile (read back from the store) is claimed
    /// and written as before.
    /// </summary>
    private (long FolderId, uint FirstRecentUid)? _recentStoredWith;

    /// <summary>
    /// Stores a folder's first recent UID (so STATUS and the next owner agree). A failure is only
    /// logged: it makes messages recent once more, which RFC 3501 §2.3.2 prefers to losing \Recent.
    /// </summary>
    private async Task PersistRecentAsync(long folderId, uint firstRecentUid)
    {
        try
        {
            await _store.SetFirstRecentUidAsync(folderId, firstRecentUid);
        }
        catch (Exception ex)
        {
            _log.Warning("Could not store the first recent UID of folder {0}: {1}", folderId, ex.Message);
        }
    }

    /// <summary>The requester's reply with its new messages marked \Recent where they are recent for it.</summary>
    private object MarkRecent(object reply, IActorRef requester, IReadOnlyDictionary<long, IActorRef> claims) => reply switch
    {
        MessagesAppended a => a with { Changes = _state.MarkRecent(requester, a.Changes, claims) },
        MessagesCopied c => c with { Changes = _state.MarkRecent(requester, c.Changes, claims) },
        MessagesMoved m => m with { Changes = _state.MarkRecent(requester, m.Changes, claims) },
        _ => reply,
    };

    private void Leave(IActorRef session)
    {
        if (_state.Leave(session)) Context.Unwatch(session);
    }

    private void Subscribe(IActorRef session, long readerId, long folderId, RecentMode recent)
    {
        _state.Subscribe(session, readerId, folderId, recent);
        Context.Watch(session);
    }

    private async Task ResyncLoadedFolders()
    {
        foreach (var folder in _state.LoadedFolders)
        {
            try
            {
                var info = await _store.GetFolderAsync(folder.Id);
                if (info is null || info.NoSelect)
                {
                    Publish([new FolderEvent(folder.Id, new FolderRemoved())], except: null, claims: null);
                    continue;
                }
                var rows = Shared(await _store.GetMessageFlagsAsync(folder.Id));
                var events = new List<FolderEvent>();
                foreach (var change in folder.Diff(rows, info))
                {
                    _state.Apply(folder.Id, change);
                    events.Add(new FolderEvent(folder.Id, change));
                }
                Publish(events, except: null, await ClaimRecentAsync(events, preferred: null));
            }
            catch (Exception ex)
            {
                _log.Error(ex, "{0} {1}: could not resynchronise folder {2}", _owner.Kind, _owner.Id, folder.Id);
            }
        }
    }

    /// <summary>Messages waiting in this owner's mailbox: commands of sessions that wait for it.</summary>
    private int QueuedHere() => Context is ActorCell { Mailbox: { } mailbox } ? mailbox.MessageQueue.Count : 0;

    private IReadOnlyList<MessageFlagState> Shared(IReadOnlyList<MessageFlagState> rows) =>
        _policy.PerReaderSeen ? ReaderFlags.Shared(rows) : rows;
}
