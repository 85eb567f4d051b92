using AkkaImap.Server.Accounts;
using AkkaImap.Storage;

namespace AkkaImap.Server.Owners;

/// <summary>A folder event for one subscriber, as its reader sees it.</summary>
public readonly record struct Delivery<TSubscriber>(TSubscriber To, FolderEvent Event);

/// <summary>
/// The state of one folder owner (an account, or a post office's public folders), without Akka and
/// without I/O: the folders it keeps loaded, who has each selected (its subscribers, each with the
/// account it reads as) and, where \Seen is per reader, each reader's marks. The owner actor feeds
/// it what the store answered and sends what it returns; tests drive it directly.
/// <para>
/// A folder stays loaded while a subscriber has it selected, and after that among the unselected
/// ones while they hold no more than the budget of messages (least recently left dropped first),
/// so that selecting it again does not read the store. The owner is the single writer of its
/// folders, which is why a loaded folder stays current: every committed change is applied here.
/// </para>
/// </summary>
/// <typeparam name="TSubscriber">What identifies a session (an actor ref in the actor, a name in tests).</typeparam>
public sealed class OwnerState<TSubscriber> where TSubscriber : notnull
{
    private readonly Dictionary<long, Loaded> _folders = [];
    private readonly Dictionary<TSubscriber, Subscription> _subscriptions = [];
    /// <summary>Loaded folders that no subscriber has selected, least recently left first.</summary>
    private readonly LinkedList<long> _unselected = [];
    private readonly int _unselectedBudget;

    /// <param name="perReaderSeen">\Seen is each reader's own (public folders): the loaded rows never carry it.</param>
    /// <param name="unselectedBudget">Messages of unselected folders kept loaded (<c>cache.unselected-messages</c>).</param>
    public OwnerState(bool perReaderSeen, int unselectedBudget)
    {
        PerReaderSeen = perReaderSeen;
        _unselectedBudget = unselectedBudget;
    }

    public bool PerReaderSeen { get; }

    /// <summary>Sessions that have a folder of this owner selected.</summary>
    public int SubscriberCount => _subscriptions.Count;

    public IEnumerable<(TSubscriber Subscriber, long FolderId)> Subscriptions =>
        _subscriptions.Select(s => (s.Key, s.Value.FolderId));

    public int SubscribersOf(long folderId) => _folders.TryGetValue(folderId, out var f) ? f.Subscribers.Count : 0;

    public bool IsLoaded(long folderId) => _folders.ContainsKey(folderId);

    /// <summary>Messages loaded in total (for the budget and diagnostics).</summary>
    public long LoadedMessages => _folders.Values.Sum(f => (long)f.Folder.Count);

    internal OpenFolder? Folder(long folderId) => _folders.TryGetValue(folderId, out var f) ? f.Folder : null;

    internal IReadOnlyList<OpenFolder> LoadedFolders => [.. _folders.Values.Select(f => f.Folder)];

    /// <summary>Whether <paramref name="readerId"/>'s \Seen marks of the folder are loaded (always true without per-reader \Seen).</summary>
    public bool HasReader(long folderId, long readerId) =>
        !PerReaderSeen || (_folders.TryGetValue(folderId, out var f) && f.Readers.Has(readerId));

    /// <summary>
    /// Loads a folder from the store's rows (ascending UID). An array becomes the folder's table itself: the
    /// caller gives it up. With per-reader \Seen the rows are kept in shared form.
    /// </summary>
    public void Load(FolderInfo info, IReadOnlyList<MessageFlagState> rows)
    {
        var shared = PerReaderSeen ? ReaderFlags.Shared(rows) : rows;
        _folders[info.Id] = new Loaded(new OpenFolder(info, shared));
        _unselected.Remove(info.Id);
    }

