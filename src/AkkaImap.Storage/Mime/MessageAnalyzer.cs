using System.Runtime.InteropServices;
using AkkaImap.Protocol.Model;
using AkkaImap.Storage.Search;
using MimeKit;
using ContentDisposition = AkkaImap.Protocol.Model.ContentDisposition;

namespace AkkaImap.Storage.Mime;

/// <summary>
/// What append stores for one message besides its flags; <see cref="Text"/> goes to the full-text
/// index (null: its text could not be read, so SEARCH scans it).
/// </summary>
internal sealed record AnalysedMessage(ReadOnlyMemory<byte> Content, byte[] Envelope, byte[] Body, byte[] Parts, string Preview, IndexedDocument? Text)
{
    /// <summary>
    /// SORT's sent date (RFC 5256 §2.2), Unix milliseconds: the Date header as MimeKit reads it;
    /// null when it is missing or unreadable (SORT then takes the internal date).
    /// </summary>
    public long? SentDate { get; init; }
}

/// <summary>
/// Parses a message once, at append time, with MimeKit's offset-reporting parser events, and
/// produces the ENVELOPE, BODYSTRUCTURE, part-offset tree and PREVIEW. Malformed input never
/// fails: whatever MimeKit cannot make sense of becomes a single text/plain part.
/// </summary>
internal static class MessageAnalyzer
{
    private readonly record struct Span(long Begin, long HeadersEnd, long End, long Lines);

    /// <summary>
    /// Analyses <paramref name="content"/> where it lies: it is neither copied nor kept beyond the
    /// result. Without <paramref name="withText"/> the full-text index's text is not made (null):
    /// a store that indexes later, from the stored body, has no use for it here.
    /// </summary>
    public static AnalysedMessage Analyse(ReadOnlyMemory<byte> content, bool withText = true)
    {
        MimePartNode parts;
        Envelope envelope;
        BodyPart body;
        string preview;
        IndexedDocument? text;
        try
        {
            var spans = new Dictionary<MimeEntity, Span>(ReferenceEqualityComparer.Instance);
            using var message = Parse(content, spans);
            var builder = new Builder(spans);
            parts = builder.Node(message.Body!, 0);
            envelope = EnvelopeBuilder.Build(message);
            body = builder.Body(message.Body!);
            preview = PreviewText.From(message, content.Length);
            text = withText ? TextOf(message, spans, content.Length, envelope) : null;
        }
        catch (Exception)
        {
            (parts, envelope, body, preview) = Fallback(content.Span);
            text = withText ? FallbackText(content, envelope) : null;
        }
        return new AnalysedMessage(content, ModelCodec.Write(envelope), ModelCodec.Write(body), ModelCodec.Write(parts), preview, text)
        {
            SentDate = SortDates.SentDate(envelope)?.ToUnixTimeMilliseconds(),
        };
    }

    /// <summary>
    /// The full-text index's text of a stored message, as <see cref="Analyse"/> makes it, from its
    /// bytes and its stored envelope: for an index pass, which makes it only for the bodies still
    /// there a moment after their append. Null when it cannot be read or is too long (the scan decides it).
    /// </summary>
    public static IndexedDocument? IndexText(ReadOnlyMemory<byte> content, byte[] storedEnvelope)
    {
        Envelope envelope;
        try
        {
            envelope = ModelCodec.ReadEnvelope(storedEnvelope);
        }
        catch (Exception)
        {
            return null;
        }
        try
        {
            var spans = new Dictionary<MimeEntity, Span>(ReferenceEqualityComparer.Instance);
            using var message = Parse(content, spans);
            return TextOf(message, spans, content.Length, envelope);
        }
        catch (Exception)
        {
            return FallbackText(content, envelope);
        }
    }

    /// <summary>
    /// Parses <paramref name="content"/> where it lies, noting each entity's offsets in
    /// <paramref name="spans"/>. The message's parts read from the content as they are decoded.
    /// </summary>
    private static MimeMessage Parse(ReadOnlyMemory<byte> content, Dictionary<MimeEntity, Span> spans)
    {
        var begins = new Dictionary<MimeEntity, long>(ReferenceEqualityComparer.Instance);
        // Not disposed: a MemoryStream over an array holds nothing to release, and the parts read from it.
        var stream = MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
        var parser = new MimeParser(stream, MimeFormat.Entity, persistent: true);
        parser.MimeEntityBegin += (_, e) => begins[e.Entity] = e.BeginOffset;
        parser.MimeEntityEnd += (_, e) => spans[e.Entity] = new Span(begins.GetValueOrDefault(e.Entity), e.HeadersEndOffset, e.EndOffset, e.Lines);
        var message = parser.ParseMessage();
        if (message.Body is null)
        {
            message.Dispose();
            throw new FormatException("message without body");
        }
        return message;
    }

    /// <summary>
    /// The index's text of a parsed message. Decoding the text parts of a message whose text
    /// cannot fit the index would only cost memory (a 16 MB text body is 32 MB of string): such a
    /// message is left to the scan.
    /// </summary>
    private static IndexedDocument? TextOf(MimeMessage message, Dictionary<MimeEntity, Span> spans, long length, Envelope envelope) =>
        TextBytesAtMost(message, spans, length) > IndexedDocument.MaxIndexedChars
            ? null
            : IndexedDocument.OfOrNull(MessageText.FromParsed(message), envelope);

