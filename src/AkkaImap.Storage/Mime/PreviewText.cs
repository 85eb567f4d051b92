using System.Buffers;
using System.Text;
using MimeKit;
using MimeKit.Text;

namespace AkkaImap.Storage.Mime;

/// <summary>PREVIEW (RFC 8970 §3): at most 200 characters of the first text part, whitespace collapsed.</summary>
internal static class PreviewText
{
    public const int MaxLength = 200;

    /// <summary>Messages up to this size have their text part decoded whole (MimeKit's TextBody choice).</summary>
    private const long WholeDecodeLimit = 1024 * 1024;

    /// <summary>Of a larger message's text part only this many decoded bytes are read: a preview needs 200 characters.</summary>
    private const int BoundedBytes = 64 * 1024;

    public static string From(MimeMessage message, long size)
    {
        if (size > WholeDecodeLimit)
        {
            // Decoding a big text part whole would cost twice its size as a string (issue 16:
            // literals cost ten times their size); the first text part's beginning is enough.
            return Bounded(message);
        }

        var plain = PlainBody(message);
        if (plain is not null && FromPrefix(plain) is { } quick) return quick;
        string? text = plain is null ? null : WholeText(plain);
        if (text is null && message.HtmlBody is { } html)
            text = new HtmlTextPreviewer().GetPreviewText(new StringReader(html));
        return text is null ? "" : Collapse(text);
    }

    /// <summary>The part <see cref="MimeMessage.TextBody"/> decodes (MimeKit's <c>GetTextBody</c>), or null.</summary>
    private static TextPart? PlainBody(MimeMessage message) => message.Body switch
    {
        Multipart multipart => multipart.TryGetValue(TextFormat.Plain, out var part) ? part : null,
        TextPart text when text.IsPlain && !text.IsAttachment => text,
        _ => null,
    };

    /// <summary>The part's text as <see cref="MimeMessage.TextBody"/> gives it: format=flowed lines joined.</summary>
    private static string WholeText(TextPart part) => part.IsFlowed ? Unflow(part, part.Text) : part.Text;

    private static string Unflow(TextPart part, string text) => new FlowedToText
    {
        DeleteSpace = part.ContentType.Parameters.TryGetValue("delsp", out string? delsp) && string.Equals(delsp, "yes", StringComparison.OrdinalIgnoreCase),
    }.Convert(text);

    /// <summary>Of a plain part, the first bytes decoded for <see cref="FromPrefix"/>.</summary>
    private const int PrefixBytes = 4 * 1024;

    /// <summary>
    /// The preview from the plain part's first <see cref="PrefixBytes"/> alone, or null when only
    /// the whole text can tell: decoding a 16 KB part whole was half of an APPEND's analysis once
    /// its index text went to the pass (issue 17). The prefix gives what the whole text gives when
    /// the 200 characters end well before the prefix does: its charset is named (or its bytes are
    /// ASCII, which MimeKit's UTF-8-then-Latin-1 guess reads alike), it starts with no byte order mark,
    /// and decoding, joining flowed lines and collapsing whitespace all go front to back.
    /// </summary>
    private static string? FromPrefix(TextPart part)
    {
        if (part.Content is null) return null;
        var buffer = ArrayPool<byte>.Shared.Rent(PrefixBytes);
        try
        {
            int length = 0;
            using (var stream = part.Content.Open())
            {
                int read;
                while (length < PrefixBytes && (read = stream.Read(buffer, length, PrefixBytes - length)) > 0) length += read;
            }
            return FromPrefix(part, buffer.AsSpan(0, length), whole: length < PrefixBytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string? FromPrefix(TextPart part, ReadOnlySpan<byte> bytes, bool whole)
    {
        if (bytes is [0xEF, 0xBB, 0xBF, ..] or [0xFE, 0xFF, ..] or [0xFF, 0xFE, ..]) return null;
        string text;
        try
        {
            var encoding = part.ContentType.CharsetEncoding;
            if (encoding is null && !Ascii.IsValid(bytes)) return null;
            text = (encoding ?? Encoding.ASCII).GetString(bytes);
        }
        catch (Exception e) when (e is DecoderFallbackException or NotSupportedException or ArgumentException)
        {
            return null;
        }
        if (part.IsFlowed) text = Unflow(part, text.Replace("\r\n", "\n", StringComparison.Ordinal));
        var preview = Collapse(text, out var used);
        // A part shorter than the prefix is whole; otherwise the cut (a character, a line) lies far beyond.
        return whole || used < text.Length / 2 ? preview : null;
    }

    private static string Bounded(MimeMessage message)
    {
        var parts = message.BodyParts.OfType<TextPart>().Where(p => !p.IsAttachment).ToList();
        var part = parts.FirstOrDefault(p => p.IsPlain) ?? parts.FirstOrDefault(p => p.IsHtml);
        if (part?.Content is null)
        {
            return "";
        }

        var buffer = new byte[BoundedBytes];
        int length = 0;
        using (var stream = part.Content.Open())
        {
            int read;
            while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
            }
        }

        Encoding encoding;
        try
        {
            encoding = part.ContentType.CharsetEncoding ?? Encoding.UTF8;
        }
        catch (NotSupportedException)
        {
            encoding = Encoding.UTF8;
        }

        var text = encoding.GetString(buffer, 0, length);
        if (part.IsHtml)
        {
            text = new HtmlTextPreviewer().GetPreviewText(new StringReader(text));
        }
        return Collapse(text);
    }

    internal static string Collapse(string text) => Collapse(text, out _);

    /// <param name="used">How many characters of <paramref name="text"/> were looked at.</param>
    private static string Collapse(string text, out int used)
    {
        var sb = new StringBuilder(MaxLength);
        var pendingSpace = false;
        for (used = 0; used < text.Length; used++)
        {
            var ch = text[used];
            if (char.IsWhiteSpace(ch) || char.IsControl(ch))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }
            if (pendingSpace)
            {
                if (sb.Length + 1 >= MaxLength) break;
                sb.Append(' ');
                pendingSpace = false;
            }
            if (sb.Length >= MaxLength) break;
            // Never cut a surrogate pair in half.
            if (char.IsHighSurrogate(ch) && sb.Length + 2 > MaxLength) break;
            sb.Append(ch);
        }
        return sb.ToString();
    }
}
