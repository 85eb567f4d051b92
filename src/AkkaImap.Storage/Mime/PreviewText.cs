using System.Text;
using MimeKit;
using MimeKit.Text;

namespace AkkaImap.Storage.Mime;

/// <summary>PREVIEW (RFC 8970 §3): at most 200 characters of the first text part, whitespace collapsed.</summary>
internal static class PreviewText
{
    public const int MaxLength = 200;

    public static string From(MimeMessage message)
    {
        string? text = message.TextBody;
        if (text is null && message.HtmlBody is { } html)
            text = new HtmlTextPreviewer().GetPreviewText(new StringReader(html));
        return text is null ? "" : Collapse(text);
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