    /// <summary>
    /// An upper bound of the characters SEARCH's text of a message can have: its bytes less the
    /// bodies of its non-text leaf parts (attachments). A character takes at least one byte in any
    /// transfer encoding and charset, so the decoded text is never longer.
    /// </summary>
    private static long TextBytesAtMost(MimeMessage message, Dictionary<MimeEntity, Span> spans, long total)
    {
        long bound = total;
        foreach (var part in message.BodyParts)
        {
            // An attached message (MessagePart) counts whole: its own text parts are searched too.
            if (part is not (TextPart or MessagePart) && spans.TryGetValue(part, out var span)) bound -= span.End - span.HeadersEnd;
        }
        return bound;
    }

    /// <summary>
    /// The index text of a message the analysis could not read: what SEARCH's scan would find in
    /// it (its own parse, which may still succeed), or null when that fails too.
    /// </summary>
    private static IndexedDocument? FallbackText(ReadOnlyMemory<byte> content, Envelope envelope)
    {
        try
        {
            return IndexedDocument.OfOrNull(MessageText.FromMessage(content.ToArray()), envelope);
        }
        catch (Exception)
        {
            return null;
        }
    }

    /// <summary>A single text/plain part: headers up to the first empty line, the rest is body.</summary>
    private static (MimePartNode, Envelope, BodyPart, string) Fallback(ReadOnlySpan<byte> span)
    {
        long bodyStart = span.Length;
        var crlf = span.IndexOf("\r\n\r\n"u8);
        var lf = span.IndexOf("\n\n"u8);
        if (crlf >= 0 && (lf < 0 || crlf < lf)) bodyStart = crlf + 4;
        else if (lf >= 0) bodyStart = lf + 2;
        var bodySpan = span[(int)bodyStart..];
        var lines = bodySpan.Count((byte)'\n') + (bodySpan.Length > 0 && bodySpan[^1] != '\n' ? 1 : 0);
        var node = new MimePartNode(0, bodyStart, span.Length, "text/plain", null, [], null);
        var envelope = new Envelope(null, null, null, null, null, null, null, null, null, null);
        var body = new SinglePart("TEXT", "PLAIN")
        {
            Parameters = [new("CHARSET", "US-ASCII")],
            Size = span.Length - bodyStart,
            Lines = lines,
        };
        return (node, envelope, body, "");
    }

    private sealed class Builder(Dictionary<MimeEntity, Span> spans)
    {
        private Span SpanOf(MimeEntity e) => spans.TryGetValue(e, out var s) ? s : throw new InvalidOperationException("entity without offsets");

        /// <param name="headerStart">Where this entity's header starts; for a message root, the message's first byte.</param>
        public MimePartNode Node(MimeEntity entity, long headerStart)
        {
            var span = SpanOf(entity);
            var children = entity is Multipart multipart ? multipart.Select(p => Node(p, SpanOf(p).Begin)).ToArray() : [];
            var message = entity is MessagePart { Message: { Body: { } inner } } ? Node(inner, span.HeadersEnd) : null;
            var encoding = entity.Headers[HeaderId.ContentTransferEncoding]?.Trim().ToLowerInvariant();
            return new MimePartNode(headerStart, span.HeadersEnd, span.End, entity.ContentType.MimeType.ToLowerInvariant(),
                string.IsNullOrEmpty(encoding) ? null : encoding, children, message);
        }

        public BodyPart Body(MimeEntity entity)
        {
            var span = SpanOf(entity);
            BodyPart part;
            if (entity is Multipart multipart)
            {
                var parts = multipart.Select(Body).ToList();
                // IMAP's body-type-mpart needs at least one part (RFC 9051 §9).
                if (parts.Count == 0) parts.Add(new SinglePart("TEXT", "PLAIN") { Parameters = [new("CHARSET", "US-ASCII")] });
                part = new MultiPart(entity.ContentType.MediaSubtype, parts);
            }
            else
            {
                var type = entity.ContentType;
                var single = new SinglePart(type.MediaType, type.MediaSubtype)
                {
                    Id = HeaderText.Raw(entity.Headers, HeaderId.ContentId),
                    Description = HeaderText.Raw(entity.Headers, HeaderId.ContentDescription),
                    Encoding = HeaderText.Raw(entity.Headers, HeaderId.ContentTransferEncoding)?.ToUpperInvariant() ?? "7BIT",
                    Size = span.End - span.HeadersEnd,
                    Md5 = HeaderText.Raw(entity.Headers, HeaderId.ContentMd5),
                };
                if (entity is MessagePart { Message: { } inner } && inner.Body is not null)
                    single = single with { MessageEnvelope = EnvelopeBuilder.Build(inner), MessageBody = Body(inner.Body), Lines = span.Lines };
                else if (single.IsText || entity is MessagePart)
                    single = single with { Lines = span.Lines };
                part = single;
            }
            var parameters = entity.ContentType.Parameters.Select(p => new KeyValuePair<string, string>(p.Name, HeaderText.Ascii(p.Value))).ToList();
            // RFC 2045 §5.2: a text part without charset is US-ASCII; say so, as Dovecot does.
            if (part is SinglePart { IsText: true } && !parameters.Any(p => p.Key.Equals("charset", StringComparison.OrdinalIgnoreCase)))
                parameters.Add(new("charset", "us-ascii"));
            return part with
            {
                Parameters = parameters,
                Disposition = entity.ContentDisposition is { } d
                    ? new ContentDisposition(d.Disposition, d.Parameters.Select(p => new KeyValuePair<string, string>(p.Name, HeaderText.Ascii(p.Value))).ToArray())
                    : null,
                Languages = HeaderText.Raw(entity.Headers, HeaderId.ContentLanguage)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
                Location = HeaderText.Raw(entity.Headers, HeaderId.ContentLocation),
            };
        }
    }
}
