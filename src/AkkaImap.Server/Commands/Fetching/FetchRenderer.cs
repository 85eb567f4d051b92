using System.Buffers;
using AkkaImap.Protocol.Fetch;
using AkkaImap.Protocol.Responses;
using AkkaImap.Protocol.Writing;
using AkkaImap.Server.Sessions;
using AkkaImap.Storage;
using FetchItem = AkkaImap.Protocol.Fetch.FetchItem;

namespace AkkaImap.Server.Commands.Fetching;

/// <summary>
/// One message to answer: its sequence number and its flags as the session's view has them (the
/// client sees the view's state, RFC 9051 §7.5.2); <see cref="FlagsChanged"/> when this FETCH set
/// \Seen, so FLAGS goes with the response even if not asked (RFC 9051 §6.4.5).
/// </summary>
internal readonly record struct FetchTarget(uint Msn, MessageFlagState State, bool FlagsChanged);

/// <summary>Rendered <c>* n FETCH</c> lines for the first <see cref="Count"/> targets of a chunk.</summary>
internal sealed record RenderedChunk(byte[] Bytes, int Count, bool UnknownCte);

/// <summary>
/// Renders FETCH responses. Items from the view (UID, FLAGS, MODSEQ) are written directly;
/// the rest is read from the store — metadata from <see cref="MessageInfo"/>, sections by byte
/// range — on the worker pool, into a private buffer the session then sends as it is.
/// </summary>
internal static class FetchRenderer
{
    /// <summary>Messages up to this size are read once for all their sections; larger ones by range.</summary>
    private const long WholeReadLimit = 256 * 1024;

    /// <summary>A chunk stops after the message that takes its output past this, bounding memory.</summary>
    private const int ChunkBudget = 2 * 1024 * 1024;

    /// <summary>Writes a response that needs nothing from the store (UID, FLAGS, MODSEQ only).</summary>
    public static void WriteFromView(ImapWriter writer, FetchPlan plan, FetchTarget target) =>
        Write(writer, plan, target, null, []);

