using System.Collections;

namespace AkkaImap.Storage;

/// <summary>
/// The messages of a folder in ascending UID order: index + 1 is the message sequence number (RFC
/// 9051 §2.3.1.2). Lookups by UID are binary searches; removals compact in one pass however many
/// messages go. The SQLite store loads a folder's list into one; the owner's cache of an open
/// folder and each session's view of a selected one keep theirs in one.
/// <para>
/// The rows are kept in chunks of at most <see cref="ChunkSize"/> (under the large object heap's
/// threshold), and <see cref="Snapshot"/> shares them: a chunk either table changes afterwards is
/// copied first. A SELECT of 100,000 messages copied 2.4 MB into a new array on the large object
/// heap, which brought a full collection nearer each time: 6-14 ms of the owner's time per SELECT
/// (issue 17). Now it copies a list of 49 references, and a change copies one chunk of 48 KB.
/// </para>
/// </summary>
public sealed class MessageTable : IReadOnlyList<MessageFlagState>
{
    /// <summary>The most rows a chunk holds: 2,048 rows of 24 bytes stay below the 85,000-byte large object threshold.</summary>
    public const int ChunkSize = 2048;

    private readonly List<Chunk> _chunks;
    // _starts[k] is the index of chunk k's first row. Replaced, never changed in place: a snapshot shares it.
    private int[] _starts;
    private int _count;
    // The chunk the last lookup by index found: sequential reads (FETCH 1:*) skip the search.
    private int _hint;

    public MessageTable(IReadOnlyList<MessageFlagState> rows)
    {
        _chunks = new List<Chunk>((rows.Count + ChunkSize - 1) / ChunkSize);
        _starts = [];
        if (IsAscending(rows))
        {
            // The common case (a snapshot from another node, the store's list): block copies, one per chunk.
            for (int from = 0; from < rows.Count; from += ChunkSize)
            {
                var chunk = new Chunk(new MessageFlagState[Math.Min(ChunkSize, rows.Count - from)]);
                if (rows is MessageFlagState[] array) Array.Copy(array, from, chunk.Rows, 0, chunk.Rows.Length);
                else for (int i = 0; i < chunk.Rows.Length; i++) chunk.Rows[i] = rows[from + i];
                chunk.Count = chunk.Rows.Length;
                _chunks.Add(chunk);
            }
            _count = rows.Count;
            _starts = Starts(_chunks);
            return;
        }
        for (int i = 0; i < rows.Count; i++) Add(rows[i]);
    }

    private MessageTable(List<Chunk> chunks, int[] starts, int count)
    {
        _chunks = chunks;
        _starts = starts;
        _count = count;
    }

    private static bool IsAscending(IReadOnlyList<MessageFlagState> rows)
    {
        for (int i = 1; i < rows.Count; i++)
            if (rows[i].Uid <= rows[i - 1].Uid) return false;
        return true;
    }

    public int Count => _count;

