using AkkaImap.Protocol.Fetch;
using AkkaImap.Storage;
using FetchItem = AkkaImap.Protocol.Fetch.FetchItem;

namespace AkkaImap.Server.Commands.Fetching;

/// <summary>Section data (null is NIL) or a size, per attribute position of a <see cref="FetchPlan"/>.</summary>
internal readonly record struct SectionValue(ReadOnlyMemory<byte>? Data, long Size);

/// <summary>The section data of one message; <see cref="Gone"/> when the store no longer has it.</summary>
internal sealed record SectionValues(SectionValue[] Data, bool Gone);

/// <summary>
/// Reads what a FETCH's content attributes need of one message (RFC 9051 §6.4.5, RFC 3516 §4.2):
/// byte ranges from the part tree, HEADER.FIELDS filtered, BINARY decoded, partials cut.
/// </summary>
internal static class SectionReader
{
    /// <summary>Messages up to this size are read once for all their sections; larger ones by range.</summary>
    public const long WholeReadLimit = 256 * 1024;

    /// <summary>The bytes of one message that <paramref name="plan"/> reads: its header, or all of it.</summary>
    public static long BytesRead(FetchPlan plan, MessageInfo info) => plan.HeaderOnly ? HeaderLength(info) : info.Size;

    /// <summary>
    /// In one query, what <paramref name="plan"/> reads of <paramref name="infos"/>: every
    /// message's header for a plan that reads nothing else, else the small messages whole.
    /// </summary>
    public static Task<IReadOnlyDictionary<uint, byte[]>> ReadForPlanAsync(IMailStore store, long folderId, FetchPlan plan, IEnumerable<MessageInfo> infos)
    {
        if (!plan.HeaderOnly)
        {
            return ReadSmallAsync(store, folderId, infos);
        }
        var headers = infos.Where(i => HeaderLength(i) <= WholeReadLimit).ToDictionary(i => i.Uid, HeaderLength);
        return headers.Count > 0 ? store.ReadMessagePrefixesAsync(folderId, headers) : NothingRead;
    }

    /// <summary>The bytes of those of <paramref name="infos"/> small enough to read whole, in one query.</summary>
    public static Task<IReadOnlyDictionary<uint, byte[]>> ReadSmallAsync(IMailStore store, long folderId, IEnumerable<MessageInfo> infos)
    {
        var uids = infos.Where(i => i.Size <= WholeReadLimit).Select(i => i.Uid).ToArray();
        return uids.Length > 0 ? store.ReadMessagesAsync(folderId, uids) : NothingRead;
    }

    private static Task<IReadOnlyDictionary<uint, byte[]>> NothingRead => Task.FromResult<IReadOnlyDictionary<uint, byte[]>>(new Dictionary<uint, byte[]>());

    private static long HeaderLength(MessageInfo info) => Math.Min(info.Parts.BodyStart, info.Size);

    /// <summary>
    /// The data of every content attribute; null when a BINARY part has an unknown encoding.
    /// <paramref name="whole"/>: the message's bytes, or its header's, when the caller already
    /// read them (a chunk's small messages, or its headers, are read in one query).
    /// </summary>
    public static async Task<SectionValues?> ReadAsync(IMailStore store, long folderId, FetchPlan plan, MessageInfo info, byte[]? whole = null)
    {
        var values = new SectionValue[plan.Attributes.Count];
        if (!plan.NeedsContent)
        {
            return new SectionValues(values, false);
        }
        var source = new MessageBytes(store, folderId, info, whole);
        long size = info.Size;
        long bodyStart = Math.Min(info.Parts.BodyStart, size);
        for (int i = 0; i < values.Length; i++)
        {
            switch (plan.Attributes[i])
            {
                case SimpleAttribute { Item: FetchItem.Rfc822 }:
                    values[i] = new(await source.ReadAsync(0, size).ConfigureAwait(false), 0);
                    break;
                case SimpleAttribute { Item: FetchItem.Rfc822Header }:
                    values[i] = new(await source.ReadAsync(0, bodyStart).ConfigureAwait(false), 0);
                    break;
                case SimpleAttribute { Item: FetchItem.Rfc822Text }:
                    values[i] = new(await source.ReadAsync(bodyStart, size).ConfigureAwait(false), 0);
                    break;
                case BodySectionAttribute body:
                    values[i] = new(await ReadSectionAsync(source, info, body).ConfigureAwait(false), 0);
                    break;
                case BinaryAttribute binary:
                {
                    var (ok, data) = await ReadBinaryAsync(source, info, binary.Part).ConfigureAwait(false);
                    if (!ok) return null;
                    if (data is { } d && binary.Partial is { } p) data = Content.Slice(d, p.Origin, p.Length);
                    values[i] = new(data, 0);
                    break;
                }
                case BinarySizeAttribute binarySize:
                {
                    var (ok, data) = await ReadBinaryAsync(source, info, binarySize.Part).ConfigureAwait(false);
                    if (!ok) return null;
                    values[i] = new(null, data?.Length ?? 0);
                    break;
                }
            }
            if (source.Gone)
            {
                return new SectionValues(values, true);
            }
        }
        return new SectionValues(values, false);
    }

