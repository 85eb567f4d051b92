using Akka.Actor;
using Akka.Event;
using AkkaImap.Storage;

namespace AkkaImap.Server.Accounts;

/// <summary>
/// The single writer of one owner's folders (an account, or a post office's public folders).
/// Commands run one at a time (<c>ReceiveAsync</c> holds the mailbox while the store works; the
/// store's group commit batches across accounts), so the events every session sees follow commit
/// order. After each commit: reply to the requester, then send <see cref="FolderEvent"/> to every
/// other session that has the folder selected. Folders are loaded when first selected and kept,
/// current, while any session has them selected, and after that while the unselected ones hold no
/// more than <c>cache.unselected-messages</c> messages (least recently left dropped first), so
/// that selecting a folder again (a client going from folder to folder) does not read the store.
/// Every change to the account's folders passes through this actor, which is why a folder kept
/// loaded stays current. A store failure becomes
/// <see cref="AccountCommandFailed"/>; the actor never crashes on one.
/// </summary>
public sealed class AccountActor : ReceiveActor
{
    private readonly IMailStore _store;
    private readonly MailboxOwner _owner;
    private readonly Dictionary<long, OpenFolder> _open = [];
    private readonly Dictionary<IActorRef, long> _selectedBy = [];
    /// <summary>Loaded folders that no session has selected, least recently left first.</summary>
    private readonly LinkedList<long> _unselected = [];
    private readonly int _unselectedMessages;
    private readonly TimeSpan? _idleTimeout;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public AccountActor(IMailStore store, MailboxOwner owner, TimeSpan? idleTimeout = null, int unselectedMessages = 0)
    {
        _store = store;
        _owner = owner;
        _idleTimeout = idleTimeout;
        _unselectedMessages = unselectedMessages;
        ReceiveAsync<SelectFolder>(m => Run(m, Select));
        Receive<UnselectFolder>(m =>
        {
            if (_selectedBy.TryGetValue(Sender, out var id) && id == m.FolderId) Leave(Sender);
        });
        ReceiveAsync<AppendMessages>(m => Run(m, Append, missingIsTarget: true));
        ReceiveAsync<StoreFlags>(m => Run(m, Store));
        ReceiveAsync<CopyMessages>(m => Run(m, Copy));
        ReceiveAsync<MoveMessages>(m => Run(m, Move));
        ReceiveAsync<Expunge>(m => Run(m, DoExpunge));
        ReceiveAsync<CreateFolder>(m => Run(m, Create));
        ReceiveAsync<DeleteFolder>(m => Run(m, Delete));
        ReceiveAsync<RenameFolder>(m => Run(m, Rename));
        ReceiveAsync<SetSubscribed>(m => Run(m, Subscribe));
        Receive<Terminated>(t => Leave(t.ActorRef));
        Receive<CountSubscribers>(m => Sender.Tell(_open.TryGetValue(m.FolderId, out var f) ? f.Subscribers.Count : 0));
        // Passivation: idle with no session selected, ask the region to stop us; it buffers new
        // commands meanwhile. A command that arrived in between may have selected a folder: then stay.
        Receive<ReceiveTimeout>(_ =>
        {
            if (_selectedBy.Count == 0) Context.Parent.Tell(AccountIdle.Instance);
        });
        Receive<StopAccount>(_ =>
        {
            if (_selectedBy.Count == 0) Context.Stop(Self);
            else Context.Parent.Tell(AccountBusy.Instance);
        });
    }

    /// <param name="idleTimeout">Without selected folders for this long the actor asks its parent
    /// to stop it (<see cref="AccountIdle"/>); null never.</param>
    /// <param name="unselectedMessages">Messages of folders no session has selected kept loaded.</param>
    public static Props Props(IMailStore store, MailboxOwner owner, TimeSpan? idleTimeout = null, int unselectedMessages = 0) =>
        Akka.Actor.Props.Create(() => new AccountActor(store, owner, idleTimeout, unselectedMessages));

    protected override void PreStart() => UpdateIdleTimer();

    private void UpdateIdleTimer() =>
        Context.SetReceiveTimeout(_selectedBy.Count == 0 ? _idleTimeout : null);

    private delegate Task<(IAccountReply Reply, IReadOnlyList<FolderEvent> Events)> Handler<in T>(T command, IActorRef requester);

