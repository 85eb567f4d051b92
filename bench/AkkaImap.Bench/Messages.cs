using System.Globalization;
using System.Text;

namespace AkkaImap.Bench;

/// <summary>Test messages: the shared realistic mbox (gen_mbox.py) and small synthetic ones for the large folder.</summary>
public static class Messages
{
    private static readonly string[] First = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Zoe"];
    private static readonly string[] Last = ["Smith", "Jones", "Mueller", "Garcia", "Nguyen", "Kowalski", "Dubois", "Rossi", "Tanaka", "Olsen"];
    private static readonly string[] Words = ("the of and to in is that for it as was with be by on not this are or from at which but have an they you were there would "
        + "their we been has when who will more no if out so said what up about into than them can only other new some could time these two may then do first any "
        + "server mailbox message folder index cache quota release deploy meeting budget invoice schedule review patch").Split(' ');

    /// <summary>The word that only about 1% of synthetic bodies contain (SEARCH BODY target).</summary>
    public const string RareWord = "zebracorn";

    /// <summary>Splits an mbox file into messages with CRLF line ends, undoing mboxo's "&gt;From " quoting.</summary>
    public static List<byte[]> ReadMbox(string path)
    {
        var result = new List<byte[]>();
        var current = new StringBuilder();
        var inMessage = false;
        foreach (var line in File.ReadLines(path, Encoding.Latin1))
        {
            if (line.StartsWith("From ", StringComparison.Ordinal))
            {
                if (inMessage)
                {
                    result.Add(Finish(current));
                }

                current.Clear();
                inMessage = true;
                continue;
            }

            current.Append(line.StartsWith(">From ", StringComparison.Ordinal) ? line[1..] : line).Append("\r\n");
        }

        if (inMessage)
        {
            result.Add(Finish(current));
        }

        return result;
    }

    // mbox separates messages with an empty line that is not part of the message.
    private static byte[] Finish(StringBuilder message)
    {
        var text = message.ToString();
        if (text.EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            text = text[..^2];
        }

        return Encoding.Latin1.GetBytes(text);
    }

    /// <summary>A deterministic plain-text message of about 2 KB.</summary>
    public static byte[] Small(int i)
    {
        var rnd = new Random(i);
        var first = First[rnd.Next(First.Length)];
        var last = Last[rnd.Next(Last.Length)];
        var date = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i * 7);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"From: {first} {last} <{first.ToLowerInvariant()}.{last.ToLowerInvariant()}@example.org>\r\n");
        sb.Append("To: Bench <bench@example.com>\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"Subject: {Words[rnd.Next(Words.Length)]} {Words[rnd.Next(Words.Length)]} report {i}\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"Date: {date.ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture)} +0000\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"Message-ID: <{i}.large@bench.example.org>\r\n");
        sb.Append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        var line = new StringBuilder();
        if (rnd.Next(100) == 0)
        {
            line.Append(RareWord);
        }

        while (sb.Length < 2000)
        {
            var w = Words[rnd.Next(Words.Length)];
            if (line.Length + w.Length + 1 > 72)
            {
                sb.Append(line).Append("\r\n");
                line.Clear();
            }

            line.Append(line.Length == 0 ? string.Empty : " ").Append(w);
        }

        sb.Append(line).Append("\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }
}
