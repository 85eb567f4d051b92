using System.Text;

namespace AkkaImap.Tests.Shared;

/// <summary>
/// A deterministic set of varied messages for comparing SEARCH with and without the full-text
/// index: plain ASCII, quoted-printable and base64 UTF-8 bodies (soft line breaks, <c>=XX</c>
/// escapes), Latin-1 bodies, multipart/alternative and mixed with a binary attachment, an attached
/// message/rfc822, RFC 2047 encoded-word names and subjects, groups, Cc/Bcc, non-ASCII letters
/// whose case folds (ß, Σ/σ/ς, Ǆ, Turkish ı/İ, Cyrillic, Greek, Deseret outside the BMP).
/// And the needles to look for in them, each for every indexed key.
/// </summary>
public static class SearchCorpus
{
    private static readonly string[] Names = ["Alice Example", "Bob Jones", "Jürgen Müller", "Σοφία Παπαδοπούλου", "Иван Петров", "İlkay Işık", "Zoë Ångström", "Carol", "ǅenan Ǆafić", "𐐀𐐨 Deseret"];
    private static readonly string[] Hosts = ["example.com", "example.org", "münchen.example", "mail.example.net"];
    private static readonly string[] Words =
    [
        "the", "report", "meeting", "budget", "invoice", "straße", "STRASSE", "größe", "ΣΟΦΊΑ", "σοφία", "ὀδυσσεύς", "Москва", "москва", "ıstanbul",
        "İzmir", "naïve", "café", "Œuvre", "ǆungla", "𐐨𐐩𐐪", "zebracorn", "Zebra", "corn", "tab\tseparated", "a=b", "50%", "\"quoted\"", "x", "yz",
    ];

    /// <summary>Needles: long and short, other case, non-ASCII, spanning a QP soft break, across parts, FTS5 syntax, absent.</summary>
    public static readonly string[] Needles =
    [
        "zebracorn", "ZEBRACORN", "zebra", "bracorn ", "report 1", "müller", "MÜLLER", "jürgen", "straße", "STRASSE", "größe", "GRÖSSE",
        "σοφία", "ΣΟΦΙΑ", "σοφι", "москва", "МОСКВА", "ıstanbul", "ISTANBUL", "İZMİR", "izmir", "café", "CAFÉ", "ǆungla", "ǅungla", "𐐨𐐩𐐪", "𐐀𐐩𐐪",
        "example.org", "@münchen", "alice", "bob jones", "ab", "x", "é", "", "tab\tsep", "a=b", "=C3", "50%", "\"quoted\"", "quoted\" OR",
        "NEAR(a b)", "corn*", "subject", "inner secret", "attachment.bin", "zzzzzz-none", "meeting\r\nbudget", "team:", "boundary",
    ];

