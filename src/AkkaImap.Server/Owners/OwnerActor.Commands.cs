using Akka.Actor;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.PublicFolders;
using AkkaImap.Storage;

namespace AkkaImap.Server.Owners;

// The commands: each returns the reply (as the requester's reader sees it) and the committed
// changes in shared form, which Run sends to the other subscribers.
public sealed partial class OwnerActor
{
    private static (object, IReadOnlyList<FolderEvent>) Fail(AccountFailure code, string text) =>
        (new AccountCommandFailed(code, text), []);

    private static (object, IReadOnlyList<FolderEvent>) Refused(IAccountReply refusal) => (refusal, []);

    private async Task<(object, IReadOnlyList<FolderEvent>)> Select(OwnerRequest r, IActorRef requester)
    {
        var m = (SelectFolder)r.Command;
        // RFC 9051 §6.3.2: SELECT closes the selected mailbox first, even when it then fails.
        Leave(requester);
        var info = await _store.GetFolderAsync(_owner, m.Name);
        if (info is null) return Fail(AccountFailure.NonExistent, "No such mailbox");
        if (info.NoSelect) return Fail(AccountFailure.Cannot, "Mailbox is not selectable");
        await EnsureLoaded(info, r.ReaderId);
        // A read-only public folder is selected read-only, whatever the client asked (RFC 9051 §6.3.2 [READ-ONLY]).
        bool readOnly = m.ReadOnly || info.ReadOnly;
        // RFC 3501 §2.3.2: only a read-write session takes \Recent away from later sessions.
        var recent = readOnly && m.Recent == RecentMode.Claim ? RecentMode.See : m.Recent;
        if (!requester.IsNobody()) Subscribe(requester, r.ReaderId, info.Id, recent);
        var snapshot = _state.Snapshot(r.ReaderId, info.Id, readOnly, _policy.DisplayName(info.Name), recent);
        if (recent == RecentMode.Claim && _state.ClaimAll(info.Id) is { } firstRecent) await PersistRecentAsync(info.Id, firstRecent);
        return (new FolderSelected(snapshot), []);
    }

    /// <summary>
    /// A session whose owner stopped subscribes again: it is told every change committed above the
    /// MODSEQ it knows (expunged UIDs, then every message changed or added, which its view sorts out).
    /// </summary>
    private async Task<(object, IReadOnlyList<FolderEvent>)> Resubscribing(OwnerRequest r, IActorRef requester)
    {
        var m = (Resubscribe)r.Command;
        Leave(requester);
        var info = await Ours(m.FolderId);
        if (info is null || info.NoSelect) return (new Resubscribed(m.FolderId, [new FolderRemoved()]), []);
        await EnsureLoaded(info, r.ReaderId);
        Subscribe(requester, r.ReaderId, info.Id, m.Recent);
        var changed = await _store.GetChangedSinceAsync(info.Id, m.SinceModSeq);
        var vanished = await _store.GetVanishedSinceAsync(info.Id, m.SinceModSeq);
        var folder = _state.Folder(info.Id)!;
        var rows = changed.OrderBy(row => row.Uid).Select(row => _state.ForReader(r.ReaderId, info.Id, row)).ToArray();
        if (m.Recent != RecentMode.None)
        {
            // Messages that arrived while the session was away and nobody claimed are recent for it.
            rows = OwnerState<IActorRef>.MarkRecent(rows, folder.FirstRecentUid);
            if (m.Recent == RecentMode.Claim && _state.ClaimAll(info.Id) is { } firstRecent) await PersistRecentAsync(info.Id, firstRecent);
        }
        return (new Resubscribed(info.Id,
        [
            new MessagesRemoved(vanished, folder.HighestModSeq),
            new MessagesAdded(rows, folder.UidNext, folder.HighestModSeq),
            new FlagsChanged(rows, folder.HighestModSeq),
        ]), []);
    }

