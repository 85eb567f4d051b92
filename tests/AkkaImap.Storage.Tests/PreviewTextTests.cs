using System.Text;
using AkkaImap.Storage.Mime;
using MimeKit;

namespace AkkaImap.Storage.Tests;

/// <summary>
/// PREVIEW (RFC 8970) of a plain text body is made from its first 4 KB when that is enough. Each
/// message here must get exactly the preview its whole text gives (MimeKit's <c>TextBody</c>,
/// whitespace collapsed, as before the shortcut): long bodies cut inside a character, a flowed
/// paragraph, undeclared 8-bit text, a first 16 KB of blank lines.
/// </summary>
public sealed class PreviewTextTests
{
    public static TheoryData<string> Messages() => new()
    {
        "ascii-short",
        "ascii-long",
        "utf8-qp-long",
        "utf8-base64-long",
        "latin1-long",
        "undeclared-8bit-long",
        "flowed-delsp-long",
        "flowed-long",
        "alternative-long",
        "blank-start",
        "one-long-line",
        "html-only",
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void The_preview_is_what_the_whole_text_gives(string name)
    {
        var bytes = Build(name);
        using var message = MimeMessage.Load(new MemoryStream(bytes));

        var preview = PreviewText.From(message, bytes.Length);

        var whole = message.TextBody;
        var expected = whole is not null ? PreviewText.Collapse(whole)
            : PreviewText.Collapse(new MimeKit.Text.HtmlTextPreviewer().GetPreviewText(new StringReader(message.HtmlBody!)));
        Assert.Equal(expected, preview);
        Assert.NotEmpty(preview);
    }

    private static byte[] Build(string name)
    {
        var words = Words(40_000);
        var accented = string.Concat(Enumerable.Range(0, 3_000).Select(i => i % 3 == 0 ? "été " : i % 3 == 1 ? "日本語 " : "naïve "));
        return name switch
        {
            "ascii-short" => Message("text/plain", null, "7bit", "Hello there,\r\n\r\n  just a short note.\r\n"),
            "ascii-long" => Message("text/plain", "us-ascii", "7bit", Lines(words)),
            "utf8-qp-long" => Message("text/plain", "utf-8", "quoted-printable", Lines(accented)),
            "utf8-base64-long" => Message("text/plain", "utf-8", "base64", Lines(accented)),
            "latin1-long" => Message("text/plain", "iso-8859-1", "8bit", Lines("déjà vu " + words), Encoding.Latin1),
            "undeclared-8bit-long" => Message("text/plain", null, "8bit", Lines("Ünïcode " + accented)),
            "flowed-delsp-long" => Message("text/plain; format=flowed; delsp=yes", "utf-8", "7bit", Flowed(words)),
            "flowed-long" => Message("text/plain; format=flowed", "utf-8", "7bit", Flowed(words)),
            "alternative-long" => Alternative(Lines(words)),
            "blank-start" => Message("text/plain", "us-ascii", "7bit", new string('\n', 20_000).Replace("\n", "\r\n") + Lines(words)),
            "one-long-line" => Message("text/plain", "us-ascii", "7bit", words + "\r\n"),
            "html-only" => Message("text/html", "utf-8", "7bit", "<html><body><p>" + Lines(words) + "</p></body></html>"),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    private static string Words(int length)
    {
        var random = new Random(7);
        var text = new StringBuilder();
        while (text.Length < length) text.Append(Convert.ToHexString(BitConverter.GetBytes(random.NextInt64()))[..(1 + random.Next(9))]).Append(random.Next(5) == 0 ? "  " : " ");
        return text.ToString();
    }

    /// <summary>Lines of at most 70 characters, CRLF-ended.</summary>
    private static string Lines(string text)
    {
        var lines = new StringBuilder();
        for (int at = 0; at < text.Length; at += 70) lines.Append(text.AsSpan(at, Math.Min(70, text.Length - at))).Append("\r\n");
        return lines.ToString();
    }

    /// <summary>RFC 3676 soft breaks: each line but a paragraph's last ends in a space.</summary>
    private static string Flowed(string text)
    {
        var lines = new StringBuilder();
        for (int at = 0; at < text.Length; at += 60)
        {
            lines.Append(text.AsSpan(at, Math.Min(60, text.Length - at)));
            lines.Append(at % 600 == 540 ? "\r\n" : " \r\n");
        }
        return lines.ToString();
    }

    private static byte[] Message(string type, string? charset, string encoding, string body, Encoding? bodyEncoding = null)
    {
        var header = new StringBuilder("From: a@example.com\r\nTo: b@example.com\r\nSubject: preview\r\nMIME-Version: 1.0\r\n");
        header.Append("Content-Type: ").Append(type).Append(charset is null ? "" : "; charset=" + charset).Append("\r\n");
        header.Append("Content-Transfer-Encoding: ").Append(encoding).Append("\r\n\r\n");
        var raw = (bodyEncoding ?? Encoding.UTF8).GetBytes(body);
        var encoded = encoding switch
        {
            "base64" => Encoding.ASCII.GetBytes(Convert.ToBase64String(raw, Base64FormattingOptions.InsertLineBreaks)),
            "quoted-printable" => QuotedPrintable(raw),
            _ => raw,
        };
        return [.. Encoding.ASCII.GetBytes(header.ToString()), .. encoded];
    }

    private static byte[] Alternative(string plain) => Encoding.UTF8.GetBytes(
        "From: a@example.com\r\nSubject: alt\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n" +
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + plain +
        "\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>html version</p>\r\n--b1--\r\n");

    private static byte[] QuotedPrintable(byte[] raw)
    {
        var text = new StringBuilder();
        int column = 0;
        foreach (var b in raw)
        {
            var piece = b is (byte)'\r' or (byte)'\n' || (b >= 33 && b <= 126 && b != (byte)'=') || b == (byte)' ' ? ((char)b).ToString() : "=" + b.ToString("X2");
            if (b == (byte)'\n') column = 0;
            else if (column + piece.Length > 72)
            {
                text.Append("=\r\n");
                column = 0;
            }
            text.Append(piece);
            if (b != (byte)'\n') column += piece.Length;
        }
        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
