using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace AkkaImap.Storage.Mime;

/// <summary>Header values as they appear in the message, which is what ENVELOPE and BODYSTRUCTURE report.</summary>
internal static class HeaderText
{
    /// <summary>The first header's raw value, unfolded and trimmed; null when absent or empty.</summary>
    public static string? Raw(HeaderList headers, HeaderId id)
    {
        var index = headers.IndexOf(id);
        if (index < 0) return null;
        var raw = headers[index].RawValue;
        // Header bytes are usually ASCII; 8-bit bytes are taken as UTF-8 (RFC 6532).
        var text = Encoding.UTF8.GetString(raw).Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Trim();
        return text.Length == 0 ? null : text;
    }

    /// <summary>
    /// A decoded value (parameter, display name) in a form that IMAP strings can carry without
    /// UTF8=ACCEPT: kept as is when ASCII, otherwise as an RFC 2047 encoded-word.
    /// </summary>
    public static string Ascii(string value) =>
        Ascii7(value)
            ? value
            : Encoding.ASCII.GetString(Rfc2047.EncodeText(Encoding.UTF8, value)).Replace("\r\n", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);

    private static bool Ascii7(string value)
    {
        foreach (var ch in value)
            if (ch > 0x7e || (ch < 0x20 && ch != '\t')) return false;
        return true;
    }
}