    private async Task Run<T>(T command, Handler<T> handler, bool missingIsTarget = false) where T : IAccountCommand
    {
        var requester = Sender;
        IAccountReply reply;
        IReadOnlyList<FolderEvent> events = [];
        try
        {
            (reply, events) = await handler(command, requester);
        }
        catch (StoreException ex)
        {
            _log.Debug("{0} {1}: {2} refused: {3}", _owner.Kind, _owner.Id, typeof(T).Name, ex.Message);
            reply = new AccountCommandFailed(AccountFailureCodes.FromStoreError(ex.Error, missingIsTarget), ex.Message);
        }
        catch (Exception ex)
        {
            _log.Error(ex, "{0} {1}: {2} failed", _owner.Kind, _owner.Id, typeof(T).Name);
            requester.Tell(new AccountCommandFailed(AccountFailure.ServerBug, "Internal error, try again later"), Self);
            // The failure may have come after a commit (e.g. reading back an append): make the
            // cache and every session, the requester included, agree with the store again.
            await ResyncOpenFolders();
            return;
        }
        // The requester learns its own change from the reply, before anyone else hears of it.
        requester.Tell(reply, Self);
        Notify(events, requester);
        // Mail appended, copied or moved into a folder nobody has selected makes it bigger.
        TrimUnselected();
    }

    private async Task ResyncOpenFolders()
    {
        foreach (var folder in _open.Values.ToArray())
        {
            try
            {
                var info = await _store.GetFolderAsync(folder.Id);
                if (info is null || info.NoSelect)
                {
                    Notify([new FolderEvent(folder.Id, new FolderRemoved())], ActorRefs.Nobody);
                    continue;
                }
                var rows = await _store.GetMessageFlagsAsync(folder.Id);
                var events = new List<FolderEvent>();
                foreach (var change in folder.Diff(rows, info))
                {
                    folder.Apply(change);
                    events.Add(new FolderEvent(folder.Id, change));
                }
                Notify(events, ActorRefs.Nobody);
            }
            catch (Exception ex)
            {
                _log.Error(ex, "{0} {1}: could not resynchronise folder {2}", _owner.Kind, _owner.Id, folder.Id);
            }
        }
    }

    private static (IAccountReply, IReadOnlyList<FolderEvent>) Fail(AccountFailure code, string text) =>
        (new AccountCommandFailed(code, text), []);

