using System.Buffers;
using System.Text;
using AkkaImap.Protocol.Model;

namespace AkkaImap.Storage.Sqlite;

/// <summary>
/// A large folder's message list (UID, flags, keywords and modseq of every message) kept as one
/// value in <c>folder_index</c>, as of one modseq, so that loading the folder reads that value and
/// the rows changed since instead of stepping through every row: the first SELECT of 100,000
/// messages spent most of its time in SQLite's per-row work and the calls around it
/// (bench/README.md, issue 17). Dovecot keeps its index file for the same reason.
/// <para>
/// The copy stays exact because of the store's own invariants: a change to a message row raises
/// its modseq above that of every copy made before it; an expunge leaves a tombstone with its
/// modseq (<c>ExpungeUids</c>); a DELETE, which removes messages without tombstones, drops the
/// copy (<c>DeleteMessages</c>, and the trigger on <c>folders</c>); a folder made again under an
/// old id has a new UIDVALIDITY, which the copy must match.
/// </para>
/// <para>
/// Encoding: a format byte, the row count, the distinct keyword texts (each length-prefixed
/// UTF-8, as <c>messages.keywords</c> holds them), then per row the UID's distance from the
/// previous one, the flag bits, the modseq's signed distance from the previous one and the
/// keyword text's number + 1 (0: none), each an unsigned LEB128 varint. 100,000 messages take
/// about 500 KB.
/// </para>
/// </summary>
internal static class FolderIndex
{
    private const byte Format = 1;

    public static byte[] Encode(IReadOnlyList<MessageFlagState> rows)
    {
        // Rows read in one load share a keyword list per distinct text: look each list up once.
        var byList = new Dictionary<IReadOnlyList<string>, int>(ReferenceEqualityComparer.Instance);
        var byText = new Dictionary<string, int>(StringComparer.Ordinal);
        var texts = new List<string>();
        var keywordOf = new int[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var keywords = rows[i].Keywords;
            if (keywords.Count == 0) continue;
            if (!byList.TryGetValue(keywords, out var number))
            {
                var text = Keywords.Join(keywords)!;
                if (!byText.TryGetValue(text, out number))
                {
                    byText[text] = number = texts.Count + 1;
                    texts.Add(text);
                }
                byList[keywords] = number;
            }
            keywordOf[i] = number;
        }

        var output = new ArrayBufferWriter<byte>(16 + rows.Count * 6);
        var w = new Writer(output);
        w.Byte(Format);
        w.Varint((ulong)rows.Count);
        w.Varint((ulong)texts.Count);
        foreach (var text in texts)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            w.Varint((ulong)bytes.Length);
            w.Bytes(bytes);
        }

        uint previousUid = 0;
        ulong previousModSeq = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Uid <= previousUid) throw new ArgumentException("rows must be in ascending UID order", nameof(rows));
            w.Varint(row.Uid - previousUid);
            w.Varint((ulong)row.Flags);
            var step = (long)(row.ModSeq - previousModSeq);
            w.Varint((ulong)((step << 1) ^ (step >> 63)));
            w.Varint((ulong)keywordOf[i]);
            previousUid = row.Uid;
            previousModSeq = row.ModSeq;
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>The rows of an encoded copy; null when it is not one this build wrote (then the folder is read row by row).</summary>
    public static MessageTable? Decode(ReadOnlySpan<byte> data, Keywords.Cache keywords)
    {
        var r = new Reader(data);
        if (!r.TryByte(out var format) || format != Format) return null;
        if (!r.TryVarint(out var count) || count > int.MaxValue || !r.TryVarint(out var textCount) || textCount > count) return null;
        var lists = new IReadOnlyList<string>[textCount + 1];
        lists[0] = Keywords.Empty;
        for (var t = 1; t <= (int)textCount; t++)
        {
            if (!r.TryVarint(out var length) || !r.TryBytes((int)Math.Min(length, int.MaxValue), out var bytes)) return null;
            lists[t] = keywords.Get(Encoding.UTF8.GetString(bytes));
        }

        // In chunks (MessageTable): one array of 100,000 rows is 2.4 MB on the large object heap.
        var rows = new MessageTable([]);
        uint uid = 0;
        ulong modSeq = 0;
        for (ulong i = 0; i < count; i++)
        {
            if (!r.TryVarint(out var uidStep) || !r.TryVarint(out var flags) || !r.TryVarint(out var zigzag) || !r.TryVarint(out var list)
                || uidStep == 0 || uidStep > uint.MaxValue - uid || list >= (ulong)lists.Length)
                return null;
            uid += (uint)uidStep;
            modSeq += (ulong)((long)(zigzag >> 1) ^ -(long)(zigzag & 1));
            rows.Add(new MessageFlagState(uid, (MessageFlags)flags, lists[list], modSeq));
        }

        return r.AtEnd ? rows : null;
    }

    /// <summary>
    /// The copy brought up to date, in place: <paramref name="vanished"/> removed, <paramref name="changed"/>
    /// put in (new messages added, changed ones replaced). Both ascend by UID.
    /// </summary>
    public static MessageTable Merge(MessageTable copy, IReadOnlyList<uint> vanished, IReadOnlyList<MessageFlagState> changed)
    {
        if (vanished.Count > 0) copy.Remove(vanished);
        foreach (var row in changed)
        {
            var i = copy.IndexOf(row.Uid);
            if (i >= 0) copy.SetAt(i, row);
            else copy.Add(row);
        }
        return copy;
    }

    private ref struct Writer(ArrayBufferWriter<byte> output)
    {
        public readonly void Byte(byte value)
        {
            output.GetSpan(1)[0] = value;
            output.Advance(1);
        }

        public readonly void Bytes(ReadOnlySpan<byte> value) => output.Write(value);

        public readonly void Varint(ulong value)
        {
            var span = output.GetSpan(10);
            var n = 0;
            while (value >= 0x80)
            {
                span[n++] = (byte)(value | 0x80);
                value >>= 7;
            }

            span[n++] = (byte)value;
            output.Advance(n);
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;

        public readonly bool AtEnd => _at == _data.Length;

        public bool TryByte(out byte value)
        {
            value = _at < _data.Length ? _data[_at] : default;
            return _at++ < _data.Length;
        }

        public bool TryBytes(int length, out ReadOnlySpan<byte> value)
        {
            value = default;
            if (length > _data.Length - _at) return false;
            value = _data.Slice(_at, length);
            _at += length;
            return true;
        }

        public bool TryVarint(out ulong value)
        {
            value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_at >= _data.Length) return false;
                var b = _data[_at++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return true;
            }

            return false;
        }
    }
}
