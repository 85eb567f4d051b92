using AkkaImap.Protocol.Sequences;
using AkkaImap.Server.Accounts;
using AkkaImap.Storage;

namespace AkkaImap.Server.Sessions;

/// <summary>
/// One session's view of its selected folder: the messages as the client knows them (index + 1 is
/// the message sequence number, RFC 9051 §2.3.1.2), their flags and modseqs, and the queue of
/// changes committed by others that the client has not been told yet. Pure: no Akka, no I/O.
/// Changes become untagged responses only in <see cref="Flush"/>, at the moments the session
/// chooses, so sequence numbers never shift under a running command (RFC 9051 §7.5.1).
/// </summary>
public sealed class SelectedFolderView
{
    private readonly MessageTable _messages;
    private readonly Queue<FolderChange> _pending = new();
    private readonly SortedSet<string> _keywords = new(StringComparer.OrdinalIgnoreCase);

    public SelectedFolderView(FolderSnapshot snapshot)
    {
        FolderId = snapshot.FolderId;
        Name = snapshot.Name;
        UidValidity = snapshot.UidValidity;
        UidNext = snapshot.UidNext;
        HighestModSeq = snapshot.HighestModSeq;
        ReadOnly = snapshot.ReadOnly;
        Rights = snapshot.Rights;
        MailboxId = snapshot.MailboxId;
        // The owner makes the snapshot's table for this SELECT alone (sharing its chunks until
        // either side changes one): the view takes it as it is.
        _messages = snapshot.Messages as MessageTable ?? new MessageTable(snapshot.Messages);
        foreach (var keyword in snapshot.Keywords) _keywords.Add(keyword);
    }

    public long FolderId { get; }
    public string Name { get; }
    public uint UidValidity { get; }
    public bool ReadOnly { get; }

    /// <summary>The reader's rights when it selected (RFC 4314); the owner checks them again on every change.</summary>
    public AclRight Rights { get; }
    public string MailboxId { get; }
    public uint UidNext { get; private set; }
    public ulong HighestModSeq { get; private set; }

    /// <summary>The number of messages as last announced to the client (its EXISTS).</summary>
    public uint Count => (uint)_messages.Count;

    /// <summary>Keywords defined in the folder, for <c>* FLAGS</c> and PERMANENTFLAGS.</summary>
    public IReadOnlyCollection<string> Keywords => _keywords;

    /// <summary>True once a flushed change said the folder was deleted.</summary>
    public bool IsRemoved { get; private set; }

    public bool HasPendingChanges => _pending.Count > 0;

    /// <summary>The folder's deletion is queued for the client (not yet flushed).</summary>
    public bool IsRemovalPending => _pending.Any(change => change is FolderRemoved);

    /// <summary>The message at sequence number <paramref name="msn"/> (1-based, at most <see cref="Count"/>).</summary>
    public MessageFlagState this[uint msn] => _messages[(int)msn - 1];

    /// <summary>The sequence number of <paramref name="uid"/>, or 0 when the client does not know it.</summary>
    public uint MsnOf(uint uid)
    {
        int i = _messages.IndexOf(uid);
        return i >= 0 ? (uint)i + 1 : 0;
    }

    /// <summary>Messages that are \Recent for this session (RFC 3501 §7.3.2 <c>* n RECENT</c>).</summary>
    public uint RecentCount()
    {
        uint recent = 0;
        for (int i = 0; i < _messages.Count; i++)
            if ((_messages[i].Flags & MessageFlags.Recent) != 0) recent++;
        return recent;
    }

    /// <summary>Sequence number of the first message without \Seen, or 0 (IMAP4rev1 <c>[UNSEEN n]</c>).</summary>
    public uint FirstUnseen()
    {
        for (int i = 0; i < _messages.Count; i++)
            if ((_messages[i].Flags & MessageFlags.Seen) == 0) return (uint)i + 1;
        return 0;
    }