    private static (IAccountReply, IReadOnlyList<FolderEvent>) Reply(IFolderChangeReply reply) => (reply, reply.Changes);

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> Select(SelectFolder m, IActorRef requester)
    {
        // RFC 9051 §6.3.2: SELECT closes the selected mailbox first, even when it then fails.
        Leave(requester);
        var info = await _store.GetFolderAsync(_owner, m.Name);
        if (info is null) return Fail(AccountFailure.NonExistent, "No such mailbox");
        if (info.NoSelect) return Fail(AccountFailure.Cannot, "Mailbox is not selectable");
        if (!_open.TryGetValue(info.Id, out var folder))
        {
            var rows = await _store.GetMessageFlagsAsync(info.Id);
            folder = new OpenFolder(info, rows);
            _open.Add(info.Id, folder);
        }
        else
        {
            folder.Name = info.Name;
            _unselected.Remove(info.Id);
        }
        if (!requester.IsNobody())
        {
            folder.Subscribers.Add(requester);
            _selectedBy[requester] = info.Id;
            Context.Watch(requester);
            UpdateIdleTimer();
        }
        var snapshot = folder.Snapshot(m.ReadOnly);
        if (folder.Subscribers.Count == 0) KeepUnselected(folder);
        return (new FolderSelected(snapshot), []);
    }

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> Append(AppendMessages m, IActorRef requester)
    {
        var info = await _store.GetFolderAsync(_owner, m.FolderName);
        if (info is null || info.NoSelect) return Fail(AccountFailure.TryCreate, "Mailbox does not exist");
        var result = await _store.AppendAsync(info.Id, m.Messages);
        var changes = new List<FolderEvent>();
        MessagesAdded? added = null;
        if (_open.TryGetValue(info.Id, out var folder))
        {
            added = await SyncNewMessages(folder);
            changes.Add(new FolderEvent(info.Id, added));
        }
        // Exact rows as stored when the folder is open; otherwise as requested (nobody has it selected).
        var stored = added?.Messages.ToDictionary(r => r.Uid) ?? [];
        var rows = new MessageFlagState[result.Uids.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            var request = m.Messages[i];
            rows[i] = stored.TryGetValue(result.Uids[i], out var exact)
                ? exact
                : new MessageFlagState(result.Uids[i], request.Flags, request.Keywords ?? [], result.ModSeq);
        }
        return Reply(new MessagesAppended(info.Id, result.UidValidity, rows, changes));
    }

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> Store(StoreFlags m, IActorRef requester)
    {
        if (!await Owns(m.FolderId)) return Fail(AccountFailure.NonExistent, "No such mailbox");
        var result = await _store.StoreFlagsAsync(m.FolderId, m.Uids, m.Mode, m.Flags, m.Keywords, m.UnchangedSince);
        var events = new List<FolderEvent>();
        if (result.Changed.Count > 0)
        {
            var change = new FlagsChanged(result.Changed, result.HighestModSeq);
            if (_open.TryGetValue(m.FolderId, out var folder)) folder.Apply(change);
            events.Add(new FolderEvent(m.FolderId, change));
        }
        return (new FlagsStored(m.FolderId, result.Changed, result.Modified, result.HighestModSeq), events);
    }

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> Copy(CopyMessages m, IActorRef requester)
    {
        if (!await Owns(m.FolderId)) return Fail(AccountFailure.NonExistent, "No such mailbox");
        var target = await _store.GetFolderAsync(_owner, m.TargetName);
        if (target is null || target.NoSelect) return Fail(AccountFailure.TryCreate, "Target mailbox does not exist");
        var result = await _store.CopyAsync(m.FolderId, m.Uids, target.Id);
        var changes = new List<FolderEvent>();
        if (result.Mapping.Count > 0 && _open.TryGetValue(target.Id, out var folder))
            changes.Add(new FolderEvent(target.Id, await SyncNewMessages(folder)));
        return Reply(new MessagesCopied(m.FolderId, target.Id, result.TargetUidValidity, result.Mapping, changes));
    }

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> Move(MoveMessages m, IActorRef requester)
    {
        if (!await Owns(m.FolderId)) return Fail(AccountFailure.NonExistent, "No such mailbox");
        var target = await _store.GetFolderAsync(_owner, m.TargetName);
        if (target is null || target.NoSelect) return Fail(AccountFailure.TryCreate, "Target mailbox does not exist");
        var result = await _store.MoveAsync(m.FolderId, m.Uids, target.Id);
        // Read the target's new messages before the source's modseq moves on (they may be one folder).
        FolderEvent? added = null;
        if (result.Copy.Mapping.Count > 0 && _open.TryGetValue(target.Id, out var targetFolder))
            added = new FolderEvent(target.Id, await SyncNewMessages(targetFolder));
        var changes = new List<FolderEvent>();
        var expunged = result.ExpungedUids.Order().ToArray();
        if (expunged.Length > 0)
        {
            var removed = new MessagesRemoved(expunged, result.SourceHighestModSeq);
            if (_open.TryGetValue(m.FolderId, out var source)) source.Apply(removed);
            changes.Add(new FolderEvent(m.FolderId, removed));
        }
        if (added is not null) changes.Add(added);
        return Reply(new MessagesMoved(m.FolderId, target.Id, result.Copy.TargetUidValidity, result.Copy.Mapping, expunged, changes));
    }

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> DoExpunge(Expunge m, IActorRef requester)
    {
        if (!await Owns(m.FolderId)) return Fail(AccountFailure.NonExistent, "No such mailbox");
        var result = await _store.ExpungeAsync(m.FolderId, m.Uids);
        var uids = result.ExpungedUids.Order().ToArray();
        var changes = new List<FolderEvent>();
        if (uids.Length > 0)
        {
            var removed = new MessagesRemoved(uids, result.HighestModSeq);
            if (_open.TryGetValue(m.FolderId, out var folder)) folder.Apply(removed);
            changes.Add(new FolderEvent(m.FolderId, removed));
        }
        return Reply(new Expunged(m.FolderId, uids, result.HighestModSeq, changes));
    }

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> Create(CreateFolder m, IActorRef requester)
    {
        var info = await _store.CreateFolderAsync(_owner, m.Name, m.SpecialUse);
        return (new FolderCreated(info.Id, info.Name, info.MailboxId), []);
    }

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> Delete(DeleteFolder m, IActorRef requester)
    {
        var info = await _store.GetFolderAsync(_owner, m.Name);
        if (info is null) return Fail(AccountFailure.NonExistent, "No such mailbox");
        await _store.DeleteFolderAsync(_owner, m.Name);
        // Deleted, or emptied into \Noselect because it has children: either way not selectable.
        IReadOnlyList<FolderEvent> changes = _open.ContainsKey(info.Id) ? [new FolderEvent(info.Id, new FolderRemoved())] : [];
        return Reply(new FolderDeleted(info.Name, changes));
    }

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> Rename(RenameFolder m, IActorRef requester)
    {
        var info = await _store.GetFolderAsync(_owner, m.OldName);
        if (info is null) return Fail(AccountFailure.NonExistent, "No such mailbox");
        await _store.RenameFolderAsync(_owner, m.OldName, m.NewName);
        var changes = new List<FolderEvent>();
        if (string.Equals(info.Name, "INBOX", StringComparison.Ordinal))
        {
            // RFC 9051 §6.3.6: renaming INBOX moves its messages out and leaves it empty.
            if (_open.TryGetValue(info.Id, out var inbox) && inbox.Count > 0)
            {
                var after = await _store.GetFolderAsync(info.Id);
                var removed = new MessagesRemoved(inbox.Uids(), after?.HighestModSeq ?? inbox.HighestModSeq);
                inbox.Apply(removed);
                changes.Add(new FolderEvent(info.Id, removed));
            }
        }
        else
        {
            // Children move with their parent; their ids, UIDs and selections stay.
            foreach (var folder in _open.Values)
            {
                if (folder.Name == info.Name) folder.Name = m.NewName;
                else if (folder.Name.StartsWith(info.Name + "/", StringComparison.Ordinal))
                    folder.Name = m.NewName + folder.Name[info.Name.Length..];
            }
        }
        return Reply(new FolderRenamed(info.Name, m.NewName, changes));
    }

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> Subscribe(SetSubscribed m, IActorRef requester)
    {
        await _store.SetSubscribedAsync(_owner, m.Name, m.Subscribed);
        return (new SubscriptionChanged(m.Name, m.Subscribed), []);
    }