    /// <summary>The UIDs <paramref name="readerId"/> has seen in a loaded folder (per-reader \Seen only).</summary>
    public void LoadReader(long folderId, long readerId, IEnumerable<uint> seenUids)
    {
        if (_folders.TryGetValue(folderId, out var f)) f.Readers.Load(readerId, seenUids);
    }

    /// <summary>
    /// <paramref name="subscriber"/> hears of the changes of a loaded folder from now on (it leaves
    /// what it had selected before), reading as <paramref name="readerId"/>.
    /// </summary>
    public void Subscribe(TSubscriber subscriber, long readerId, long folderId, RecentMode recent = RecentMode.None)
    {
        if (_subscriptions.TryGetValue(subscriber, out var current) && current == new Subscription(folderId, readerId, recent)) return;
        // Leave first (callers normally have), then look the folder up: leaving may trim it away.
        Leave(subscriber);
        var loaded = _folders[folderId];
        loaded.Subscribers.Add(subscriber);
        _subscriptions[subscriber] = new Subscription(folderId, readerId, recent);
        _unselected.Remove(folderId);
    }

    /// <summary>
    /// A loaded folder as <paramref name="readerId"/> sees it, named <paramref name="displayName"/>
    /// (the reader's marks must be loaded too). Keeps an unselected folder within the budget.
    /// </summary>
    public FolderSnapshot Snapshot(long readerId, long folderId, bool readOnly, string displayName, RecentMode recent = RecentMode.None)
    {
        var loaded = _folders[folderId];
        var snapshot = loaded.Folder.Snapshot(readOnly) with { Name = displayName };
        // The snapshot's table is this reader's (it copies a shared chunk before changing it): marked where it is.
        var rows = (MessageTable)snapshot.Messages;
        if (PerReaderSeen) loaded.Readers.MarkSeen(readerId, rows);
        if (recent != RecentMode.None) rows.AddFlagsFrom(loaded.Folder.FirstRecentUid, MessageFlags.Recent);
        if (loaded.Subscribers.Count == 0) KeepUnselected(folderId);
        return snapshot;
    }

    /// <summary>
    /// A session that selects read-write claims every message no session has claimed yet (RFC 3501
    /// §2.3.2). Returns the folder's new first recent UID to persist, or null when nothing changed.
    /// </summary>
    public uint? ClaimAll(long folderId)
    {
        if (!_folders.TryGetValue(folderId, out var loaded) || loaded.Folder.FirstRecentUid >= loaded.Folder.UidNext) return null;
        loaded.Folder.FirstRecentUid = loaded.Folder.UidNext;
        return loaded.Folder.FirstRecentUid;
    }

    /// <summary>
    /// New messages just applied to a loaded folder go \Recent to one session: <paramref name="preferred"/>
    /// (the one whose command added them) when it has the folder selected and claims, else the first
    /// subscriber that claims. False when none claims: they stay recent for whoever selects next.
    /// </summary>
    public bool ClaimNew(long folderId, TSubscriber? preferred, out TSubscriber? claimant)
    {
        claimant = Claimant(folderId, preferred);
        if (claimant is null) return false;
        var folder = _folders[folderId].Folder;
        folder.FirstRecentUid = folder.UidNext;
        return true;
    }

    /// <summary>Who <see cref="ClaimNew"/> would give new messages of a folder to now, changing nothing; default when nobody.</summary>
    public TSubscriber? Claimant(long folderId, TSubscriber? preferred)
    {
        if (!_folders.TryGetValue(folderId, out var loaded)) return default;
        if (preferred is not null && loaded.Subscribers.Contains(preferred) && _subscriptions[preferred].Recent == RecentMode.Claim)
        {
            return preferred;
        }
        foreach (var subscriber in loaded.Subscribers)
        {
            if (_subscriptions[subscriber].Recent == RecentMode.Claim) return subscriber;
        }
        return default;
    }