    public static async Task<RenderedChunk> RenderAsync(IMailStore store, long folderId, FetchPlan plan, IReadOnlyList<FetchTarget> targets, bool utf8)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        var writer = new ImapWriter(buffer, utf8);
        var infos = await store.GetMessagesAsync(folderId, targets.Select(t => t.State.Uid).ToArray()).ConfigureAwait(false);
        var byUid = infos.ToDictionary(i => i.Uid);
        int done = 0;
        bool unknownCte = false;
        foreach (var target in targets)
        {
            done++;
            // Expunged by another session since the client last heard: nothing to say about it.
            if (!byUid.TryGetValue(target.State.Uid, out var info))
            {
                continue;
            }
            var values = await ReadValuesAsync(store, folderId, plan, info).ConfigureAwait(false);
            if (values is null)
            {
                // RFC 3516 §4.2: an encoding the server cannot remove; the others are still sent.
                unknownCte = true;
                continue;
            }
            if (values.Gone)
            {
                continue;
            }
            Write(writer, plan, target, info, values.Data);
            if (buffer.WrittenCount > ChunkBudget)
            {
                break;
            }
        }
        return new RenderedChunk(buffer.WrittenSpan.ToArray(), done, unknownCte);
    }

    private sealed record Values(Value[] Data, bool Gone);

    /// <summary>Section data (null is NIL) or a size, per attribute position.</summary>
    private readonly record struct Value(ReadOnlyMemory<byte>? Data, long Size);

    /// <summary>The data of every content attribute; null when a BINARY part has an unknown encoding.</summary>
    private static async Task<Values?> ReadValuesAsync(IMailStore store, long folderId, FetchPlan plan, MessageInfo info)
    {
        var values = new Value[plan.Attributes.Count];
        if (!plan.NeedsContent)
        {
            return new Values(values, false);
        }
        var source = new MessageBytes(store, folderId, info);
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
                return new Values(values, true);
            }
        }
        return new Values(values, false);
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

    private static void Write(ImapWriter writer, FetchPlan plan, FetchTarget target, MessageInfo? info, Value[] values)
    {
        var state = target.State;
        FetchWriter.Begin(writer, target.Msn);
        for (int i = 0; i < plan.Attributes.Count; i++)
        {
            switch (plan.Attributes[i])
            {
                case SimpleAttribute { Item: FetchItem.Uid }:
                    FetchWriter.WriteUid(writer, state.Uid);
                    break;
                case SimpleAttribute { Item: FetchItem.Flags }:
                    FetchWriter.WriteFlags(writer, ViewResponses.ToSystemFlags(state.Flags), state.Keywords);
                    break;
                case SimpleAttribute { Item: FetchItem.ModSeq }:
                    FetchWriter.WriteModSeq(writer, state.ModSeq);
                    break;
                case SimpleAttribute { Item: FetchItem.Rfc822 or FetchItem.Rfc822Header or FetchItem.Rfc822Text } rfc822:
                    var kind = rfc822.Item switch
                    {
                        FetchItem.Rfc822 => Rfc822ItemKind.Message,
                        FetchItem.Rfc822Header => Rfc822ItemKind.Header,
                        _ => Rfc822ItemKind.Text,
                    };
                    if (values[i].Data is { } rfcData)
                    {
                        FetchWriter.BeginRfc822(writer, kind, rfcData.Length);
                        writer.WriteRaw(rfcData.Span);
                    }
                    else
                    {
                        FetchWriter.WriteItem(writer, new Rfc822Item(kind, null));
                    }
                    break;
                case SimpleAttribute simple when info is not null:
                    FetchWriter.WriteItem(writer, MetadataItem(simple.Item, info));
                    break;
                case PreviewAttribute when info is not null:
                    // RFC 8970 §4: computed at append time, so LAZY never has to wait.
                    FetchWriter.WriteItem(writer, new PreviewItem(info.Preview));
                    break;
                case BodySectionAttribute body:
                    string name = Sections.Name(body.Section);
                    uint? origin = Origin(body.Partial);
                    if (values[i].Data is { } sectionData)
                    {
                        FetchWriter.BeginBodySection(writer, name, origin, sectionData.Length);
                        writer.WriteRaw(sectionData.Span);
                    }
                    else
                    {
                        FetchWriter.WriteItem(writer, new BodySectionItem(name, null));
                    }
                    break;
                case BinaryAttribute binary:
                    string part = Sections.Name(binary.Part);
                    if (values[i].Data is { } binaryData)
                    {
                        FetchWriter.BeginBinarySection(writer, part, Origin(binary.Partial), binaryData.Length, Content.ContainsNul(binaryData.Span));
                        writer.WriteRaw(binaryData.Span);
                    }
                    else
                    {
                        FetchWriter.WriteItem(writer, new BinarySectionItem(part, null));
                    }
                    break;
                case BinarySizeAttribute binarySize:
                    FetchWriter.WriteItem(writer, new BinarySizeItem(Sections.Name(binarySize.Part), values[i].Size));
                    break;
            }
        }
        if (target.FlagsChanged && !plan.HasFlags)
        {
            FetchWriter.WriteFlags(writer, ViewResponses.ToSystemFlags(state.Flags), state.Keywords);
        }
        FetchWriter.End(writer);
    }

    private static Protocol.Responses.FetchItem MetadataItem(FetchItem item, MessageInfo info) => item switch
    {
        FetchItem.Envelope => new EnvelopeItem(info.Envelope),
        FetchItem.InternalDate => new InternalDateItem(info.InternalDate),
        FetchItem.Rfc822Size => new Rfc822SizeItem(info.Size),
        FetchItem.Body => new BodyItem(info.Body),
        FetchItem.BodyStructure => new BodyStructureItem(info.Body),
        FetchItem.SaveDate => new SaveDateItem(info.SaveDate),
        FetchItem.EmailId => new EmailIdItem(info.EmailId),
        FetchItem.ThreadId => new ThreadIdItem(info.ThreadId),
        _ => throw new ArgumentOutOfRangeException(nameof(item), item, "not a metadata item"),
    };

    private static uint? Origin(Partial? partial) =>
        partial is { } p ? (uint)Math.Min(p.Origin, uint.MaxValue) : null;

    /// <summary>
    /// The stored bytes of one message: read whole once when small, by range when large.
    /// <see cref="Gone"/> once the store no longer has it (expunged meanwhile).
    /// </summary>
    private sealed class MessageBytes(IMailStore store, long folderId, MessageInfo info)
    {
        private byte[]? _whole;

        public bool Gone { get; private set; }

        public async Task<ReadOnlyMemory<byte>?> ReadAsync(long start, long end)
        {
            start = Math.Clamp(start, 0, info.Size);
            end = Math.Clamp(end, start, info.Size);
            if (Gone) return null;
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