    /// <summary>
    /// The messages a sequence set names, ascending and distinct. By UID (RFC 9051 §6.4.8): UIDs
    /// that do not exist are ignored, <c>*</c> is the last UID (UIDNEXT when empty), so <c>n:*</c>
    /// always includes the last message. By sequence number (§9 seq-number): a number above
    /// <see cref="Count"/>, or <c>*</c> in an empty folder, makes the whole set invalid (tagged BAD).
    /// The SEARCHRES marker <c>$</c> must be substituted by the caller; here it names nothing.
    /// </summary>
    public SequenceResolution Resolve(SequenceSet set, bool byUid)
    {
        uint count = Count;
        // The index ranges first, so that the list is allocated once at its size: grown by
        // doubling, 1:* of 100,000 messages allocated twice its 800 KB, the last array on the
        // large object heap, where each one brought a full collection nearer (issue 17).
        var spans = new (int From, int To)[set.Ranges.Count];
        int total = 0;
        for (int r = 0; r < spans.Length; r++)
        {
            var range = set.Ranges[r];
            int from, to;
            if (byUid)
            {
                uint star = count > 0 ? _messages.LastUid : UidNext;
                var (low, high) = range.Resolve(star);
                from = _messages.IndexOf(low);
                if (from < 0) from = ~from;
                to = _messages.IndexOf(high);
                if (to < 0) to = ~to - 1;
            }
            else
            {
                if (count == 0) return SequenceResolution.Invalid;
                var (low, high) = range.Resolve(count);
                if (high > count) return SequenceResolution.Invalid;
                (from, to) = ((int)low - 1, (int)high - 1);
            }
            spans[r] = (from, to);
            total += Math.Max(0, to - from + 1);
        }
        var refs = new List<MessageRef>(total);
        foreach (var (from, to) in spans)
        {
            for (int i = from; i <= to; i++) refs.Add(new MessageRef((uint)i + 1, _messages[i].Uid));
        }
        if (set.Ranges.Count > 1)
        {
            refs.Sort((a, b) => a.Msn.CompareTo(b.Msn));
            int unique = 0;
            for (int k = 0; k < refs.Count; k++)
                if (k == 0 || refs[k].Msn != refs[k - 1].Msn) refs[unique++] = refs[k];
            refs.RemoveRange(unique, refs.Count - unique);
        }
        return new SequenceResolution(true, refs);
    }

    /// <summary>Queues a change from a <see cref="FolderEvent"/> of this folder; the client hears of it at the next flush.</summary>
    public void Enqueue(FolderChange change) => _pending.Enqueue(change);

    /// <summary>Queues the changes of the session's own command that concern this folder.</summary>
    public void Enqueue(IFolderChangeReply reply)
    {
        foreach (var ev in reply.Changes)
            if (ev.FolderId == FolderId) _pending.Enqueue(ev.Change);
    }

    /// <summary>
    /// Applies the session's own STORE result at once (its FETCH responses are part of that command)
    /// and returns them: <see cref="ViewKeywordsDefined"/> if a new keyword appeared, then one
    /// <see cref="ViewFlagsFetched"/> per changed message the client knows. Older queued flag
    /// changes for these messages are dropped at flush by their lower modseq.
    /// </summary>
    public IReadOnlyList<ViewUpdate> ApplyFlags(IReadOnlyList<MessageFlagState> changed)
    {
        var updates = new List<ViewUpdate>();
        foreach (var row in changed)
        {
            int i = _messages.IndexOf(row.Uid);
            if (i < 0 || _messages[i].ModSeq > row.ModSeq) continue;
            var kept = KeepRecent(_messages[i], row);
            _messages.SetAt(i, kept);
            AddKeywords(row, updates);
            updates.Add(new ViewFlagsFetched((uint)i + 1, kept));
            HighestModSeq = Math.Max(HighestModSeq, row.ModSeq);
        }
        return updates;
    }

    /// <summary>
    /// Turns queued changes into untagged responses, in commit order. New messages are announced
    /// by one EXISTS after the changes that were applied; flag changes of known messages become
    /// FETCH; expunges become EXPUNGE n, numbered as the client renumbers after each one, or one
    /// VANISHED per change when QRESYNC is enabled (RFC 7162 §3.2.10). When
    /// <paramref name="expungeAllowed"/> is false (a command using sequence numbers is running,
    /// RFC 9051 §7.5.1), the first expunge and everything queued after it stay queued: an EXISTS
    /// or FETCH computed past a held expunge would use numbers the client does not have yet.
    /// Messages added and expunged before the client heard of them vanish silently.
    /// </summary>
    public IReadOnlyList<ViewUpdate> Flush(bool expungeAllowed, bool qresyncEnabled)
    {
        var updates = new List<ViewUpdate>();
        // The client knows the first 'announced' messages; later ones are new and not yet told.
        int announced = _messages.Count;
        while (_pending.Count > 0 && !IsRemoved)
        {
            var change = _pending.Peek();
            if (change is MessagesRemoved && !expungeAllowed) break;
            _pending.Dequeue();
            switch (change)
            {
                case MessagesAdded added:
                    foreach (var row in added.Messages)
                    {
                        if (!_messages.Add(row)) continue;
                        AddKeywords(row, updates);
                        UidNext = Math.Max(UidNext, row.Uid + 1);
                    }
                    UidNext = Math.Max(UidNext, added.UidNext);
                    HighestModSeq = Math.Max(HighestModSeq, added.HighestModSeq);
                    break;
                case FlagsChanged flags:
                    foreach (var row in flags.Messages)
                    {
                        int i = _messages.IndexOf(row.Uid);
                        // Expunged meanwhile, or already newer (own STORE applied first): nothing to say.
                        if (i < 0 || _messages[i].ModSeq >= row.ModSeq) continue;
                        var kept = KeepRecent(_messages[i], row);
                        _messages.SetAt(i, kept);
                        AddKeywords(row, updates);
                        if (i < announced) updates.Add(new ViewFlagsFetched((uint)i + 1, kept));
                    }
                    HighestModSeq = Math.Max(HighestModSeq, flags.HighestModSeq);
                    break;
                case MessagesRemoved removed:
                    announced -= Expunge(removed.Uids, announced, qresyncEnabled, updates);
                    HighestModSeq = Math.Max(HighestModSeq, removed.HighestModSeq);
                    break;
                case FolderRemoved:
                    IsRemoved = true;
                    _pending.Clear();
                    updates.Add(new ViewFolderRemoved());
                    break;
            }
        }
        if (_messages.Count > announced) updates.Add(new ViewExists(Count));
        return updates;
    }

