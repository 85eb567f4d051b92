using AkkaImap.Server.Accounts;
using AkkaImap.Storage;

namespace AkkaImap.Server.Owners;

/// <summary>
/// An owner's in-memory copy of one folder: its messages and flags (in shared form for public
/// folders), kept current by applying each committed change. SELECT of a loaded folder is answered
/// from here without reading the store. Pure: no Akka, no I/O.
/// </summary>
internal sealed class OpenFolder
{
    private readonly MessageTable _messages;
    private readonly SortedSet<string> _keywords = new(StringComparer.OrdinalIgnoreCase);

    public OpenFolder(FolderInfo info, IReadOnlyList<MessageFlagState> rows)
    {
        Id = info.Id;
        Name = info.Name;
        UidValidity = info.UidValidity;
        UidNext = info.UidNext;
        HighestModSeq = info.HighestModSeq;
        MailboxId = info.MailboxId;
        SpecialUse = info.SpecialUse;
        FirstRecentUid = info.FirstRecentUid;
        // The store's table is made for this load alone: it becomes the cache's, not copied.
        _messages = rows as MessageTable ?? new MessageTable(rows);
        // Messages with the same keywords share one list instance: look at each list once.
        var seen = new HashSet<IReadOnlyList<string>>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < _messages.Count; i++)
        {
            var row = _messages[i];
            if (row.Keywords.Count > 0 && seen.Add(row.Keywords)) AddKeywords(row);
        }
    }

    public long Id { get; }
    public string Name { get; set; }
    public uint UidValidity { get; }
    public uint UidNext { get; private set; }
    public ulong HighestModSeq { get; private set; }
    public string MailboxId { get; }
    public string? SpecialUse { get; }
    public int Count => _messages.Count;

    /// <summary>\Recent (RFC 3501 §2.3.2): no session has claimed the messages from this UID on.</summary>
    public uint FirstRecentUid { get; set; }

    public bool Contains(uint uid) => _messages.IndexOf(uid) >= 0;

    public bool TryGet(uint uid, out MessageFlagState row)
    {
        int i = _messages.IndexOf(uid);
        row = i >= 0 ? _messages[i] : default;
        return i >= 0;
    }

    /// <summary>
    /// Whether a STORE would change none of these messages' flags or keywords, judged as the store
    /// judges (<see cref="StoreRules.ApplyStore"/>; UIDs not in the folder are skipped, \Recent is
    /// never stored). Then it needs no write: no new modseq, nothing to tell anyone.
    /// </summary>
    public bool StoreChangesNothing(IReadOnlyCollection<uint> uids, StoreMode mode, MessageFlags flags, IReadOnlyList<string>? keywords)
    {
        flags &= ~MessageFlags.Recent;
        foreach (var uid in uids)
        {
            if (TryGet(uid, out var row)
                && StoreRules.ApplyStore(row, readerSeen: null, mode, flags, keywords, unchangedSince: null).Outcome != StoreRules.FlagOutcome.Unchanged)
                return false;
        }
        return true;
    }

    /// <summary>
    /// The changes that turn the cached state into <paramref name="stored"/> (the store's rows,
    /// ascending UID), in the order a session applies them: removals, additions, flag changes.
    /// </summary>
    public List<FolderChange> Diff(IReadOnlyList<MessageFlagState> stored, FolderInfo info)
    {
        var storedUids = new HashSet<uint>(stored.Select(r => r.Uid));
        var removed = Uids().Where(uid => !storedUids.Contains(uid)).ToArray();
        var added = new List<MessageFlagState>();
        var changed = new List<MessageFlagState>();
        foreach (var row in stored)
        {
            if (!TryGet(row.Uid, out var cached)) added.Add(row);
            else if (cached.ModSeq != row.ModSeq) changed.Add(row);
        }
        var changes = new List<FolderChange>();
        if (removed.Length > 0) changes.Add(new MessagesRemoved(removed, info.HighestModSeq));
        if (added.Count > 0) changes.Add(new MessagesAdded(added, info.UidNext, info.HighestModSeq));
        if (changed.Count > 0) changes.Add(new FlagsChanged(changed, info.HighestModSeq));
        return changes;
    }

    public IReadOnlyList<uint> Uids()
    {
        var uids = new uint[_messages.Count];
        for (int i = 0; i < uids.Length; i++) uids[i] = _messages[i].Uid;
        return uids;
    }

    /// <summary>A copy of the current state; the cache keeps changing after it is sent.</summary>
    public FolderSnapshot Snapshot(bool readOnly) =>
        new(Id, Name, UidValidity, UidNext, HighestModSeq, _messages.Snapshot(), [.. _keywords], readOnly, MailboxId, SpecialUse);

    /// <summary>What a commit added: the rows the store changed above the cached HIGHESTMODSEQ that are not known yet.</summary>
    public MessagesAdded NewMessages(IReadOnlyList<MessageFlagState> changedSinceCached)
    {
        var added = changedSinceCached.Where(r => !Contains(r.Uid)).OrderBy(r => r.Uid).ToArray();
        uint uidNext = added.Length > 0 ? Math.Max(UidNext, added[^1].Uid + 1) : UidNext;
        ulong highest = changedSinceCached.Count > 0 ? Math.Max(HighestModSeq, changedSinceCached.Max(r => r.ModSeq)) : HighestModSeq;
        return new MessagesAdded(added, uidNext, highest);
    }

    public void Apply(FolderChange change)
    {
        switch (change)
        {
            case MessagesAdded added:
                foreach (var row in added.Messages)
                {
                    _messages.Add(row);
                    AddKeywords(row);
                    UidNext = Math.Max(UidNext, row.Uid + 1);
                }
                UidNext = Math.Max(UidNext, added.UidNext);
                HighestModSeq = Math.Max(HighestModSeq, added.HighestModSeq);
                break;
            case FlagsChanged flags:
                foreach (var row in flags.Messages)
                {
                    int i = _messages.IndexOf(row.Uid);
                    if (i < 0) continue;
                    _messages.SetAt(i, row);
                    AddKeywords(row);
                }
                HighestModSeq = Math.Max(HighestModSeq, flags.HighestModSeq);
                break;
            case MessagesRemoved removed:
                _messages.Remove(removed.Uids);
                HighestModSeq = Math.Max(HighestModSeq, removed.HighestModSeq);
                break;
        }
    }

    private void AddKeywords(MessageFlagState row)
    {
        for (int i = 0; i < row.Keywords.Count; i++) _keywords.Add(row.Keywords[i]);
    }
}
