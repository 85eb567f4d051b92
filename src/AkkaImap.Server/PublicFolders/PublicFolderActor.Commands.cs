using Akka.Actor;
using AkkaImap.Server.Accounts;
using AkkaImap.Storage;

namespace AkkaImap.Server.PublicFolders;

// The commands: each returns the reply (as the requester sees it) and the shared events for the others.
public sealed partial class PublicFolderActor
{
    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> Select(PublicFolderEnvelope e)
    {
        var m = (SelectFolder)e.Command;
        // RFC 9051 §6.3.2: SELECT closes the selected mailbox first, even when it then fails.
        Leave(e.Session);
        var info = await _store.GetFolderAsync(_owner, m.Name);
        if (info is null) return Fail(AccountFailure.NonExistent, "No such mailbox");
        if (info.NoSelect) return Fail(AccountFailure.Cannot, "Mailbox is not selectable");
        if (!_open.TryGetValue(info.Id, out var open))
        {
            var rows = ReaderFlags.Shared(await _store.GetMessageFlagsAsync(info.Id));
            open = (new OpenFolder(info, rows), new ReaderFlags());
            _open.Add(info.Id, open);
        }
        else
        {
            open.Folder.Name = info.Name;
        }
        if (!open.Readers.Has(e.AccountId)) open.Readers.Load(e.AccountId, await _store.GetSeenUidsAsync(info.Id, e.AccountId));
        if (!e.Session.IsNobody())
        {
            open.Folder.Subscribers.Add(e.Session);
            _selectedBy[e.Session] = (info.Id, e.AccountId);
            Context.Watch(e.Session);
        }
        // A read-only public folder is selected read-only, whatever the client asked (RFC 9051 §6.3.2 [READ-ONLY]).
        var snapshot = open.Folder.Snapshot(m.ReadOnly || info.ReadOnly);
        snapshot = snapshot with { Name = PublicFolderNames.Full(info.Name), Messages = open.Readers.For(e.AccountId, snapshot.Messages) };
        if (open.Folder.Subscribers.Count == 0) _open.Remove(info.Id);
        return (new FolderSelected(snapshot), []);
    }

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> Append(PublicFolderEnvelope e)
    {
        var m = (AppendMessages)e.Command;
        var info = await _store.GetFolderAsync(_owner, m.FolderName);
        if (info is null || info.NoSelect) return Fail(AccountFailure.TryCreate, "Mailbox does not exist");
        if (info.ReadOnly) return Denied(info.Name);
        // \Seen is the appender's own mark, not a shared flag.
        var requests = m.Messages.Select(r => r with { Flags = r.Flags & ~MessageFlags.Seen }).ToArray();
        var result = await _store.AppendAsync(info.Id, requests);
        var seenUids = result.Uids.Where((_, i) => (m.Messages[i].Flags & MessageFlags.Seen) != 0).ToArray();
        if (seenUids.Length > 0)
        {
            var seen = await _store.StoreReaderFlagsAsync(info.Id, e.AccountId, seenUids, StoreMode.Add, MessageFlags.Seen);
            if (_open.TryGetValue(info.Id, out var o)) o.Readers.Record(e.AccountId, seen.Changed);
        }
        var changes = new List<FolderEvent>();
        if (_open.TryGetValue(info.Id, out var open)) changes.Add(new FolderEvent(info.Id, await SyncNewMessages(open.Folder)));
        var rows = new MessageFlagState[result.Uids.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = open.Folder is { } folder && folder.TryGet(result.Uids[i], out var exact)
                ? open.Readers.For(e.AccountId, exact)
                : new MessageFlagState(result.Uids[i], m.Messages[i].Flags, m.Messages[i].Keywords ?? [], result.ModSeq);
        }
        return (new MessagesAppended(info.Id, result.UidValidity, rows, ForReader(e.AccountId, changes)), changes);
    }

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> Store(PublicFolderEnvelope e)
    {
        var m = (StoreFlags)e.Command;
        if (await Ours(m.FolderId) is not { } info) return Fail(AccountFailure.NonExistent, "No such mailbox");
        if (info.ReadOnly) return Denied(info.Name);
        var result = await _store.StoreReaderFlagsAsync(m.FolderId, e.AccountId, m.Uids, m.Mode, m.Flags, m.Keywords, m.UnchangedSince);
        var events = new List<FolderEvent>();
        if (result.Changed.Count > 0)
        {
            var change = new FlagsChanged(ReaderFlags.Shared(result.Changed), result.HighestModSeq);
            if (_open.TryGetValue(m.FolderId, out var open))
            {
                open.Readers.Record(e.AccountId, result.Changed);
                open.Folder.Apply(change);
            }
            events.Add(new FolderEvent(m.FolderId, change));
        }
        return (new FlagsStored(m.FolderId, result.Changed, result.Modified, result.HighestModSeq), events);
    }

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> DoExpunge(PublicFolderEnvelope e)
    {
        var m = (Expunge)e.Command;
        if (await Ours(m.FolderId) is not { } info) return Fail(AccountFailure.NonExistent, "No such mailbox");
        if (info.ReadOnly) return Denied(info.Name);
        var result = await _store.ExpungeAsync(m.FolderId, m.Uids);
        var uids = result.ExpungedUids.Order().ToArray();
        var changes = new List<FolderEvent>();
        if (uids.Length > 0)
        {
            Removed(m.FolderId, uids, result.HighestModSeq, changes);
        }
        return (new Expunged(m.FolderId, uids, result.HighestModSeq, changes), changes);
    }

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> MovedOut(PublicFolderEnvelope e)
    {
        var m = (ExpungeMovedOut)e.Command;
        if (await Ours(m.FolderId) is not { } info) return Fail(AccountFailure.NonExistent, "No such mailbox");
        if (info.ReadOnly) return Denied(info.Name);
        var result = await _store.RemoveMessagesAsync(m.FolderId, m.Uids);
        var changes = new List<FolderEvent>();
        if (result.ExpungedUids.Count > 0) Removed(m.FolderId, [.. result.ExpungedUids], result.HighestModSeq, changes);
        return (new Expunged(m.FolderId, result.ExpungedUids, result.HighestModSeq, changes), changes);
    }

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> Copy(PublicFolderEnvelope e)
    {
        var m = (CopyMessages)e.Command;
        if (await Ours(m.FolderId) is null) return Fail(AccountFailure.NonExistent, "No such mailbox");
        return await CopyInto(e.AccountId, m.FolderId, m.Uids, m.TargetName);
    }

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> CopyIn(PublicFolderEnvelope e)
    {
        var m = (CopyIntoPublic)e.Command;
        // Only the reader's own folders may be the source: folder ids are not secrets to trust.
        var source = await _store.GetFolderAsync(m.SourceFolderId);
        if (source is null || source.Owner != MailboxOwner.ForAccount(e.AccountId)) return Fail(AccountFailure.NonExistent, "No such mailbox");
        return await CopyInto(e.AccountId, m.SourceFolderId, m.Uids, m.TargetName);
    }

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> CopyInto(long accountId, long sourceId, IReadOnlyList<uint> uids, string targetName)
    {
        var target = await _store.GetFolderAsync(_owner, targetName);
        if (target is null || target.NoSelect) return Fail(AccountFailure.TryCreate, "Target mailbox does not exist");
        if (target.ReadOnly) return Denied(target.Name);
        var result = await _store.CopyAsync(sourceId, uids, target.Id);
        await CarrySeen(accountId, sourceId, result.Mapping, target.Id);
        var changes = new List<FolderEvent>();
        if (result.Mapping.Count > 0 && _open.TryGetValue(target.Id, out var open))
            changes.Add(new FolderEvent(target.Id, await SyncNewMessages(open.Folder)));
        return (new MessagesCopied(sourceId, target.Id, result.TargetUidValidity, result.Mapping, ForReader(accountId, changes)), changes);
    }

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> Move(PublicFolderEnvelope e)
    {
        var m = (MoveMessages)e.Command;
        if (await Ours(m.FolderId) is not { } source) return Fail(AccountFailure.NonExistent, "No such mailbox");
        if (source.ReadOnly) return Denied(source.Name);
        var target = await _store.GetFolderAsync(_owner, m.TargetName);
        if (target is null || target.NoSelect) return Fail(AccountFailure.TryCreate, "Target mailbox does not exist");
        if (target.ReadOnly) return Denied(target.Name);
        var seenBefore = await _store.GetSeenUidsAsync(m.FolderId, e.AccountId);
        var result = await _store.MoveAsync(m.FolderId, m.Uids, target.Id);
        await CarrySeen(e.AccountId, seenBefore, result.Copy.Mapping, target.Id);
        FolderEvent? added = null;
        if (result.Copy.Mapping.Count > 0 && _open.TryGetValue(target.Id, out var targetOpen))
            added = new FolderEvent(target.Id, await SyncNewMessages(targetOpen.Folder));
        var changes = new List<FolderEvent>();
        var expunged = result.ExpungedUids.Order().ToArray();
        if (expunged.Length > 0) Removed(m.FolderId, expunged, result.SourceHighestModSeq, changes);
        if (added is not null) changes.Add(added);
        return (new MessagesMoved(m.FolderId, target.Id, result.Copy.TargetUidValidity, result.Copy.Mapping, expunged,
            ForReader(e.AccountId, changes)), changes);
    }

