using RequestedItem = AkkaImap.Protocol.Fetch.FetchItem;
using AkkaImap.Protocol.Model;
using AkkaImap.Protocol.Responses;

namespace AkkaImap.Protocol.Writing;

/// <summary>
/// Writes <c>* n FETCH (...)</c> item by item (RFC 9051 §7.5.2), so hot loops need no response
/// records and large bodies are not copied twice:
/// <code>
/// FetchWriter.Begin(w, 12);
/// FetchWriter.WriteUid(w, 4827313);
/// FetchWriter.BeginBodySection(w, "", origin: null, length: blob.Length);
/// await blob.CopyToAsync(pipeWriter);     // exactly length bytes into w.Output
/// FetchWriter.End(w);                     // ")\r\n"
/// </code>
/// </summary>
public static class FetchWriter
{
    // "(\Answered \Seen)" for each of the 64 combinations of the six system flags, made by
    // ImapWriter.WriteFlagList itself so that the one-span line below writes the same bytes.
    private static readonly byte[][] FlagLists = Enumerable.Range(0, 64).Select(bits =>
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        new ImapWriter(buffer).WriteFlagList((SystemFlags)bits, null);
        return buffer.WrittenSpan.ToArray();
    }).ToArray();

    /// <summary>
    /// One whole <c>* n FETCH (UID u FLAGS (...) MODSEQ (m))</c> line, the items in
    /// <paramref name="items"/>' order (others are skipped), with system flags and no keywords:
    /// the bytes <see cref="Begin"/>, <see cref="WriteUid"/>, <see cref="WriteFlags"/>,
    /// <see cref="WriteModSeq"/> and <see cref="End"/> write, formatted into one span of the
    /// output. Token by token, a GetSpan/Advance pair each, was a quarter of the CPU of
    /// <c>FETCH 1:* (UID FLAGS)</c> on 100,000 messages.
    /// </summary>
    public static void WriteMetadataLine(ImapWriter writer, uint sequenceNumber, ReadOnlySpan<RequestedItem> items, uint uid, SystemFlags flags, ulong modSeq)
    {
        if ((int)flags is < 0 or >= 64)
        {
            throw new ArgumentOutOfRangeException(nameof(flags), "system flags only");
        }
        // "* " n " FETCH (" + per item: " MODSEQ (" m ")" at most 30, "FLAGS " + list at most 57 + ")\r\n".
        var span = writer.Output.GetSpan(20 + 60 * items.Length + 3);
        int at = Put(span, 0, "* "u8);
        at += Number(span[at..], sequenceNumber);
        at = Put(span, at, " FETCH ("u8);
        bool first = true;
        foreach (var item in items)
        {
            if (item is not (RequestedItem.Uid or RequestedItem.Flags or RequestedItem.ModSeq)) continue;
            if (!first) span[at++] = (byte)' ';
            first = false;
            switch (item)
            {
                case RequestedItem.Uid:
                    at = Put(span, at, "UID "u8);
                    at += Number(span[at..], uid);
                    break;
                case RequestedItem.Flags:
                    at = Put(span, at, "FLAGS "u8);
                    at = Put(span, at, FlagLists[(int)flags]);
                    break;
                default:
                    at = Put(span, at, "MODSEQ ("u8);
                    at += Number(span[at..], modSeq);
                    span[at++] = (byte)')';
                    break;
            }
        }
        at = Put(span, at, ")\r\n"u8);
        writer.Output.Advance(at);
        writer.FetchHasItems = false;

        static int Put(Span<byte> span, int at, ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(span[at..]);
            return at + bytes.Length;
        }

        static int Number(Span<byte> span, ulong value)
        {
            System.Buffers.Text.Utf8Formatter.TryFormat(value, span, out int written);
            return written;
        }
    }

    public static void Begin(ImapWriter writer, uint sequenceNumber)
    {
        writer.WriteRaw("* "u8);
        writer.WriteNumber((ulong)sequenceNumber);
        writer.WriteRaw(" FETCH ("u8);
        writer.FetchHasItems = false;
    }

    public static void End(ImapWriter writer)
    {
        writer.WriteRaw(")\r\n"u8);
        writer.FetchHasItems = false;
    }

    public static void WriteUid(ImapWriter writer, uint uid)
    {
        Separate(writer);
        writer.WriteRaw("UID "u8);
        writer.WriteNumber((ulong)uid);
    }

    public static void WriteFlags(ImapWriter writer, SystemFlags flags, IReadOnlyList<string>? keywords = null)
    {
        Separate(writer);
        writer.WriteRaw("FLAGS "u8);
        writer.WriteFlagList(flags, keywords);
    }

    public static void WriteModSeq(ImapWriter writer, ulong modSeq)
    {
        Separate(writer);
        writer.WriteRaw("MODSEQ ("u8);
        writer.WriteNumber(modSeq);
        writer.WriteByte((byte)')');
    }

    /// <summary>
    /// Writes <c>BODY[section]&lt;origin&gt; {length}\r\n</c>; the caller then writes exactly
    /// <paramref name="length"/> bytes to <see cref="ImapWriter.Output"/>.
    /// </summary>
    public static void BeginBodySection(ImapWriter writer, string section, uint? origin, long length)
    {
        WriteSectionName(writer, "BODY["u8, section, origin);
        writer.WriteLiteralHeader(length);
    }

    /// <summary>
    /// Writes <c>BINARY[section]&lt;origin&gt; {length}\r\n</c>, or <c>~{length}</c> (literal8) when
    /// the decoded data holds NUL (RFC 3516 §4.2); the caller then writes the bytes.
    /// </summary>
    public static void BeginBinarySection(ImapWriter writer, string section, uint? origin, long length, bool containsNul)
    {
        WriteSectionName(writer, "BINARY["u8, section, origin);
        if (containsNul)
        {
            writer.WriteLiteral8Header(length);
        }
        else
        {
            writer.WriteLiteralHeader(length);
        }
    }

    /// <summary>Writes <c>RFC822[.HEADER|.TEXT] {length}\r\n</c>; the caller then writes the bytes.</summary>
    public static void BeginRfc822(ImapWriter writer, Rfc822ItemKind kind, long length)
    {
        Separate(writer);
        writer.WriteRaw(Rfc822Name(kind));
        writer.WriteSpace();
        writer.WriteLiteralHeader(length);
    }

    public static void WriteItem(ImapWriter writer, FetchItem item)
    {
        switch (item)
        {
            case UidItem i:
                WriteUid(writer, i.Uid);
                return;
            case FlagsItem i:
                WriteFlags(writer, i.Flags, i.Keywords);
                return;
            case ModSeqItem i:
                WriteModSeq(writer, i.ModSeq);
                return;
        }
        Separate(writer);
        switch (item)
        {
            case InternalDateItem i:
                writer.WriteRaw("INTERNALDATE "u8);
                writer.WriteDateTime(i.Date);
                break;
            case Rfc822SizeItem i:
                writer.WriteRaw("RFC822.SIZE "u8);
                writer.WriteNumber(i.Size);
                break;
            case EnvelopeItem i:
                writer.WriteRaw("ENVELOPE "u8);
                BodyStructureWriter.WriteEnvelope(writer, i.Envelope);
                break;
            case BodyItem i:
                writer.WriteRaw("BODY "u8);
                BodyStructureWriter.WriteBody(writer, i.Body, extensible: false);
                break;
            case BodyStructureItem i:
                writer.WriteRaw("BODYSTRUCTURE "u8);
                BodyStructureWriter.WriteBody(writer, i.Body, extensible: true);
                break;
            case BodySectionItem i:
                WriteSectionNameBody(writer, "BODY["u8, i.Section, i.Origin);
                writer.WriteNLiteral(i.Data);
                break;
            case BinarySectionItem i:
                WriteSectionNameBody(writer, "BINARY["u8, i.Section, i.Origin);
                writer.WriteNLiteral(i.Data);
                break;
            case BinarySizeItem i:
                writer.WriteRaw("BINARY.SIZE["u8);
                writer.WriteProtocolText(i.Section);
                writer.WriteRaw("] "u8);
                writer.WriteNumber(i.Size);
                break;
            case Rfc822Item i:
                writer.WriteRaw(Rfc822Name(i.Kind));
                writer.WriteSpace();
                writer.WriteNLiteral(i.Data);
                break;
            case EmailIdItem i:
                writer.WriteRaw("EMAILID ("u8);
                writer.WriteAtom(i.EmailId);
                writer.WriteByte((byte)')');
                break;
            case ThreadIdItem i:
                writer.WriteRaw("THREADID "u8);
                if (i.ThreadId is null)
                {
                    writer.WriteNil();
                }
                else
                {
                    writer.WriteByte((byte)'(');
                    writer.WriteAtom(i.ThreadId);
                    writer.WriteByte((byte)')');
                }
                break;
            case SaveDateItem i:
                writer.WriteRaw("SAVEDATE "u8);
                if (i.Date is { } date)
                {
                    writer.WriteDateTime(date);
                }
                else
                {
                    writer.WriteNil();
                }
                break;
            case PreviewItem i:
                writer.WriteRaw("PREVIEW "u8);
                writer.WriteNString(i.Preview);
                break;
            default:
                throw new ArgumentException($"No serializer for {item.GetType().Name}.", nameof(item));
        }
    }

    private static void Separate(ImapWriter writer)
    {
        if (writer.FetchHasItems)
        {
            writer.WriteSpace();
        }
        writer.FetchHasItems = true;
    }

    private static void WriteSectionName(ImapWriter writer, ReadOnlySpan<byte> prefix, string section, uint? origin)
    {
        Separate(writer);
        WriteSectionNameBody(writer, prefix, section, origin);
    }

    // "BODY[" section "]" ["<" number ">"] SP — the origin echoes where a partial fetch started.
    private static void WriteSectionNameBody(ImapWriter writer, ReadOnlySpan<byte> prefix, string section, uint? origin)
    {
        writer.WriteRaw(prefix);
        writer.WriteProtocolText(section);
        writer.WriteByte((byte)']');
        if (origin is { } o)
        {
            writer.WriteByte((byte)'<');
            writer.WriteNumber((ulong)o);
            writer.WriteByte((byte)'>');
        }
        writer.WriteSpace();
    }

    private static ReadOnlySpan<byte> Rfc822Name(Rfc822ItemKind kind) => kind switch
    {
        Rfc822ItemKind.Header => "RFC822.HEADER"u8,
        Rfc822ItemKind.Text => "RFC822.TEXT"u8,
        _ => "RFC822"u8,
    };
}
