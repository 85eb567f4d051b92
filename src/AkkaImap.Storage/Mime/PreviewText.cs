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

        string? text = message.TextBody;
        if (text is null && message.HtmlBody is { } html)
            text = new HtmlTextPreviewer().GetPreviewText(new StringReader(html));
        return text is null ? "" : Collapse(text);
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

    internal static string Collapse(string text)
    {
        var sb = new StringBuilder(MaxLength);
        var pendingSpace = false;
        foreach (var ch in text)
        {
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