    private async Task<(object, IReadOnlyList<FolderEvent>)> Append(OwnerRequest r, IActorRef requester)
    {
        var m = (AppendMessages)r.Command;
        var info = await _store.GetFolderAsync(_owner, m.FolderName);
        if (info is null || info.NoSelect) return Fail(AccountFailure.TryCreate, "Mailbox does not exist");
        if (_policy.RefuseWrite(info) is { } refusal) return Refused(refusal);
        // With per-reader \Seen, \Seen is the appender's own mark, not a shared flag.
        var requests = _policy.PerReaderSeen ? [.. m.Messages.Select(q => q with { Flags = q.Flags & ~MessageFlags.Seen })] : m.Messages;
        var result = await _store.AppendAsync(info.Id, requests);
        if (_policy.PerReaderSeen)
        {
            var seenUids = result.Uids.Where((_, i) => (m.Messages[i].Flags & MessageFlags.Seen) != 0).ToArray();
            if (seenUids.Length > 0)
            {
                var seen = await _store.StoreReaderFlagsAsync(info.Id, r.ReaderId, seenUids, StoreMode.Add, MessageFlags.Seen);
                _state.RecordSeen(info.Id, r.ReaderId, seen.Changed);
            }
        }
        var changes = new List<FolderEvent>();
        if (_state.IsLoaded(info.Id)) changes.Add(new FolderEvent(info.Id, await SyncNewMessages(info.Id)));
        // Exact rows as stored when the folder is loaded; otherwise as requested (nobody has it selected).
        var folder = _state.Folder(info.Id);
        var rows = new MessageFlagState[result.Uids.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = folder is not null && folder.TryGet(result.Uids[i], out var exact)
                ? _state.ForReader(r.ReaderId, info.Id, exact)
                : new MessageFlagState(result.Uids[i], m.Messages[i].Flags, m.Messages[i].Keywords ?? [], result.ModSeq);
        }
        return (new MessagesAppended(info.Id, result.UidValidity, rows, _state.ForReader(r.ReaderId, changes)), changes);
    }

    private async Task<(object, IReadOnlyList<FolderEvent>)> Store(OwnerRequest r, IActorRef requester)
    {
        var m = (StoreFlags)r.Command;
        if (await Writable(m.FolderId) is { } refused) return refused;
        var result = _policy.PerReaderSeen
            ? await _store.StoreReaderFlagsAsync(m.FolderId, r.ReaderId, m.Uids, m.Mode, m.Flags, m.Keywords, m.UnchangedSince)
            : await _store.StoreFlagsAsync(m.FolderId, m.Uids, m.Mode, m.Flags, m.Keywords, m.UnchangedSince);
        var events = new List<FolderEvent>();
        if (result.Changed.Count > 0)
        {
            var change = new FlagsChanged(Shared(result.Changed), result.HighestModSeq);
            _state.RecordSeen(m.FolderId, r.ReaderId, result.Changed);
            _state.Apply(m.FolderId, change);
            events.Add(new FolderEvent(m.FolderId, change));
        }
        return (new FlagsStored(m.FolderId, result.Changed, result.Modified, result.HighestModSeq), events);
    }

    private async Task<(object, IReadOnlyList<FolderEvent>)> DoExpunge(OwnerRequest r, IActorRef requester)
    {
        var m = (Expunge)r.Command;
        if (await Writable(m.FolderId) is { } refused) return refused;
        return Removed(r.ReaderId, m.FolderId, await _store.ExpungeAsync(m.FolderId, m.Uids));
    }

    /// <summary>The second half of a MOVE out of a public folder: exactly these UIDs go, whatever their flags.</summary>
    private async Task<(object, IReadOnlyList<FolderEvent>)> MovedOut(OwnerRequest r, IActorRef requester)
    {
        var m = (ExpungeMovedOut)r.Command;
        if (await Writable(m.FolderId) is { } refused) return refused;
        return Removed(r.ReaderId, m.FolderId, await _store.RemoveMessagesAsync(m.FolderId, m.Uids));
    }

    private (object, IReadOnlyList<FolderEvent>) Removed(long readerId, long folderId, ExpungeResult result)
    {
        var uids = result.ExpungedUids.Order().ToArray();
        var changes = new List<FolderEvent>();
        if (uids.Length > 0)
        {
            var removed = new MessagesRemoved(uids, result.HighestModSeq);
            _state.Apply(folderId, removed);
            changes.Add(new FolderEvent(folderId, removed));
        }
        return (new Expunged(folderId, uids, result.HighestModSeq, _state.ForReader(readerId, changes)), changes);
    }

    private async Task<(object, IReadOnlyList<FolderEvent>)> Copy(OwnerRequest r, IActorRef requester)
    {
        var m = (CopyMessages)r.Command;
        if (!await Owns(m.FolderId)) return Fail(AccountFailure.NonExistent, "No such mailbox");
        return await CopyInto(r.ReaderId, m.FolderId, m.Uids, m.TargetName);
    }

    /// <summary>COPY from a folder of the reader's own account into one of these (public) folders.</summary>
    private async Task<(object, IReadOnlyList<FolderEvent>)> CopyIn(OwnerRequest r, IActorRef requester)
    {
        var m = (CopyIntoPublic)r.Command;
        // Only the reader's own folders may be the source: folder ids are not secrets to trust.
        var source = await _store.GetFolderAsync(m.SourceFolderId);
        if (!_policy.PerReaderSeen || source is null || source.Owner != MailboxOwner.ForAccount(r.ReaderId))
            return Fail(AccountFailure.NonExistent, "No such mailbox");
        return await CopyInto(r.ReaderId, m.SourceFolderId, m.Uids, m.TargetName);
    }

