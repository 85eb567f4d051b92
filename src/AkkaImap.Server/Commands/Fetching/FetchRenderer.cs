using System.Buffers;
using AkkaImap.Protocol.Fetch;
using AkkaImap.Protocol.Model;
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

/// <summary>
/// Rendered <c>* n FETCH</c> lines for the first <see cref="Count"/> targets of a chunk;
/// <see cref="Expunged"/> when some of them were skipped because another session expunged them.
/// </summary>
internal sealed record RenderedChunk(IReadOnlyList<ReadOnlyMemory<byte>> Parts, int Count, bool UnknownCte, bool Expunged = false);

/// <summary>
/// Renders FETCH responses. Items from the view (UID, FLAGS, MODSEQ) are written directly;
/// the rest is read from the store — metadata from <see cref="MessageInfo"/>, sections by byte
/// range — on the worker pool, into a private output the session then sends as it is. Section
/// data of <see cref="AttachAbove"/> bytes or more is referenced where the store read it, not
/// copied: a message body goes from SQLite to the socket without another copy.
/// </summary>
internal static class FetchRenderer
{
    /// <summary>Section data this long or longer is attached to the output by reference.</summary>
    private const int AttachAbove = 4 * 1024;

    // The system flags (and a session's \Recent) in the protocol's bit layout, by the store's bits: no per-message conversion.
    private static readonly SystemFlags[] FlagTable = Enumerable.Range(0, 64).Select(i => ViewResponses.ToSystemFlags((MessageFlags)i)).ToArray();

    /// <summary>
    /// Writes the responses of a fetch that needs nothing from the store (UID, FLAGS, MODSEQ only)
    /// for <paramref name="count"/> targets from <paramref name="start"/>: the hot loop of
    /// <c>FETCH 1:* (UID FLAGS)</c>, kept free of per-message allocation.
    /// </summary>
    public static void WriteFromView(ImapWriter writer, FetchPlan plan, SelectedFolderView view, IReadOnlyList<MessageRef> messages, int start, int count)
    {
        var items = new FetchItem[plan.Attributes.Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = ((SimpleAttribute)plan.Attributes[i]).Item;
        }
        for (int m = start; m < start + count; m++)
        {
            uint msn = messages[m].Msn;
            var state = view[msn];
            if (state.Keywords is not { Count: > 0 })
            {
                FetchWriter.WriteMetadataLine(writer, msn, items, state.Uid, FlagTable[(int)state.Flags & 63], state.ModSeq);
                continue;
            }
            FetchWriter.Begin(writer, msn);
            foreach (var item in items)
            {
                switch (item)
                {
                    case FetchItem.Uid:
                        FetchWriter.WriteUid(writer, state.Uid);
                        break;
                    case FetchItem.Flags:
                        FetchWriter.WriteFlags(writer, FlagTable[(int)state.Flags & 63], state.Keywords);
                        break;
                    case FetchItem.ModSeq:
                        FetchWriter.WriteModSeq(writer, state.ModSeq);
                        break;
                }
            }
            FetchWriter.End(writer);
        }
    }

    /// <summary>
    /// Renders the responses of the first targets, stopping after the message that takes the output
    /// to <paramref name="budget"/> bytes (at least one message is rendered, whatever its size).
    /// </summary>
    public static async Task<RenderedChunk> RenderAsync(IMailStore store, long folderId, FetchPlan plan, IReadOnlyList<FetchTarget> targets, bool utf8, long budget)
    {
        var infos = await store.GetMessagesAsync(folderId, targets.Select(t => t.State.Uid).ToArray()).ConfigureAwait(false);
        var byUid = infos.ToDictionary(i => i.Uid);
        if (plan.NeedsContent)
        {
            // Only as many messages as the budget holds by the bytes read of each (its header, or
            // the whole message) are read at all.
            int fit = 0;
            long bytes = 0;
            while (fit < targets.Count && bytes < budget)
            {
                bytes += byUid.TryGetValue(targets[fit].State.Uid, out var sized) ? SectionReader.BytesRead(plan, sized) : 0;
                fit++;
            }
            if (fit < targets.Count)
            {
                targets = targets.Take(fit).ToArray();
                var kept = targets.Select(t => t.State.Uid).ToHashSet();
                infos = infos.Where(i => kept.Contains(i.Uid)).ToArray();
            }
        }
        // Small messages are read whole in one query, not one query each.
        var contents = plan.NeedsContent ? await SectionReader.ReadForPlanAsync(store, folderId, plan, infos).ConfigureAwait(false) : null;
        var buffer = new SegmentedOutput((int)Math.Min(budget, 512L * infos.Count));
        var writer = new ImapWriter(buffer, utf8);
        int done = 0;
        bool unknownCte = false;
        bool expunged = false;
        foreach (var target in targets)
        {
            done++;
            // Expunged by another session since the client last heard: nothing to say about it.
            if (!byUid.TryGetValue(target.State.Uid, out var info))
            {
                expunged = true;
                continue;
            }
            var values = await SectionReader.ReadAsync(store, folderId, plan, info, contents?.GetValueOrDefault(info.Uid)).ConfigureAwait(false);
            if (values is null)
            {
                // RFC 3516 §4.2: an encoding the server cannot remove; the others are still sent.
                unknownCte = true;
                continue;
            }
            if (values.Gone)
            {
                expunged = true;
                continue;
            }
            Write(writer, buffer, plan, target, info, values.Data);
            if (buffer.Length >= budget)
            {
                break;
            }
        }
        return new RenderedChunk(buffer.Parts(), done, unknownCte, expunged);
    }

    /// <summary>The literal's content after its header: attached when large, copied when small.</summary>
    private static void WriteContent(ImapWriter writer, SegmentedOutput output, ReadOnlyMemory<byte> data)
    {
        if (data.Length >= AttachAbove) output.Attach(data);
        else writer.WriteRaw(data.Span);
    }

    private static void Write(ImapWriter writer, SegmentedOutput output, FetchPlan plan, FetchTarget target, MessageInfo? info, SectionValue[] values)
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
                    FetchWriter.WriteFlags(writer, FlagTable[(int)state.Flags & 63], state.Keywords);
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
                    if (values[i].Data is { } rfcBytes)
                    {
                        var rfcData = Content.WithoutNul(rfcBytes);
                        FetchWriter.BeginRfc822(writer, kind, rfcData.Length);
                        WriteContent(writer, output, rfcData);
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
                    if (values[i].Data is { } sectionBytes)
                    {
                        var sectionData = Content.WithoutNul(sectionBytes);
                        FetchWriter.BeginBodySection(writer, name, origin, sectionData.Length);
                        WriteContent(writer, output, sectionData);
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
                        WriteContent(writer, output, binaryData);
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
            FetchWriter.WriteFlags(writer, FlagTable[(int)state.Flags & 63], state.Keywords);
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
}