    /// <summary>
    /// Whether new messages of a folder are \Recent for <paramref name="subscriber"/>: it claimed them
    /// (<paramref name="claims"/>, by folder), or nobody did and it sees \Recent.
    /// </summary>
    public bool GetsRecent(TSubscriber subscriber, long folderId, IReadOnlyDictionary<long, TSubscriber> claims) =>
        claims.TryGetValue(folderId, out var claimant)
            ? EqualityComparer<TSubscriber>.Default.Equals(claimant, subscriber)
            : _subscriptions.TryGetValue(subscriber, out var s) && s.FolderId == folderId && s.Recent != RecentMode.None;

    /// <summary>The events with the new messages marked \Recent where they are recent for <paramref name="subscriber"/>.</summary>
    public IReadOnlyList<FolderEvent> MarkRecent(TSubscriber subscriber, IReadOnlyList<FolderEvent> events, IReadOnlyDictionary<long, TSubscriber> claims)
    {
        if (!events.Any(e => e.Change is MessagesAdded { Messages.Count: > 0 })) return events;
        return [.. events.Select(e => e.Change is MessagesAdded added && GetsRecent(subscriber, e.FolderId, claims)
            ? new FolderEvent(e.FolderId, added with { Messages = MarkRecent(added.Messages, 0) })
            : e)];
    }

    /// <summary>The rows with <see cref="MessageFlags.Recent"/> set from UID <paramref name="from"/> on (a copy).</summary>
    public static MessageFlagState[] MarkRecent(IReadOnlyList<MessageFlagState> rows, uint from)
    {
        var marked = new MessageFlagState[rows.Count];
        for (int i = 0; i < marked.Length; i++)
        {
            var row = rows[i];
            marked[i] = row.Uid >= from ? row with { Flags = row.Flags | MessageFlags.Recent } : row;
        }
        return marked;
    }

    /// <summary>The folder a subscriber has selected, if any.</summary>
    public long? SelectedBy(TSubscriber subscriber) =>
        _subscriptions.TryGetValue(subscriber, out var s) ? s.FolderId : null;

    /// <summary>The subscriber leaves its folder (CLOSE, UNSELECT, another SELECT, or it stopped). False when it had none.</summary>
    public bool Leave(TSubscriber subscriber)
    {
        if (!_subscriptions.Remove(subscriber, out var s)) return false;
        if (!_folders.TryGetValue(s.FolderId, out var loaded)) return true;
        loaded.Subscribers.Remove(subscriber);
        // A reader's \Seen marks are kept only while one of its sessions has the folder selected.
        if (PerReaderSeen && !_subscriptions.Values.Any(v => v.FolderId == s.FolderId && v.ReaderId == s.ReaderId))
            loaded.Readers.Drop(s.ReaderId);
        if (loaded.Subscribers.Count == 0) KeepUnselected(s.FolderId);
        return true;
    }

    /// <summary>Applies a committed change (in shared form) to a loaded folder; nothing when it is not loaded.</summary>
    public void Apply(long folderId, FolderChange change)
    {
        if (!_folders.TryGetValue(folderId, out var loaded)) return;
        loaded.Folder.Apply(change);
        if (change is MessagesRemoved removed) loaded.Readers.Forget(removed.Uids);
    }

    /// <summary>A reader's own STORE result (rows as it sees them): records its \Seen marks.</summary>
    public void RecordSeen(long folderId, long readerId, IEnumerable<MessageFlagState> rowsAsReaderSees)
    {
        if (PerReaderSeen && _folders.TryGetValue(folderId, out var loaded)) loaded.Readers.Record(readerId, rowsAsReaderSees);
    }

    /// <summary>A shared change as <paramref name="readerId"/> sees it (its own \Seen added).</summary>
    public FolderChange ForReader(long readerId, long folderId, FolderChange change) =>
        PerReaderSeen && _folders.TryGetValue(folderId, out var loaded) ? loaded.Readers.For(readerId, change) : change;

