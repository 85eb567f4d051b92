using System.Globalization;
using System.Text;

namespace AkkaImap.Storage.Migration;

/// <summary>
/// One mbox file into one folder. A message starts at a "From " line at the top of the file or
/// after an empty line; that line's date is the internal date (asctime, taken as UTC). The empty
/// line before the next From_ line is the separator, not the message's. Lines quoted as
/// <c>&gt;From </c> (any number of '&gt;', mboxrd) lose one '&gt;'. <c>Status:</c> and
/// <c>X-Status:</c> become flags (R \Seen, A \Answered, F \Flagged, D \Deleted, T \Draft; O, old,
/// has none) and <c>X-Keywords:</c> keywords; those headers and the mbox bookkeeping ones
/// (<c>X-UID</c>, <c>X-IMAP</c>, <c>X-IMAPbase</c>) are removed, as Dovecot hides them from IMAP
/// clients; every other byte is kept (bare LF becomes CRLF). UW-IMAP's and Dovecot's folder data
/// message (the one with <c>X-IMAP:</c>) is not a message and is skipped.
/// The file is read once, as it goes (an mbox may be larger than memory); progress counts bytes.
/// </summary>
public sealed class MboxSource : IMailSource
{
    private static readonly string[] Bookkeeping = ["status", "x-status", "x-keywords", "x-uid", "x-imap", "x-imapbase"];
    private readonly string _path;
    private readonly string _folder;

    public MboxSource(string path, string folder)
    {
        _path = path;
        _folder = folder;
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{path} does not exist");
        TotalUnits = info.Length;
        using var stream = File.OpenRead(path);
        Span<byte> start = stackalloc byte[5];
        if (info.Length > 0 && (stream.ReadAtLeast(start, 5, throwOnEndOfStream: false) < 5 || !start.SequenceEqual("From "u8)))
            throw new InvalidDataException($"{path} is not an mbox file (it does not start with a \"From \" line)");
    }

    public string UnitName => "bytes";
    public long TotalUnits { get; }
    public IReadOnlyList<string> Folders => [_folder];

    public IEnumerable<SourceMessage> Messages()
    {
        using var stream = new BufferedStream(File.OpenRead(_path), 1 << 16);
        var body = new MemoryStream();
        string? fromLine = null;
        int startLine = 0, lineNo = 0;
        long units = 0;
        bool previousEmpty = true, lastLineEmpty = false;
        foreach (var line in Lines(stream))
        {
            lineNo++;
            var (isFrom, isEmpty, quoted) = Classify(line);
            if (previousEmpty && isFrom)
            {
                if (fromLine is not null) yield return Make(fromLine, startLine, body.ToArray(), lastLineEmpty, units);
                body.SetLength(0);
                fromLine = Encoding.Latin1.GetString(line).TrimEnd('\r', '\n');
                startLine = lineNo;
                units = line.Length;
                previousEmpty = false;
                lastLineEmpty = false;
                continue;
            }
            units += line.Length;
            previousEmpty = isEmpty;
            lastLineEmpty = isEmpty;
            if (fromLine is null) continue;
            if (quoted) body.Write(line, 1, line.Length - 1);
            else body.Write(line);
        }
        if (fromLine is not null) yield return Make(fromLine, startLine, body.ToArray(), lastLineEmpty, units);
    }

    /// <summary>A From_ line; an empty line; a mboxrd-quoted "&gt;…From " line (one '&gt;' to drop).</summary>
    private static (bool From, bool Empty, bool Quoted) Classify(byte[] line)
    {
        var content = line.AsSpan().TrimEnd("\r\n"u8);
        int quotes = 0;
        while (quotes < content.Length && content[quotes] == '>') quotes++;
        return (quotes == 0 && content.StartsWith("From "u8), content.Length == 0, quotes > 0 && content[quotes..].StartsWith("From "u8));
    }

    private SourceMessage Make(string fromLine, int line, byte[] raw, bool endsWithSeparator, long units) =>
        new(_folder, $"{_path} line {line}", units, () => Load(fromLine, raw, endsWithSeparator));