    public MessageFlagState this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(index));
            int k = ChunkOf(index);
            return _chunks[k].Rows[index - _starts[k]];
        }
    }

    public uint LastUid => _count == 0 ? 0 : _chunks[^1].LastUid;

    /// <summary>
    /// A table with the same rows that shares this one's chunks; from now on either table copies a
    /// chunk before it changes it. For a snapshot sent to a session, which changes its own.
    /// </summary>
    public MessageTable Snapshot()
    {
        foreach (var chunk in _chunks) chunk.Shared = true;
        return new MessageTable([.. _chunks], _starts, _count);
    }

    /// <summary>Index of <paramref name="uid"/>, or the bitwise complement of where it would go.</summary>
    public int IndexOf(uint uid)
    {
        // The first chunk whose last UID is not below the one looked for holds it, if any does.
        int lo = 0, hi = _chunks.Count - 1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (_chunks[mid].LastUid < uid) lo = mid + 1;
            else hi = mid - 1;
        }
        if (lo == _chunks.Count) return ~_count;
        var rows = _chunks[lo].Rows;
        int start = _starts[lo], low = 0, high = _chunks[lo].Count - 1;
        while (low <= high)
        {
            int mid = low + ((high - low) >> 1);
            uint at = rows[mid].Uid;
            if (at == uid) return start + mid;
            if (at < uid) low = mid + 1;
            else high = mid - 1;
        }
        return ~(start + low);
    }

    /// <summary>Adds a message; false when its UID is already present. New UIDs normally go last.</summary>
    public bool Add(MessageFlagState row)
    {
        if (_count == 0 || row.Uid > LastUid)
        {
            if (_chunks.Count == 0 || _chunks[^1].Count == ChunkSize)
            {
                // A first chunk grows from small (most folders are); the ones after it are made whole.
                _chunks.Add(new Chunk(new MessageFlagState[_chunks.Count == 0 ? 4 : ChunkSize]));
                _starts = [.. _starts, _count];
            }
            var last = Writable(_chunks.Count - 1, room: 1);
            last.Rows[last.Count++] = row;
            _count++;
            return true;
        }

        int at = IndexOf(row.Uid);
        if (at >= 0) return false;
        at = ~at;
        // Below the last UID, so at < _count: the chunk holding that position takes the row.
        int k = ChunkOf(at);
        if (_chunks[k].Count == ChunkSize)
        {
            Split(k);
            k = ChunkOf(at);
        }
        var chunk = Writable(k, room: 1);
        int local = at - _starts[k];
        Array.Copy(chunk.Rows, local, chunk.Rows, local + 1, chunk.Count - local);
        chunk.Rows[local] = row;
        chunk.Count++;
        _count++;
        _starts = Starts(_chunks);
        return true;
    }

    public void SetAt(int index, MessageFlagState row)
    {
        if ((uint)index >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(index));
        int k = ChunkOf(index);
        Writable(k, room: 0).Rows[index - _starts[k]] = row;
    }

    /// <summary>
    /// Adds <paramref name="flags"/> to every row from UID <paramref name="uid"/> on (\Recent on
    /// the messages a SELECT claims): only the tail is visited, and each of its chunks copied once.
    /// </summary>
    public void AddFlagsFrom(uint uid, MessageFlags flags)
    {
        for (int k = _chunks.Count - 1; k >= 0 && _chunks[k].LastUid >= uid; k--)
        {
            var chunk = Writable(k, room: 0);
            for (int i = chunk.Count - 1; i >= 0 && chunk.Rows[i].Uid >= uid; i--)
                chunk.Rows[i] = chunk.Rows[i] with { Flags = chunk.Rows[i].Flags | flags };
        }
    }

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
            if (removed.Count == 0 || removed[^1].Index != i) removed.Add((i, this[i].Uid));
        if (removed.Count == 0) return removed;

        // One compaction pass per chunk that loses rows; the others are not touched (nor copied).
        int next = 0;
        while (next < removed.Count)
        {
            int k = ChunkOf(removed[next].Index);
            int start = _starts[k];
            var chunk = Writable(k, room: 0);
            int write = removed[next].Index - start;
            for (int read = write; read < chunk.Count; read++)
            {
                if (next < removed.Count && removed[next].Index == start + read)
                {
                    next++;
                    continue;
                }
                chunk.Rows[write++] = chunk.Rows[read];
            }
            Array.Clear(chunk.Rows, write, chunk.Count - write);
            chunk.Count = write;
        }
        _chunks.RemoveAll(chunk => chunk.Count == 0);
        _count -= removed.Count;
        _starts = Starts(_chunks);
        _hint = 0;
        return removed;
    }

    public MessageFlagState[] ToArray()
    {
        var rows = new MessageFlagState[_count];
        for (int k = 0; k < _chunks.Count; k++) Array.Copy(_chunks[k].Rows, 0, rows, _starts[k], _chunks[k].Count);
        return rows;
    }

    public IEnumerator<MessageFlagState> GetEnumerator()
    {
        foreach (var chunk in _chunks)
            for (int i = 0; i < chunk.Count; i++) yield return chunk.Rows[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int ChunkOf(int index)
    {
        int hint = _hint;
        if (hint < _chunks.Count && index >= _starts[hint] && index - _starts[hint] < _chunks[hint].Count) return hint;
        // The last chunk whose first index is not above the one looked for.
        int lo = 0, hi = _chunks.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (_starts[mid] <= index) lo = mid;
            else hi = mid - 1;
        }
        return _hint = lo;
    }

    /// <summary>Chunk <paramref name="k"/>, this table's own (copied when shared) with room for <paramref name="room"/> more rows.</summary>
    private Chunk Writable(int k, int room)
    {
        var chunk = _chunks[k];
        int needed = chunk.Count + room;
        if (!chunk.Shared && needed <= chunk.Rows.Length) return chunk;
        int capacity = needed <= chunk.Rows.Length ? chunk.Rows.Length : Math.Min(ChunkSize, Math.Max(needed, chunk.Rows.Length * 2));
        var own = new Chunk(new MessageFlagState[capacity]) { Count = chunk.Count };
        Array.Copy(chunk.Rows, own.Rows, chunk.Count);
        _chunks[k] = own;
        return own;
    }

    /// <summary>Splits the full chunk <paramref name="k"/> in two halves of this table's own.</summary>
    private void Split(int k)
    {
        var full = _chunks[k];
        int half = full.Count / 2;
        var low = new Chunk(new MessageFlagState[ChunkSize]) { Count = half };
        var high = new Chunk(new MessageFlagState[ChunkSize]) { Count = full.Count - half };
        Array.Copy(full.Rows, 0, low.Rows, 0, half);
        Array.Copy(full.Rows, half, high.Rows, 0, high.Count);
        _chunks[k] = low;
        _chunks.Insert(k + 1, high);
        _starts = Starts(_chunks);
    }

    private static int[] Starts(List<Chunk> chunks)
    {
        var starts = new int[chunks.Count];
        for (int k = 1; k < starts.Length; k++) starts[k] = starts[k - 1] + chunks[k - 1].Count;
        return starts;
    }

    private sealed class Chunk(MessageFlagState[] rows)
    {
        public readonly MessageFlagState[] Rows = rows;
        public int Count;
        // Set once two tables hold the chunk: neither changes it again, each changes a copy.
        public bool Shared;

        public uint LastUid => Rows[Count - 1].Uid;
    }
}