    public IReadOnlyList<FolderEvent> ForReader(long readerId, IReadOnlyList<FolderEvent> events) =>
        PerReaderSeen ? [.. events.Select(e => new FolderEvent(e.FolderId, ForReader(readerId, e.FolderId, e.Change)))] : events;

    /// <summary>A stored row as <paramref name="readerId"/> sees it.</summary>
    public MessageFlagState ForReader(long readerId, long folderId, MessageFlagState row) =>
        PerReaderSeen && _folders.TryGetValue(folderId, out var loaded) ? loaded.Readers.For(readerId, ReaderFlags.Shared(row)) : row;

    /// <summary>
    /// Who hears of committed changes: every subscriber of each event's folder but
    /// <paramref name="except"/> (the requester, which learns from its reply), each with its reader's
    /// view. A <see cref="FolderRemoved"/> also ends those subscriptions and unloads the folder.
    /// </summary>
    public IReadOnlyList<Delivery<TSubscriber>> Publish(IReadOnlyList<FolderEvent> events, TSubscriber? except,
        IReadOnlyDictionary<long, TSubscriber>? claims = null)
    {
        claims ??= new Dictionary<long, TSubscriber>();
        var deliveries = new List<Delivery<TSubscriber>>();
        foreach (var ev in events)
        {
            if (!_folders.TryGetValue(ev.FolderId, out var loaded)) continue;
            foreach (var subscriber in loaded.Subscribers)
            {
                if (except is not null && EqualityComparer<TSubscriber>.Default.Equals(subscriber, except)) continue;
                var reader = _subscriptions[subscriber].ReaderId;
                var change = ForReader(reader, ev.FolderId, ev.Change);
                if (change is MessagesAdded { Messages.Count: > 0 } added && GetsRecent(subscriber, ev.FolderId, claims))
                {
                    change = added with { Messages = MarkRecent(added.Messages, 0) };
                }
                deliveries.Add(new Delivery<TSubscriber>(subscriber, new FolderEvent(ev.FolderId, change)));
            }
            if (ev.Change is FolderRemoved) Unload(ev.FolderId);
        }
        return deliveries;
    }

    /// <summary>Children move with their parent (RENAME): loaded folders take their new names.</summary>
    public void Rename(string oldName, string newName)
    {
        foreach (var loaded in _folders.Values)
        {
            var folder = loaded.Folder;
            if (folder.Name == oldName) folder.Name = newName;
            else if (folder.Name.StartsWith(oldName + "/", StringComparison.Ordinal)) folder.Name = newName + folder.Name[oldName.Length..];
        }
    }

    /// <summary>Drops the least recently left unselected folders until the rest fit the budget.</summary>
    public void Trim()
    {
        if (_unselected.Count == 0) return;
        long kept = 0;
        foreach (var id in _unselected) kept += _folders[id].Folder.Count;
        while ((kept > _unselectedBudget || _unselectedBudget == 0) && _unselected.First is { } oldest)
        {
            kept -= _folders[oldest.Value].Folder.Count;
            _folders.Remove(oldest.Value);
            _unselected.RemoveFirst();
        }
    }

    /// <summary>Forgets a folder and its subscriptions (deleted, or no longer selectable).</summary>
    public void Unload(long folderId)
    {
        if (!_folders.Remove(folderId, out var loaded)) return;
        foreach (var subscriber in loaded.Subscribers) _subscriptions.Remove(subscriber);
        _unselected.Remove(folderId);
    }

    private void KeepUnselected(long folderId)
    {
        _unselected.Remove(folderId);
        _unselected.AddLast(folderId);
        Trim();
    }

    private readonly record struct Subscription(long FolderId, long ReaderId, RecentMode Recent);

    private sealed class Loaded(OpenFolder folder)
    {
        public OpenFolder Folder { get; } = folder;
        public ReaderFlags Readers { get; } = new();
        public HashSet<TSubscriber> Subscribers { get; } = [];
    }
}
