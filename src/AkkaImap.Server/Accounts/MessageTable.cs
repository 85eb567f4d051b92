using AkkaImap.Storage;

namespace AkkaImap.Server.Accounts;

/// <summary>
/// The messages of a folder in ascending UID order, as one growable array: index + 1 is the
/// message sequence number (RFC 9051 §2.3.1.2). Lookups by UID are binary searches; removals
/// compact the array in one pass however many messages go. Shared by the account's cache of
/// open folders and each session's <see cref="Sessions.SelectedFolderView"/>.
/// </summary>
internal sealed class MessageTable
{
    private MessageFlagState[] _rows;
    private int _count;

    public MessageTable(IReadOnlyList<MessageFlagState> rows)
    {
        _rows = new MessageFlagState[Math.Max(4, rows.Count)];
        if (rows is MessageFlagState[] array && IsAscending(array))
        {
            // The common case (a snapshot, the store's list): one block copy for 100,000 messages.
            array.CopyTo(_rows, 0);
            _count = array.Length;
            return;
        }
        for (int i = 0; i < rows.Count; i++) Add(rows[i]);
    }

    private MessageTable(MessageFlagState[] rows)
    {
        _rows = rows.Length > 0 ? rows : new MessageFlagState[4];
        _count = rows.Length;
    }

    /// <summary>
    /// A table over <paramref name="rows"/> itself rather than a copy (a copy when they are not
    /// ascending): for an array made for this table alone, such as the snapshot the owner makes
    /// for one SELECT, so that 100,000 messages are not copied again.
    /// </summary>
    public static MessageTable Adopt(MessageFlagState[] rows) => IsAscending(rows) ? new MessageTable(rows) : new MessageTable((IReadOnlyList<MessageFlagState>)rows);

    private static bool IsAscending(MessageFlagState[] rows)
    {
        for (int i = 1; i < rows.Length; i++)
            if (rows[i].Uid <= rows[i - 1].Uid) return false;
        return true;
    }

    public int Count => _count;

    public MessageFlagState this[int index] => index < _count ? _rows[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public uint LastUid => _count == 0 ? 0 : _rows[_count - 1].Uid;

    /// <summary>Index of <paramref name="uid"/>, or the bitwise complement of where it would go.</summary>
    public int IndexOf(uint uid)
    {
        int lo = 0, hi = _count - 1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            uint at = _rows[mid].Uid;
            if (at == uid) return mid;
            if (at < uid) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }

    /// <summary>Adds a message; false when its UID is already present. New UIDs normally go last.</summary>
    public bool Add(MessageFlagState row)
    {
        int at = _count > 0 && row.Uid > _rows[_count - 1].Uid ? _count : IndexOf(row.Uid);
        if (at < 0) at = ~at;
        else if (at < _count) return false;
        if (_count == _rows.Length) Array.Resize(ref _rows, _rows.Length * 2);
        if (at < _count) Array.Copy(_rows, at, _rows, at + 1, _count - at);
        _rows[at] = row;
        _count++;
        return true;
    }

    public void SetAt(int index, MessageFlagState row) => _rows[index] = row;

    /// <summary>
    /// Removes the given UIDs (any order, duplicates and absent ones ignored) and returns where the
    /// removed messages were before the removal, ascending (so also ascending UID).
    /// </summary>
    public List<(int Index, uint Uid)> Remove(IEnumerable<uint> uids)
    {
        var indices = new List<int>();
        foreach (var uid in uids)
        {
            int i = IndexOf(uid);
            if (i >= 0) indices.Add(i);
        }
        indices.Sort();
        var removed = new List<(int Index, uint Uid)>(indices.Count);
        foreach (var i in indices)
            if (removed.Count == 0 || removed[^1].Index != i) removed.Add((i, _rows[i].Uid));
        if (removed.Count == 0) return removed;
        // One compaction pass, however many go: O(n) rather than O(n) per removed message.
        int write = removed[0].Index, next = 0;
        for (int read = write; read < _count; read++)
        {
            if (next < removed.Count && removed[next].Index == read)
            {
                next++;
                continue;
            }
            _rows[write++] = _rows[read];
        }
        Array.Clear(_rows, write, _count - write);
        _count = write;
        return removed;
    }

    public MessageFlagState[] ToArray() => _rows.AsSpan(0, _count).ToArray();
}