    private async Task<(IAccountReply, IReadOnlyList<FolderEvent>)> Create(PublicFolderEnvelope e)
    {
        var m = (CreateFolder)e.Command;
        if (!_options.UserCreate) return (new PublicFolderDenied("Public folders are created by the administrator"), []);
        var info = await _store.CreateFolderAsync(_owner, m.Name, m.SpecialUse);
        return (new FolderCreated(info.Id, PublicFolderNames.Full(info.Name), info.MailboxId), []);
    }

    // ---- helpers ----

    /// <summary>
    /// The copier's \Seen goes with its copies (its own mark in a public source, the flag in its own
    /// folder); other readers start unseen, as with any new message.
    /// </summary>
    private async Task CarrySeen(long accountId, long sourceId, IReadOnlyList<UidMapping> mapping, long targetId)
    {
        if (mapping.Count == 0) return;
        var source = await _store.GetFolderAsync(sourceId);
        IReadOnlyCollection<uint> seen = source?.Owner == _owner
            ? await _store.GetSeenUidsAsync(sourceId, accountId)
            : (await _store.GetMessageFlagsAsync(sourceId)).Where(r => (r.Flags & MessageFlags.Seen) != 0).Select(r => r.Uid).ToHashSet();
        await CarrySeen(accountId, seen, mapping, targetId);
    }