    private static LoadedMessage Load(string fromLine, byte[] raw, bool endsWithSeparator)
    {
        var bytes = raw.AsSpan();
        if (endsWithSeparator)
        {
            // The separating empty line belongs to the mbox, not to the message.
            bytes = bytes[..^(bytes.EndsWith("\r\n"u8) ? 2 : 1)];
        }
        if (MessageText.Refusal(bytes) is { } why) throw new BadMessageException(why);
        var (kept, flags, keywords, isFolderData) = TakeHeaders(bytes);
        if (isFolderData) throw new SkippedMessageException();
        return new LoadedMessage(MessageText.ToCrlf(kept), flags, keywords, ParseFromDate(fromLine) ?? DateTimeOffset.UtcNow);
    }

    /// <summary>The message without the mbox headers, and what they said.</summary>
    private static (byte[] Kept, MessageFlags Flags, List<string> Keywords, bool FolderData) TakeHeaders(ReadOnlySpan<byte> bytes)
    {
        var kept = new MemoryStream(bytes.Length);
        var flags = MessageFlags.None;
        var keywords = new List<string>();
        bool dropping = false, folderData = false;
        int i = 0;
        while (i < bytes.Length)
        {
            var end = bytes[i..].IndexOf((byte)'\n');
            var next = end < 0 ? bytes.Length : i + end + 1;
            var line = bytes[i..next];
            var content = line.TrimEnd("\r\n"u8);
            if (content.Length == 0)
            {
                kept.Write(bytes[i..]);
                break;
            }
            if (content[0] is (byte)' ' or (byte)'\t')
            {
                if (!dropping) kept.Write(line);
                i = next;
                continue;
            }
            var colon = content.IndexOf((byte)':');
            var name = colon > 0 ? Encoding.Latin1.GetString(content[..colon]).Trim().ToLowerInvariant() : "";
            var value = colon > 0 ? Encoding.Latin1.GetString(content[(colon + 1)..]).Trim() : "";
            dropping = Bookkeeping.Contains(name);
            switch (name)
            {
                case "status" or "x-status":
                    foreach (var c in value)
                    {
                        flags |= c switch
                        {
                            'R' => MessageFlags.Seen, 'A' => MessageFlags.Answered, 'F' => MessageFlags.Flagged,
                            'D' => MessageFlags.Deleted, 'T' => MessageFlags.Draft, _ => MessageFlags.None,
                        };
                    }
                    break;
                case "x-keywords":
                    foreach (var word in value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
                        if (!keywords.Contains(word)) keywords.Add(word);
                    break;
                case "x-imap":
                    folderData = true;
                    break;
            }
            if (!dropping) kept.Write(line);
            i = next;
        }
        return (kept.ToArray(), flags, keywords, folderData);
    }

    /// <summary>"From sender Thu Nov 29 12:00:00 2007" (asctime; some writers add a zone or put the year first): UTC.</summary>
    public static DateTimeOffset? ParseFromDate(string fromLine)
    {
        var words = fromLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (int start = 2; start + 5 <= words.Length; start++)
        {
            var text = string.Join(' ', words[start..(start + 5)]);
            if (DateTime.TryParseExact(text, ["ddd MMM d HH:mm:ss yyyy", "ddd MMM d HH:mm yyyy"], CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
                return new DateTimeOffset(time, TimeSpan.Zero);
        }
        return null;
    }

    /// <summary>Lines with their line end, as read.</summary>
    private static IEnumerable<byte[]> Lines(Stream stream)
    {
        var line = new MemoryStream();
        int b;
        while ((b = stream.ReadByte()) >= 0)
        {
            line.WriteByte((byte)b);
            if (b == '\n')
            {
                yield return line.ToArray();
                line.SetLength(0);
            }
        }
        if (line.Length > 0) yield return line.ToArray();
    }
}

/// <summary>A source entry that is not a message and is left out without a report (an mbox's folder data).</summary>
public sealed class SkippedMessageException() : Exception("not a message");