    /// <summary>
    /// Folder ids come from snapshots this actor sent, but the store does not check owners: make
    /// sure no command touches a folder of another account. Open folders are ours by construction.
    /// </summary>
    private async Task<bool> Owns(long folderId) =>
        _open.ContainsKey(folderId) || (await _store.GetFolderAsync(folderId))?.Owner == _owner;

    /// <summary>
    /// Reads what was added to an open folder by the commit that just completed (every message
    /// above the cached HIGHESTMODSEQ not yet known) and applies it to the cache.
    /// </summary>
    private async Task<MessagesAdded> SyncNewMessages(OpenFolder folder)
    {
        var changed = await _store.GetChangedSinceAsync(folder.Id, folder.HighestModSeq);
        var added = changed.Where(r => !folder.Contains(r.Uid)).OrderBy(r => r.Uid).ToArray();
        uint uidNext = added.Length > 0 ? Math.Max(folder.UidNext, added[^1].Uid + 1) : folder.UidNext;
        ulong highest = changed.Count > 0 ? Math.Max(folder.HighestModSeq, changed.Max(r => r.ModSeq)) : folder.HighestModSeq;
        var change = new MessagesAdded(added, uidNext, highest);
        folder.Apply(change);
        return change;
    }

    private void Notify(IReadOnlyList<FolderEvent> events, IActorRef requester)
    {
        foreach (var ev in events)
        {
            if (!_open.TryGetValue(ev.FolderId, out var folder)) continue;
            foreach (var session in folder.Subscribers)
                if (!session.Equals(requester)) session.Tell(ev, Self);
            if (ev.Change is FolderRemoved)
            {
                foreach (var session in folder.Subscribers.ToArray()) Leave(session);
                _open.Remove(ev.FolderId);
                _unselected.Remove(ev.FolderId);
            }
        }
    }

    private void Leave(IActorRef session)
    {
        if (!_selectedBy.Remove(session, out var id)) return;
        Context.Unwatch(session);
        UpdateIdleTimer();
        if (_open.TryGetValue(id, out var folder))
        {
            folder.Subscribers.Remove(session);
            if (folder.Subscribers.Count == 0) KeepUnselected(folder);
        }
    }

    /// <summary>The last session left <paramref name="folder"/>: keep it loaded within the budget.</summary>
    private void KeepUnselected(OpenFolder folder)
    {
        _unselected.Remove(folder.Id);
        _unselected.AddLast(folder.Id);
        TrimUnselected();
    }

    /// <summary>Drops the least recently left unselected folders until the rest fit <c>cache.unselected-messages</c>.</summary>
    private void TrimUnselected()
    {
        if (_unselected.Count == 0)
        {
            return;
        }
        long kept = 0;
        foreach (var id in _unselected) kept += _open[id].Count;
        while ((kept > _unselectedMessages || _unselectedMessages == 0) && _unselected.First is { } oldest)
        {
            kept -= _open[oldest.Value].Count;
            _open.Remove(oldest.Value);
            _unselected.RemoveFirst();
        }
    }
}