    private async Task CarrySeen(long accountId, IReadOnlyCollection<uint> seenInSource, IReadOnlyList<UidMapping> mapping, long targetId)
    {
        var set = seenInSource as ISet<uint> ?? seenInSource.ToHashSet();
        var targets = mapping.Where(m => set.Contains(m.SourceUid)).Select(m => m.TargetUid).ToArray();
        if (targets.Length == 0) return;
        var stored = await _store.StoreReaderFlagsAsync(targetId, accountId, targets, StoreMode.Add, MessageFlags.Seen);
        if (_open.TryGetValue(targetId, out var open)) open.Readers.Record(accountId, stored.Changed);
    }

    /// <summary>The folder when it is one of this post office's (ids come from snapshots, but check).</summary>
    private async Task<FolderInfo?> Ours(long folderId)
    {
        var info = await _store.GetFolderAsync(folderId);
        return info?.Owner == _owner ? info : null;
    }

    private void Removed(long folderId, uint[] uids, ulong highestModSeq, List<FolderEvent> changes)
    {
        var removed = new MessagesRemoved(uids, highestModSeq);
        if (_open.TryGetValue(folderId, out var open))
        {
            open.Folder.Apply(removed);
            open.Readers.Forget(uids);
        }
        changes.Add(new FolderEvent(folderId, removed));
    }

    /// <summary>What the commit that just completed added to an open folder, in shared form; applied to the cache.</summary>
    private async Task<MessagesAdded> SyncNewMessages(OpenFolder folder)
    {
        var changed = ReaderFlags.Shared(await _store.GetChangedSinceAsync(folder.Id, folder.HighestModSeq));
        var added = changed.Where(r => !folder.Contains(r.Uid)).OrderBy(r => r.Uid).ToArray();
        uint uidNext = added.Length > 0 ? Math.Max(folder.UidNext, added[^1].Uid + 1) : folder.UidNext;
        ulong highest = changed.Count > 0 ? Math.Max(folder.HighestModSeq, changed.Max(r => r.ModSeq)) : folder.HighestModSeq;
        var change = new MessagesAdded(added, uidNext, highest);
        folder.Apply(change);
        return change;
    }
}
