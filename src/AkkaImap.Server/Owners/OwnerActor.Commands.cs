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
        // RFC 4314 §4: SELECT and EXAMINE need r.
        var rights = await RightsIn(info, r.ReaderId);
        if (Lacking(info, rights, AclRight.Read) is { } denied) return denied;
        await EnsureLoaded(info, r.ReaderId);
        // A reader with none of the rights that change messages gets the folder read-only,
        // whatever the client asked (RFC 9051 §6.3.2 [READ-ONLY]).
        bool readOnly = m.ReadOnly || (rights & AclRights.Changes) == 0;
        // RFC 3501 §2.3.2: only a read-write session takes \Recent away from later sessions.
        var recent = readOnly && m.Recent == RecentMode.Claim ? RecentMode.See : m.Recent;
        if (!requester.IsNobody()) Subscribe(requester, r.ReaderId, info.Id, recent);
        var snapshot = _state.Snapshot(r.ReaderId, info.Id, readOnly, _policy.DisplayName(info.Name), recent) with { Rights = rights };
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
        // A reader whose r was revoked meanwhile may not follow the folder any more.
        if (info is null || info.NoSelect || ((await RightsIn(info, r.ReaderId)) & AclRight.Read) == 0)
            return (new Resubscribed(m.FolderId, [new FolderRemoved()]), []);
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
        // No removal when nothing vanished: a view holds what follows a removal while it may not
        // send EXPUNGE (no command running), so an empty one would hold back the new messages too.
        FolderChange[] catchUp =
        [
            new MessagesAdded(rows, folder.UidNext, folder.HighestModSeq),
            new FlagsChanged(rows, folder.HighestModSeq),
        ];
        return (new Resubscribed(info.Id, vanished.Count == 0 ? catchUp : [new MessagesRemoved(vanished, folder.HighestModSeq), .. catchUp]), []);
    }

    private async Task<(object, IReadOnlyList<FolderEvent>)> Append(OwnerRequest r, IActorRef requester)
    {
        var m = (AppendMessages)r.Command;
        var info = await _store.GetFolderAsync(_owner, m.FolderName);
        if (info is null || info.NoSelect) return Fail(AccountFailure.TryCreate, "Mailbox does not exist");
        // RFC 4314 §4: APPEND needs i; flags the reader may not set are dropped silently.
        var rights = await RightsIn(info, r.ReaderId);
        if (Lacking(info, rights, AclRight.Insert) is { } denied) return denied;
        if (rights != AclRight.All) m = m with { Messages = [.. m.Messages.Select(q => q with { Flags = Settable(rights, q.Flags), Keywords = (rights & AclRight.Write) != 0 ? q.Keywords : null })] };
        // With per-reader \Seen, \Seen is the appender's own mark, not a shared flag.
        var requests = _policy.PerReaderSeen ? [.. m.Messages.Select(q => q with { Flags = q.Flags & ~MessageFlags.Seen })] : m.Messages;
        // A session here will claim the new messages as \Recent (ClaimRecentAsync, once this returns):
        // the claim is stored with them, not in a commit of its own after theirs.
        var claimed = _state.Claimant(info.Id, requester) is not null;
        var result = await _store.AppendAsync(info.Id, requests, claimRecent: claimed);
        if (claimed && result.Uids.Count > 0) _recentStoredWith = (info.Id, result.Uids[^1] + 1);
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
        if (_state.IsLoaded(info.Id)) changes.Add(new FolderEvent(info.Id, Appended(info.Id, result) ?? await SyncNewMessages(info.Id)));
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
        if (await Writable(m.FolderId, r.ReaderId, NeededToStore(m)) is { } refused) return refused;
        var result = _policy.PerReaderSeen
            ? await _store.StoreReaderFlagsAsync(m.FolderId, r.ReaderId, m.Uids, m.Mode, m.Flags, m.Keywords, m.UnchangedSince)
            : await _store.StoreFlagsAsync(m.FolderId, m.Uids, m.Mode, m.Flags, m.Keywords, m.UnchangedSince);
        return Stored(r.ReaderId, m, result);
    }

    /// <summary>What a committed STORE changed: applied to the cache, the requester's reply and everyone's events.</summary>
    private (object, IReadOnlyList<FolderEvent>) Stored(long readerId, StoreFlags m, StoreResult result)
    {
        var events = new List<FolderEvent>();
        if (result.Changed.Count > 0)
        {
            var change = new FlagsChanged(Shared(result.Changed), result.HighestModSeq);
            _state.RecordSeen(m.FolderId, readerId, result.Changed);
            _state.Apply(m.FolderId, change);
            events.Add(new FolderEvent(m.FolderId, change));
        }
        return (new FlagsStored(m.FolderId, result.Changed, result.Modified, result.HighestModSeq), events);
    }

    private async Task<(object, IReadOnlyList<FolderEvent>)> DoExpunge(OwnerRequest r, IActorRef requester)
    {
        var m = (Expunge)r.Command;
        if (await Writable(m.FolderId, r.ReaderId, AclRight.Expunge) is { } refused) return refused;
        return Removed(r.ReaderId, m.FolderId, await _store.ExpungeAsync(m.FolderId, m.Uids));
    }

    /// <summary>The second half of a MOVE out of a public folder: exactly these UIDs go, whatever their flags.</summary>
    private async Task<(object, IReadOnlyList<FolderEvent>)> MovedOut(OwnerRequest r, IActorRef requester)
    {
        var m = (ExpungeMovedOut)r.Command;
        // RFC 6851 §3.3 with RFC 4314: moving out takes t and e on the source.
        if (await Writable(m.FolderId, r.ReaderId, AclRight.DeleteMessages | AclRight.Expunge) is { } refused) return refused;
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
        // RFC 4314 §4: COPY needs i on the target; the flags the reader may not set there are dropped.
        var rights = await RightsIn(target, readerId);
        if (Lacking(target, rights, AclRight.Insert) is { } denied) return denied;
        var result = await _store.CopyAsync(sourceId, uids, target.Id, Kept(rights));
        if (_policy.PerReaderSeen && (rights & AclRight.Seen) != 0) await CarrySeen(readerId, await SeenIn(readerId, sourceId), result.Mapping, target.Id);
        var changes = new List<FolderEvent>();
        if (result.Mapping.Count > 0 && _state.IsLoaded(target.Id))
            changes.Add(new FolderEvent(target.Id, await SyncNewMessages(target.Id)));
        return (new MessagesCopied(sourceId, target.Id, result.TargetUidValidity, result.Mapping, _state.ForReader(readerId, changes)), changes);
    }

    private async Task<(object, IReadOnlyList<FolderEvent>)> Move(OwnerRequest r, IActorRef requester)
    {
        var m = (MoveMessages)r.Command;
        // RFC 6851 §3.3 with RFC 4314: t and e on the source, i on the target.
        if (await Writable(m.FolderId, r.ReaderId, AclRight.DeleteMessages | AclRight.Expunge) is { } refused) return refused;
        var target = await _store.GetFolderAsync(_owner, m.TargetName);
        if (target is null || target.NoSelect) return Fail(AccountFailure.TryCreate, "Target mailbox does not exist");
        var rights = await RightsIn(target, r.ReaderId);
        if (Lacking(target, rights, AclRight.Insert) is { } denied) return denied;
        var seenBefore = _policy.PerReaderSeen && (rights & AclRight.Seen) != 0 ? await SeenIn(r.ReaderId, m.FolderId) : null;
        var result = await _store.MoveAsync(m.FolderId, m.Uids, target.Id, Kept(rights));
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
        var folders = await _store.ListFoldersAsync(_owner);
        if (folders.Count >= _maxFolders)
            return Fail(AccountFailure.Limit, $"No more than {_maxFolders} folders (limits.max-folders)");
        if (await RefuseCreateAt(m.Name, folders, r.ReaderId) is { } refused) return refused;
        var info = await _store.CreateFolderAsync(_owner, m.Name, m.SpecialUse);
        return (new FolderCreated(info.Id, _policy.DisplayName(info.Name), info.MailboxId), []);
    }

    private async Task<(object, IReadOnlyList<FolderEvent>)> Delete(OwnerRequest r, IActorRef requester)
    {
        var m = (DeleteFolder)r.Command;
        var info = await _store.GetFolderAsync(_owner, m.Name);
        if (info is null) return Fail(AccountFailure.NonExistent, "No such mailbox");
        // RFC 4314 §4: DELETE needs x.
        if (Lacking(info, await RightsIn(info, r.ReaderId), AclRight.DeleteMailbox) is { } denied) return denied;
        await _store.DeleteFolderAsync(_owner, m.Name);
        // Deleted, or emptied into \Noselect because it has children: either way not selectable.
        IReadOnlyList<FolderEvent> changes = _state.IsLoaded(info.Id) ? [new FolderEvent(info.Id, new FolderRemoved())] : [];
        return (new FolderDeleted(info.Name, changes), changes);
    }

    private async Task<(object, IReadOnlyList<FolderEvent>)> Rename(OwnerRequest r, IActorRef requester)
    {
        var m = (RenameFolder)r.Command;
        var info = await _store.GetFolderAsync(_owner, m.OldName);
        if (info is null) return Fail(AccountFailure.NonExistent, "No such mailbox");
        // RFC 4314 §4: RENAME needs x on the old name and k on the new name's parent.
        if (Lacking(info, await RightsIn(info, r.ReaderId), AclRight.DeleteMailbox) is { } denied) return denied;
        if (await RefuseCreateAt(m.NewName, await _store.ListFoldersAsync(_owner), r.ReaderId) is { } refused) return refused;
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

    /// <summary>
    /// SETACL / DELETEACL (RFC 4314 §3.1, §3.2) on a public folder by a reader holding <c>a</c>. The
    /// store writes a change-feed row with the entry, which reaches every node's sessions.
    /// </summary>
    private async Task<(object, IReadOnlyList<FolderEvent>)> SetRights(OwnerRequest r, IActorRef requester)
    {
        var m = (SetFolderRights)r.Command;
        if (!_policy.PerReaderSeen) return Fail(AccountFailure.Cannot, "Only public folders are shared");
        var info = await _store.GetFolderAsync(_owner, m.Name);
        if (info is null) return Fail(AccountFailure.NonExistent, "No such mailbox");
        if (Lacking(info, await RightsIn(info, r.ReaderId), AclRight.Admin) is { } denied) return denied;
        var current = (await _store.GetAclAsync(info.Id)).FirstOrDefault(e => e.AccountId == m.AccountId)?.Rights ?? AclRight.None;
        AclRight? next = m.Change switch
        {
            RightsChange.Add => current | m.Rights,
            RightsChange.Remove => current & ~m.Rights,
            RightsChange.Delete => null,
            _ => m.Rights,
        };
        await _store.SetRightsAsync(info.Id, m.AccountId, next);
        return (new FolderRightsSet(m.Name, next ?? AclRight.None), []);
    }

    // ---- helpers ----

    /// <summary>The reader's rights: every right in an account's own folders, its entry and anyone's in a public one.</summary>
    private Task<AclRight> RightsIn(FolderInfo folder, long readerId) =>
        _policy.PerReaderSeen ? _store.GetRightsAsync(folder.Id, readerId) : Task.FromResult(AclRight.All);

    /// <summary>
    /// Null when <paramref name="rights"/> hold every right <paramref name="needed"/>. Otherwise NO
    /// [NOPERM]; a folder the reader may neither look up nor read is answered as missing, so the
    /// answer does not reveal that it exists (RFC 4314 §4).
    /// </summary>
    private static (object, IReadOnlyList<FolderEvent>)? Lacking(FolderInfo folder, AclRight rights, AclRight needed)
    {
        if ((rights & needed) == needed) return null;
        if ((rights & (AclRight.Lookup | AclRight.Read)) == 0) return Fail(AccountFailure.NonExistent, "No such mailbox");
        return Refused(new PublicFolderDenied(
            $"Permission denied: {PublicFolderNames.Full(folder.Name)} needs the right {AclRights.Format(needed & ~rights)} (RFC 4314)"));
    }

    /// <summary>RFC 4314 §4: which rights a STORE needs: s for \Seen, t for \Deleted, w for the rest; replacing needs all three.</summary>
    internal static AclRight NeededToStore(StoreFlags m)
    {
        if (m.Mode == StoreMode.Replace) return AclRight.Seen | AclRight.DeleteMessages | AclRight.Write;
        var needed = AclRight.None;
        if ((m.Flags & MessageFlags.Seen) != 0) needed |= AclRight.Seen;
        if ((m.Flags & MessageFlags.Deleted) != 0) needed |= AclRight.DeleteMessages;
        if ((m.Flags & ~(MessageFlags.Seen | MessageFlags.Deleted | MessageFlags.Recent)) != 0 || m.Keywords.Count > 0) needed |= AclRight.Write;
        return needed;
    }

    /// <summary>
    /// What a COPY or MOVE carries into a folder where the reader holds <paramref name="rights"/>:
    /// the flags it may set (RFC 4314 §4), keywords only with w; with per-reader \Seen the shared
    /// row never holds \Seen (the copier's own mark is carried separately). Null: everything.
    /// </summary>
    private KeptFlags? Kept(AclRight rights)
    {
        if (rights == AclRight.All && !_policy.PerReaderSeen) return null;
        var flags = Settable(rights, MessageFlags.Seen | MessageFlags.Answered | MessageFlags.Flagged | MessageFlags.Deleted | MessageFlags.Draft);
        if (_policy.PerReaderSeen) flags &= ~MessageFlags.Seen;
        return new KeptFlags(flags, (rights & AclRight.Write) != 0);
    }

    /// <summary>The flags of an APPEND or COPY the reader may set (RFC 4314 §4: the others are dropped, not refused).</summary>
    internal static MessageFlags Settable(AclRight rights, MessageFlags flags)
    {
        if ((rights & AclRight.Seen) == 0) flags &= ~MessageFlags.Seen;
        if ((rights & AclRight.DeleteMessages) == 0) flags &= ~MessageFlags.Deleted;
        if ((rights & AclRight.Write) == 0) flags &= MessageFlags.Seen | MessageFlags.Deleted;
        return flags;
    }

    /// <summary>
    /// Null when the reader may create <paramref name="name"/>: below an existing folder it needs k
    /// there (the nearest one, RFC 4314 §4); at the top level the policy decides
    /// (<c>public-folders.user-create</c>).
    /// </summary>
    private async Task<(object, IReadOnlyList<FolderEvent>)?> RefuseCreateAt(string name, IReadOnlyList<FolderInfo> folders, long readerId)
    {
        var parent = folders.Where(f => name.StartsWith(f.Name + "/", StringComparison.Ordinal)).MaxBy(f => f.Name.Length);
        if (parent is null) return _policy.RefuseCreate() is { } refusal ? Refused(refusal) : null;
        return Lacking(parent, await RightsIn(parent, readerId), AclRight.CreateMailbox);
    }

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

    /// <summary>Null when the folder is ours and the reader holds <paramref name="needed"/> there; otherwise the reply that refuses.</summary>
    private async Task<(object, IReadOnlyList<FolderEvent>)?> Writable(long folderId, long readerId, AclRight needed)
    {
        // Without rights to check (an account's own folders) a loaded folder needs no look-up.
        if (!_policy.PerReaderSeen && _state.IsLoaded(folderId)) return null;
        var info = await Ours(folderId);
        if (info is null) return Fail(AccountFailure.NonExistent, "No such mailbox");
        return Lacking(info, await RightsIn(info, readerId), needed);
    }

    /// <summary>What the commit that just completed added to a loaded folder, in shared form; applied to the cache.</summary>
    private async Task<MessagesAdded> SyncNewMessages(long folderId)
    {
        var folder = _state.Folder(folderId)!;
        var added = folder.NewMessages(Shared(await _store.GetChangedSinceAsync(folderId, folder.HighestModSeq)));
        _state.Apply(folderId, added);
        return added;
    }

    /// <summary>
    /// What an APPEND added to a loaded folder, from the rows the store reports, when the list held
    /// here was complete just before it (the append's MODSEQ and first UID follow straight on from
    /// the list's: no other commit came between); applied to the cache. Null otherwise (mail
    /// delivered meanwhile is not in the list yet, or the appender's own \Seen in a public folder
    /// changed the rows again): the caller reads what changed instead.
    /// </summary>
    private MessagesAdded? Appended(long folderId, AppendResult result)
    {
        var folder = _state.Folder(folderId)!;
        if (_policy.PerReaderSeen || result.Stored.Count == 0 || result.ModSeq != folder.HighestModSeq + 1 || result.Stored[0].Uid != folder.UidNext) return null;
        var added = folder.NewMessages(Shared(result.Stored));
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