    private async Task<(object, IReadOnlyList<FolderEvent>)> CopyInto(long readerId, long sourceId, IReadOnlyList<uint> uids, string targetName)
    {
        var target = await _store.GetFolderAsync(_owner, targetName);
        if (target is null || target.NoSelect) return Fail(AccountFailure.TryCreate, "Target mailbox does not exist");
        if (_policy.RefuseWrite(target) is { } refusal) return Refused(refusal);
        var result = await _store.CopyAsync(sourceId, uids, target.Id);
        if (_policy.PerReaderSeen) await CarrySeen(readerId, await SeenIn(readerId, sourceId), result.Mapping, target.Id);
        var changes = new List<FolderEvent>();
        if (result.Mapping.Count > 0 && _state.IsLoaded(target.Id))
            changes.Add(new FolderEvent(target.Id, await SyncNewMessages(target.Id)));
        return (new MessagesCopied(sourceId, target.Id, result.TargetUidValidity, result.Mapping, _state.ForReader(readerId, changes)), changes);
    }

    private async Task<(object, IReadOnlyList<FolderEvent>)> Move(OwnerRequest r, IActorRef requester)
    {
        var m = (MoveMessages)r.Command;
        if (await Writable(m.FolderId) is { } refused) return refused;
        var target = await _store.GetFolderAsync(_owner, m.TargetName);
        if (target is null || target.NoSelect) return Fail(AccountFailure.TryCreate, "Target mailbox does not exist");
        if (_policy.RefuseWrite(target) is { } refusal) return Refused(refusal);
        var seenBefore = _policy.PerReaderSeen ? await SeenIn(r.ReaderId, m.FolderId) : null;
        var result = await _store.MoveAsync(m.FolderId, m.Uids, target.Id);
        if (seenBefore is not null) await CarrySeen(r.ReaderId, seenBefore, result.Copy.Mapping, target.Id);
        // Read the target's new messages before the source's modseq moves on (they may be one folder).
        FolderEvent? added = null;
        if (result.Copy.Mapping.Count > 0 && _state.IsLoaded(target.Id))
            added = new FolderEvent(target.Id, await SyncNewMessages(target.Id));
        var changes = new List<FolderEvent>();
        var expunged = result.ExpungedUids.Order().ToArray();
        if (expunged.Length > 0)
        {
            var removed = new MessagesRemoved(expunged, result.SourceHighestModSeq);
            _state.Apply(m.FolderId, removed);
            changes.Add(new FolderEvent(m.FolderId, removed));
        }
        if (added is not null) changes.Add(added);
        return (new MessagesMoved(m.FolderId, target.Id, result.Copy.TargetUidValidity, result.Copy.Mapping, expunged,
            _state.ForReader(r.ReaderId, changes)), changes);
    }

    private async Task<(object, IReadOnlyList<FolderEvent>)> Create(OwnerRequest r, IActorRef requester)
    {
        var m = (CreateFolder)r.Command;
        if (_policy.RefuseCreate() is { } refusal) return Refused(refusal);
        var folders = await _store.ListFoldersAsync(_owner);
        if (folders.Count >= _maxFolders)
            return Fail(AccountFailure.Limit, $"No more than {_maxFolders} folders (limits.max-folders)");
        // A folder the operator made read-only takes no children either (they could never be removed by users).
        foreach (var parent in folders)
        {
            if (m.Name.StartsWith(parent.Name + "/", StringComparison.Ordinal) && _policy.RefuseWrite(parent) is { } readOnly)
                return Refused(readOnly);
        }
        var info = await _store.CreateFolderAsync(_owner, m.Name, m.SpecialUse);
        return (new FolderCreated(info.Id, _policy.DisplayName(info.Name), info.MailboxId), []);
    }

    private async Task<(object, IReadOnlyList<FolderEvent>)> Delete(OwnerRequest r, IActorRef requester)
    {
        var m = (DeleteFolder)r.Command;
        if (_policy.RefuseManage() is { } refusal) return Refused(refusal);
        var info = await _store.GetFolderAsync(_owner, m.Name);
        if (info is null) return Fail(AccountFailure.NonExistent, "No such mailbox");
        await _store.DeleteFolderAsync(_owner, m.Name);
        // Deleted, or emptied into \Noselect because it has children: either way not selectable.
        IReadOnlyList<FolderEvent> changes = _state.IsLoaded(info.Id) ? [new FolderEvent(info.Id, new FolderRemoved())] : [];
        return (new FolderDeleted(info.Name, changes), changes);
    }