    /// <summary>Removes the UIDs; returns how many of them the client knew.</summary>
    private int Expunge(IReadOnlyList<uint> uids, int announced, bool qresync, List<ViewUpdate> updates)
    {
        var vanished = new List<uint>();
        int known = 0;
        foreach (var (index, uid) in _messages.Remove(uids))
        {
            // The known messages are a prefix; each earlier EXPUNGE already moved this one down by one
            // (RFC 9051 §7.5.1: expunging 3, 4, 7, 11 of 11 is sent as 3, 3, 5, 8).
            if (index >= announced) break;
            if (qresync) vanished.Add(uid);
            else updates.Add(new ViewExpunged((uint)(index - known + 1)));
            known++;
        }
        if (vanished.Count > 0) updates.Add(new ViewVanished(vanished));
        return known;
    }

    /// <summary>\Recent is this session's for as long as it has the folder selected: flag changes keep it.</summary>
    private static MessageFlagState KeepRecent(MessageFlagState known, MessageFlagState changed) =>
        changed with { Flags = changed.Flags | (known.Flags & MessageFlags.Recent) };

    private void AddKeywords(MessageFlagState row, List<ViewUpdate> updates)
    {
        bool added = false;
        foreach (var keyword in row.Keywords) added |= _keywords.Add(keyword);
        // RFC 9051 §7.3.5: the FLAGS response is sent again when the set of defined flags changes.
        if (added) updates.Add(new ViewKeywordsDefined([.. _keywords]));
    }
}

/// <summary>A message named by a command: its sequence number and UID at the time it was resolved.</summary>
public readonly record struct MessageRef(uint Msn, uint Uid);

/// <summary>
/// The result of <see cref="SelectedFolderView.Resolve"/>; when <see cref="IsValid"/> is false the
/// command gets a tagged BAD (a sequence number beyond EXISTS, RFC 9051 §9 seq-number).
/// </summary>
public sealed record SequenceResolution(bool IsValid, IReadOnlyList<MessageRef> Messages)
{
    public static SequenceResolution Invalid { get; } = new(false, []);
}

/// <summary>An untagged response the session owes the client, from <see cref="SelectedFolderView"/>.</summary>
public abstract record ViewUpdate;

/// <summary><c>* n EXISTS</c> (RFC 9051 §7.4.1).</summary>
public sealed record ViewExists(uint Count) : ViewUpdate;

/// <summary><c>* n EXPUNGE</c> (RFC 9051 §7.5.1).</summary>
public sealed record ViewExpunged(uint Msn) : ViewUpdate;

/// <summary><c>* VANISHED uid-set</c> (RFC 7162 §3.2.10), ascending UIDs; only when QRESYNC is enabled.</summary>
public sealed record ViewVanished(IReadOnlyList<uint> Uids) : ViewUpdate;

/// <summary>
/// <c>* n FETCH (FLAGS (...))</c> (RFC 9051 §7.5.2); add <c>UID</c> for UID commands and
/// <c>MODSEQ</c> when CONDSTORE is enabled (RFC 7162 §3.2.4).
/// </summary>
public sealed record ViewFlagsFetched(uint Msn, MessageFlagState Message) : ViewUpdate;

/// <summary><c>* FLAGS (...)</c> again: a new keyword is in use; <paramref name="Keywords"/> are all of them.</summary>
public sealed record ViewKeywordsDefined(IReadOnlyList<string> Keywords) : ViewUpdate;

/// <summary>The folder was deleted under the session (it may answer <c>* BYE</c> or unselect).</summary>
public sealed record ViewFolderRemoved : ViewUpdate;
