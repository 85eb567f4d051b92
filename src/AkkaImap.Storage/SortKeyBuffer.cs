namespace AkkaImap.Storage;

/// <summary>
/// Collects the rows of a sort-keys query (<see cref="IMailStore.GetSortKeysAsync"/>) into one
/// array per column, grown by doubling: a 100,000-message folder costs a few arrays, not an object
/// per message. Both stores read into it.
/// </summary>
internal sealed class SortKeyBuffer
{
    private uint[] _uids;
    private readonly long[][] _keys;
    private int _count;

    public SortKeyBuffer(int columns, int capacity)
    {
        capacity = Math.Max(16, capacity);
        _uids = new uint[capacity];
        _keys = new long[columns][];
        for (int c = 0; c < columns; c++) _keys[c] = new long[capacity];
    }

    public int Columns => _keys.Length;

    /// <summary>Starts a row and returns its index; the caller sets its keys with <see cref="Set"/>.</summary>
    public int Add(uint uid)
    {
        if (_count == _uids.Length)
        {
            int grown = _uids.Length * 2;
            Array.Resize(ref _uids, grown);
            for (int c = 0; c < _keys.Length; c++) Array.Resize(ref _keys[c], grown);
        }
        _uids[_count] = uid;
        return _count++;
    }

    public void Set(int row, int column, long value) => _keys[column][row] = value;

    public SortKeyColumns ToColumns()
    {
        var keys = new long[_keys.Length][];
        for (int c = 0; c < keys.Length; c++) keys[c] = Trim(_keys[c]);
        return new SortKeyColumns(Trim(_uids), keys);
    }

    private T[] Trim<T>(T[] array)
    {
        if (array.Length == _count) return array;
        Array.Resize(ref array, _count);
        return array;
    }
}