    /// <summary>Message <paramref name="i"/> of the corpus, CRLF line ends.</summary>
    public static byte[] Message(int i)
    {
        var rnd = new Random(i * 7919 + 17);
        string Pick(string[] from) => from[rnd.Next(from.Length)];
        string Text(int words)
        {
            var sb = new StringBuilder();
            for (int w = 0; w < words; w++)
            {
                sb.Append(w == 0 ? "" : (w % 11 == 0 ? "\r\n" : " ")).Append(Pick(Words));
            }
            return sb.ToString();
        }

        var from = Pick(Names);
        var to = Pick(Names);
        var subject = Text(rnd.Next(1, 5)) + " report " + i;
        var head = new StringBuilder();
        head.Append("From: ").Append(Address(from, Pick(Hosts), rnd.Next(3))).Append("\r\n");
        head.Append(rnd.Next(10) == 0 ? "To: team: " + Address(to, Pick(Hosts), 0) + ", carol@example.com;\r\n" : "To: " + Address(to, Pick(Hosts), rnd.Next(3)) + "\r\n");
        if (rnd.Next(3) == 0) head.Append("Cc: ").Append(Address(Pick(Names), Pick(Hosts), 1)).Append("\r\n");
        if (rnd.Next(5) == 0) head.Append("Bcc: ").Append(Address(Pick(Names), Pick(Hosts), 0)).Append("\r\n");
        head.Append("Subject: ").Append(rnd.Next(2) == 0 ? EncodedWord(subject) : subject.Replace("\r\n", " ")).Append("\r\n");
        head.Append("Date: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <").Append(i).Append("@corpus.example>\r\n");
        if (rnd.Next(4) == 0) head.Append("X-Note: ").Append(EncodedWord(Text(3))).Append("\r\n");
        head.Append("MIME-Version: 1.0\r\n");

        var body = rnd.Next(7) switch
        {
            0 => Part("text/plain; charset=utf-8", "quoted-printable", QuotedPrintable(Text(rnd.Next(5, 60)))),
            1 => Part("text/plain; charset=utf-8", "base64", Base64(Encoding.UTF8.GetBytes(Text(rnd.Next(5, 60))))),
            2 => Part("text/plain; charset=iso-8859-1", "quoted-printable", QuotedPrintable(Latin1Safe(Text(rnd.Next(5, 40))), Encoding.Latin1)),
            3 => Multipart("alternative", i,
                Part("text/plain; charset=utf-8", "8bit", Text(rnd.Next(5, 30))),
                Part("text/html; charset=utf-8", "quoted-printable", QuotedPrintable("<p>" + Text(rnd.Next(5, 30)) + "</p>"))),
            4 => Multipart("mixed", i,
                Part("text/plain; charset=utf-8", "base64", Base64(Encoding.UTF8.GetBytes(Text(rnd.Next(5, 30))))),
                "Content-Type: application/octet-stream; name=\"attachment.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                    + Base64(Encoding.UTF8.GetBytes("zebracorn hidden in an attachment " + i)) + "\r\n"),
            5 => Multipart("mixed", i,
                Part("text/plain; charset=us-ascii", "7bit", "see the attached message"),
                "Content-Type: message/rfc822\r\n\r\nFrom: " + Address(Pick(Names), Pick(Hosts), 1) + "\r\nSubject: inner secret "
                    + EncodedWord(Text(2)) + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                    + QuotedPrintable(Text(rnd.Next(5, 30))) + "\r\n"),
            _ => Part("text/plain; charset=utf-8", "8bit", Text(rnd.Next(5, 80))),
        };
        return Encoding.UTF8.GetBytes(head + body);
    }

    private static string Address(string name, string host, int style)
    {
        var local = new string(name.Where(char.IsAsciiLetter).ToArray()).ToLowerInvariant() is { Length: > 0 } l ? l : "user";
        var ascii = host.All(char.IsAscii) ? host : "xn--mnchen-3ya.example";
        return style switch
        {
            0 => $"{local}@{ascii}",
            1 => $"{EncodedWord(name)} <{local}@{ascii}>",
            _ => name.All(c => c < 128) ? $"\"{name}\" <{local}@{ascii}>" : $"{EncodedWord(name)} <{local}@{ascii}>",
        };
    }

    private static string EncodedWord(string text) =>
        "=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(text.Replace("\r\n", " "))) + "?=";

    private static string Part(string type, string encoding, string content) =>
        $"Content-Type: {type}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n{content}\r\n";

    private static string Multipart(string subtype, int i, params string[] parts)
    {
        var boundary = "boundary-" + i;
        var sb = new StringBuilder($"Content-Type: multipart/{subtype}; boundary=\"{boundary}\"\r\n\r\npreamble\r\n");
        foreach (var part in parts) sb.Append("--").Append(boundary).Append("\r\n").Append(part);
        return sb.Append("--").Append(boundary).Append("--\r\n").ToString();
    }

    private static string Base64(byte[] bytes) => Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks);

    private static string Latin1Safe(string text) => new(text.Select(c => c <= 0xFF ? c : '?').ToArray());

    /// <summary>Quoted-printable with soft line breaks every 40 characters, so that words are split across them.</summary>
    private static string QuotedPrintable(string text, Encoding? encoding = null)
    {
        var sb = new StringBuilder();
        int line = 0;
        foreach (var b in (encoding ?? Encoding.UTF8).GetBytes(text))
        {
            var piece = b is (byte)'\r' or (byte)'\n' ? ((char)b).ToString()
                : b is >= 33 and <= 126 and not (byte)'=' || b == (byte)' ' ? ((char)b).ToString()
                : "=" + b.ToString("X2");
            if (b == (byte)'\n') line = 0;
            else if (line + piece.Length > 40)
            {
                sb.Append("=\r\n");
                line = 0;
            }
            sb.Append(piece);
            if (b != (byte)'\r' && b != (byte)'\n') line += piece.Length;
        }
        return sb.ToString();
    }
}
