using System.Text;

namespace AkkaImap.Protocol.Search;

/// <summary>
/// The base subject of RFC 5256 §2.1, which SORT SUBJECT and THREAD compare: a subject with its
/// reply and forward markers ("Re:", "Fwd:", "[list]" blobs, "(fwd)" trailers, "[fwd: ...]")
/// taken away, whitespace collapsed. The input is the subject with its encoded-words already
/// decoded (step 1's conversion to UTF-8 needs MIME, which this library does not do).
/// </summary>
public static class BaseSubject
{
    /// <summary>The base subject; <paramref name="isReplyOrForward"/> when a marker was removed (RFC 5256 §2.1, used by THREAD).</summary>
    public static string Extract(string? subject, out bool isReplyOrForward)
    {
        isReplyOrForward = false;
        // (1) Tabs and line breaks become spaces; runs of whitespace become one space.
        var text = Collapse(subject ?? string.Empty);
        while (true)
        {
            // (2) Trailing "(fwd)" and whitespace, as often as they occur.
            while (true)
            {
                if (text.EndsWith(' '))
                {
                    text = text[..^1];
                }
                else if (text.EndsWith("(fwd)", StringComparison.OrdinalIgnoreCase))
                {
                    text = text[..^5];
                    isReplyOrForward = true;
                }
                else
                {
                    break;
                }
            }
            // (3)-(5) Leading subj-leader and subj-blob, until neither matches.
            bool changed = true;
            while (changed)
            {
                changed = false;
                if (Leader(text) is var leader and > 0)
                {
                    // A leader is whitespace or (blobs then re/fw/fwd ":"); only the latter marks a reply.
                    isReplyOrForward |= text[..leader].Contains(':');
                    text = text[leader..];
                    changed = true;
                }
                if (Blob(text, 0) is var blob and > 0 && blob < text.Length)
                {
                    // (4) Only when something remains after the blob.
                    text = text[blob..];
                    changed = true;
                }
            }
            // (6) "[fwd: ...]" around the whole: unwrap and start again from (2).
            if (text.StartsWith("[fwd:", StringComparison.OrdinalIgnoreCase) && text.EndsWith(']'))
            {
                text = text[5..^1];
                isReplyOrForward = true;
                continue;
            }
            return text;
        }
    }

    /// <summary>The base subject, for SORT SUBJECT.</summary>
    public static string Extract(string? subject) => Extract(subject, out _);

    /// <summary>
    /// i;ascii-casemap (RFC 4790 §9.2): ASCII letters compared without case, every other character
    /// by its code point (which orders as the octets of UTF-8 do).
    /// </summary>
    public static int CompareAsciiCasemap(string a, string b)
    {
        var x = a.EnumerateRunes();
        var y = b.EnumerateRunes();
        while (true)
        {
            bool moreX = x.MoveNext(), moreY = y.MoveNext();
            if (!moreX || !moreY)
            {
                return moreX ? 1 : moreY ? -1 : 0;
            }
            int cx = Fold(x.Current.Value), cy = Fold(y.Current.Value);
            if (cx != cy)
            {
                return cx < cy ? -1 : 1;
            }
        }
    }

    private static int Fold(int c) => c is >= 'a' and <= 'z' ? c - 32 : c;

    private static string Collapse(string subject)
    {
        // A leading space is a subj-leader (WSP) and goes in step (3); a trailing one in step (2).
        var text = new StringBuilder(subject.Length);
        bool space = false;
        foreach (var c in subject)
        {
            bool isSpace = c is ' ' or '\t' or '\r' or '\n';
            if (!isSpace || !space)
            {
                text.Append(isSpace ? ' ' : c);
            }
            space = isSpace;
        }
        return text.ToString();
    }

    /// <summary>
    /// subj-leader = (*subj-blob subj-refwd) / WSP; subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":".
    /// Returns its length at the start of <paramref name="text"/>, or 0.
    /// </summary>
    private static int Leader(string text)
    {
        if (text.StartsWith(' '))
        {
            return 1;
        }
        int i = 0;
        while (Blob(text, i) is var blob and > 0)
        {
            i += blob;
        }
        int afterMarker;
        if (Starts(text, i, "re"))
        {
            afterMarker = i + 2;
        }
        else if (Starts(text, i, "fwd"))
        {
            afterMarker = i + 3;
        }
        else if (Starts(text, i, "fw"))
        {
            afterMarker = i + 2;
        }
        else
        {
            return 0;
        }
        while (afterMarker < text.Length && text[afterMarker] == ' ')
        {
            afterMarker++;
        }
        afterMarker += Blob(text, afterMarker);
        return afterMarker < text.Length && text[afterMarker] == ':' ? afterMarker + 1 : 0;
    }

    /// <summary>subj-blob = "[" *BLOBCHAR "]" *WSP (BLOBCHAR: any but "[" and "]"), at <paramref name="at"/>; its length or 0.</summary>
    private static int Blob(string text, int at)
    {
        if (at >= text.Length || text[at] != '[')
        {
            return 0;
        }
        int i = at + 1;
        while (i < text.Length && text[i] is not ('[' or ']'))
        {
            i++;
        }
        if (i >= text.Length || text[i] != ']')
        {
            return 0;
        }
        i++;
        while (i < text.Length && text[i] == ' ')
        {
            i++;
        }
        return i - at;
    }

    private static bool Starts(string text, int at, string word) =>
        at + word.Length <= text.Length && string.Compare(text, at, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0;
}