    private async Task<(object, IReadOnlyList<FolderEvent>)> Rename(OwnerRequest r, IActorRef requester)
    {
        var m = (RenameFolder)r.Command;
        if (_policy.RefuseManage() is { } refusal) return Refused(refusal);
        var info = await _store.GetFolderAsync(_owner, m.OldName);
        if (info is null) return Fail(AccountFailure.NonExistent, "No such mailbox");
        await _store.RenameFolderAsync(_owner, m.OldName, m.NewName);
        var changes = new List<FolderEvent>();
        if (string.Equals(info.Name, "INBOX", StringComparison.Ordinal))
        {
            // RFC 9051 §6.3.6: renaming INBOX moves its messages out and leaves it empty.
            if (_state.Folder(info.Id) is { Count: > 0 } inbox)
            {
                var after = await _store.GetFolderAsync(info.Id);
                var removed = new MessagesRemoved(inbox.Uids(), after?.HighestModSeq ?? inbox.HighestModSeq);
                _state.Apply(info.Id, removed);
                changes.Add(new FolderEvent(info.Id, removed));
            }
        }
        else
        {
            // Children move with their parent; their ids, UIDs and selections stay.
            _state.Rename(info.Name, m.NewName);
        }
        return (new FolderRenamed(info.Name, m.NewName, changes), changes);
    }

    private async Task<(object, IReadOnlyList<FolderEvent>)> Subscribe(OwnerRequest r, IActorRef requester)
    {
        var m = (SetSubscribed)r.Command;
        if (_policy.RefuseManage() is { } refusal) return Refused(refusal);
        await _store.SetSubscribedAsync(_owner, m.Name, m.Subscribed);
        return (new SubscriptionChanged(m.Name, m.Subscribed), []);
    }

    // ---- helpers ----

    /// <summary>Loads the folder (and the reader's \Seen marks where they are its own) unless loaded.</summary>
    private async Task EnsureLoaded(FolderInfo info, long readerId)
    {
        if (_state.Folder(info.Id) is { } loaded) loaded.Name = info.Name;
        else _state.Load(info, await _store.GetMessageFlagsAsync(info.Id));
        if (!_state.HasReader(info.Id, readerId)) _state.LoadReader(info.Id, readerId, await _store.GetSeenUidsAsync(info.Id, readerId));
    }

    /// <summary>The folder when it is one of this owner's (ids come from snapshots, but the store does not check owners).</summary>
    private async Task<FolderInfo?> Ours(long folderId)
    {
        var info = await _store.GetFolderAsync(folderId);
        return info?.Owner == _owner ? info : null;
    }

    /// <summary>A loaded folder is ours by construction; otherwise ask the store.</summary>
    private async Task<bool> Owns(long folderId) => _state.IsLoaded(folderId) || await Ours(folderId) is not null;

    /// <summary>Null when the folder is ours and may be changed; otherwise the reply that refuses.</summary>
    private async Task<(object, IReadOnlyList<FolderEvent>)?> Writable(long folderId)
    {
        // Without a per-folder refusal (an account's own folders) a loaded folder needs no look-up.
        if (!_policy.PerReaderSeen && _state.IsLoaded(folderId)) return null;
        var info = await Ours(folderId);
        if (info is null) return Fail(AccountFailure.NonExistent, "No such mailbox");
        return _policy.RefuseWrite(info) is { } refusal ? Refused(refusal) : null;
    }

    /// <summary>What the commit that just completed added to a loaded folder, in shared form; applied to the cache.</summary>
    private async Task<MessagesAdded> SyncNewMessages(long folderId)
    {
        var folder = _state.Folder(folderId)!;
        var added = folder.NewMessages(Shared(await _store.GetChangedSinceAsync(folderId, folder.HighestModSeq)));
        _state.Apply(folderId, added);
        return added;
    }

    /// <summary>The UIDs the reader has seen in a folder: its own marks in one of ours, the \Seen flag in its own folder.</summary>
    private async Task<IReadOnlyCollection<uint>> SeenIn(long readerId, long folderId)
    {
        var source = await _store.GetFolderAsync(folderId);
        return source?.Owner == _owner
            ? await _store.GetSeenUidsAsync(folderId, readerId)
            : (await _store.GetMessageFlagsAsync(folderId)).Where(row => (row.Flags & MessageFlags.Seen) != 0).Select(row => row.Uid).ToHashSet();
    }

    /// <summary>
    /// The copier's \Seen goes with its copies; other readers start unseen, as with any new message.
    /// </summary>
    private async Task CarrySeen(long readerId, IReadOnlyCollection<uint> seenInSource, IReadOnlyList<UidMapping> mapping, long targetId)
    {
        var set = seenInSource as ISet<uint> ?? seenInSource.ToHashSet();
        var targets = mapping.Where(pair => set.Contains(pair.SourceUid)).Select(pair => pair.TargetUid).ToArray();
        if (targets.Length == 0) return;
        var stored = await _store.StoreReaderFlagsAsync(targetId, readerId, targets, StoreMode.Add, MessageFlags.Seen);
        _state.RecordSeen(targetId, readerId, stored.Changed);
    }
}