    private static async Task<ReadOnlyMemory<byte>?> ReadSectionAsync(MessageBytes source, MessageInfo info, BodySectionAttribute body)
    {
        if (Sections.Resolve(info.Parts, info.Size, body.Section.Part, body.Section.Text) is not { } range)
        {
            return null;
        }
        if (body.Section.Text is SectionText.HeaderFields or SectionText.HeaderFieldsNot)
        {
            var header = await source.ReadAsync(range.Start, range.End).ConfigureAwait(false);
            if (header is not { } h) return null;
            ReadOnlyMemory<byte> filtered = Content.FilterHeader(h.Span, body.Section.Fields, body.Section.Text == SectionText.HeaderFieldsNot);
            return body.Partial is { } fp ? Content.Slice(filtered, fp.Origin, fp.Length) : filtered;
        }
        if (body.Partial is { } p)
        {
            // Read only the slice asked for: a client paging through a large attachment.
            if (p.Origin >= (ulong)range.Length) return ReadOnlyMemory<byte>.Empty;
            long start = range.Start + (long)p.Origin;
            long end = (ulong)(range.End - start) > p.Length ? start + (long)p.Length : range.End;
            return await source.ReadAsync(start, end).ConfigureAwait(false);
        }
        return await source.ReadAsync(range.Start, range.End).ConfigureAwait(false);
    }

    /// <summary>BINARY[part] data decoded (RFC 3516 §4.2): (true, null) for a part that does not exist, (false, _) for an unknown CTE.</summary>
    private static async Task<(bool Ok, ReadOnlyMemory<byte>? Data)> ReadBinaryAsync(MessageBytes source, MessageInfo info, int[] part)
    {
        if (part.Length == 0)
        {
            return (true, await source.ReadAsync(0, info.Size).ConfigureAwait(false));
        }
        if (Sections.Find(info.Parts, part) is not { } node)
        {
            return (true, null);
        }
        // A multipart or message/rfc822 body may only be 7bit, 8bit or binary (RFC 2045 §6.4): sent as is.
        string? encoding = node.IsMultipart || node.IsMessage ? null : node.Encoding;
        if (encoding is not (null or "7bit" or "8bit" or "binary" or "base64" or "quoted-printable"))
        {
            return (false, null);
        }
        var raw = await source.ReadAsync(node.BodyStart, node.End).ConfigureAwait(false);
        if (raw is not { } r)
        {
            return (true, null);
        }
        Content.TryDecode(encoding, r, out var decoded);
        return (true, decoded);
    }

    /// <summary>
    /// The stored bytes of one message: read whole once when small, by range when large.
    /// <paramref name="read"/>: what the caller already read of it, the whole message or its first
    /// bytes (its header). <see cref="Gone"/> once the store no longer has it (expunged meanwhile).
    /// </summary>
    private sealed class MessageBytes(IMailStore store, long folderId, MessageInfo info, byte[]? read)
    {
        private byte[]? _whole = read;

        public bool Gone { get; private set; }

        public async Task<ReadOnlyMemory<byte>?> ReadAsync(long start, long end)
        {
            start = Math.Clamp(start, 0, info.Size);
            end = Math.Clamp(end, start, info.Size);
            if (Gone) return null;
            // The first bytes only, and more is asked for: read like a message never read.
            if (_whole is not null && end > _whole.Length && _whole.Length < info.Size) _whole = null;
            if (_whole is null && info.Size <= WholeReadLimit)
            {
                _whole = await store.ReadMessageAsync(folderId, info.Uid).ConfigureAwait(false);
                if (_whole is null)
                {
                    Gone = true;
                    return null;
                }
            }
            if (_whole is not null)
            {
                long stop = Math.Min(end, _whole.Length);
                long from = Math.Min(start, stop);
                return _whole.AsMemory((int)from, (int)(stop - from));
            }
            var bytes = await store.ReadMessageAsync(folderId, info.Uid, start, end - start).ConfigureAwait(false);
            if (bytes is null)
            {
                Gone = true;
                return null;
            }
            return bytes;
        }
    }
}
