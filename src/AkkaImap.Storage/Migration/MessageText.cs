using System.Text;

namespace AkkaImap.Storage.Migration;

/// <summary>
/// The byte-level rules every importer shares: what counts as an RFC 822 message, and line ends.
/// IMAP serves messages with CRLF line ends (RFC 9051 §2.2), while Maildir and mbox files usually
/// have bare LF: a bare LF becomes CRLF on import (a file already in CRLF is stored unchanged), and
/// export writes the stored bytes, so export then import gives the same bytes.
/// </summary>
public static class MessageText
{
    /// <summary>Bare LF → CRLF; the same array when there is none.</summary>
    public static byte[] ToCrlf(byte[] bytes) => ToCrlf(bytes.AsSpan(), bytes);

    public static byte[] ToCrlf(ReadOnlySpan<byte> bytes, byte[]? same = null)
    {
        int bare = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) bare++;
        }
        if (bare == 0) return same ?? bytes.ToArray();
        var result = new byte[bytes.Length + bare];
        int o = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) result[o++] = (byte)'\r';
            result[o++] = bytes[i];
        }
        return result;
    }

    /// <summary>
    /// Why <paramref name="bytes"/> is not an RFC 822 message, or null when it is one: it must
    /// start with a header field (RFC 5322 §2.2: a name of printable characters but ':', then
    /// ':'), so an empty file, a binary file or a text without headers is refused.
    /// </summary>
    public static string? Refusal(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0) return "empty file";
        if (bytes.IndexOf((byte)0) >= 0) return "not an RFC 822 message (it holds NUL bytes)";
        int i = 0;
        while (i < bytes.Length && bytes[i] is >= 33 and <= 126 and not (byte)':') i++;
        // A "From " envelope line is not a header: an mbox given as --eml says so.
        return i > 0 && i < bytes.Length && bytes[i] == ':' ? null : "not an RFC 822 message (it does not start with a header field)";
    }

    /// <summary>Loads a file as a message: read, checked, CRLF, internal date from its mtime.</summary>
    public static LoadedMessage LoadFile(string path, MessageFlags flags, IReadOnlyList<string> keywords)
    {
        byte[] bytes;
        DateTimeOffset mtime;
        try
        {
            bytes = File.ReadAllBytes(path);
            mtime = File.GetLastWriteTimeUtc(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BadMessageException($"cannot read it: {ex.Message}");
        }
        if (Refusal(bytes) is { } why) throw new BadMessageException(why);
        return new LoadedMessage(ToCrlf(bytes), flags, keywords, WholeSeconds(mtime));
    }

    /// <summary>Internal dates are kept to the second: what mtimes, From_ lines and IMAP's date-time carry.</summary>
    public static DateTimeOffset WholeSeconds(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());

    internal static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}
