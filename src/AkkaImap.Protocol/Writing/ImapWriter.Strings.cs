using System.Buffers;
using System.Text;
using AkkaImap.Protocol.Names;

namespace AkkaImap.Protocol.Writing;

// The one place that decides how a string travels (RFC 9051 §4.3): atom, quoted or literal.
public sealed partial class ImapWriter
{
    /// <summary>
    /// Longest quoted string in UTF-8 bytes. Longer values go as literals, as Dovecot and
    /// Cyrus do, so clients with line-length limits still parse them.
    /// </summary>
    public const int MaxQuotedBytes = 1000;

    // ASTRING-CHAR = ATOM-CHAR / resp-specials (RFC 9051 §9): any 7-bit CHAR except
    // "(" ")" "{" SP CTL "%" "*" DQUOTE "\".
    private static readonly SearchValues<char> AStringChars = SearchValues.Create(
        "!#$&'+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz|}~");

    private static readonly SearchValues<char> LiteralOnly = SearchValues.Create("\r\n\0");
    private static readonly SearchValues<char> QuotedSpecials = SearchValues.Create("\"\\");

    /// <summary>Decides the form of a string value; <paramref name="allowAtom"/> for astrings.</summary>
    public static StringForm Classify(ReadOnlySpan<char> value, bool utf8Enabled, bool allowAtom = false)
    {
        if (allowAtom && !value.IsEmpty && value.IndexOfAnyExcept(AStringChars) < 0
            && !value.Equals("NIL", StringComparison.OrdinalIgnoreCase))
        {
            return StringForm.Atom;
        }
        if (value.ContainsAny(LiteralOnly))
        {
            return StringForm.Literal;
        }
        if (Ascii.IsValid(value))
        {
            return value.Length + CountQuotedSpecials(value) <= MaxQuotedBytes ? StringForm.Quoted : StringForm.Literal;
        }
        if (!utf8Enabled)
        {
            return StringForm.Literal;
        }
        return Encoding.UTF8.GetByteCount(value) + CountQuotedSpecials(value) <= MaxQuotedBytes
            ? StringForm.Quoted
            : StringForm.Literal;
    }

    /// <summary>Writes a string: quoted when it fits, else a literal (RFC 9051 §4.3).</summary>
    public void WriteString(ReadOnlySpan<char> value)
    {
        if (Classify(value, Utf8Enabled) == StringForm.Quoted)
        {
            WriteQuoted(value);
        }
        else
        {
            WriteStringLiteral(value);
        }
    }

    /// <summary>Writes an nstring: NIL for null, else as <see cref="WriteString"/>.</summary>
    public void WriteNString(string? value)
    {
        if (value is null)
        {
            WriteNil();
        }
        else
        {
            WriteString(value);
        }
    }

    /// <summary>Writes an astring: a bare atom when every char is an ASTRING-CHAR, else a string.</summary>
    public void WriteAString(ReadOnlySpan<char> value)
    {
        switch (Classify(value, Utf8Enabled, allowAtom: true))
        {
            case StringForm.Atom:
                WriteAtom(value);
                break;
            case StringForm.Quoted:
                WriteQuoted(value);
                break;
            default:
                WriteStringLiteral(value);
                break;
        }
    }

    /// <summary>
    /// Writes a mailbox name held in Unicode: modified UTF-7 for IMAP4rev1 sessions, raw UTF-8
    /// once UTF-8 is enabled (RFC 9051 §5.1, RFC 6855 §3), as an astring.
    /// </summary>
    public void WriteMailbox(string name) => WriteAString(MailboxNameEncoding.ToWire(name, Utf8Enabled));

    /// <summary>Writes <c>"value"</c> escaping DQUOTE and backslash; the caller has checked it fits.</summary>
    public void WriteQuoted(ReadOnlySpan<char> value)
    {
        WriteByte((byte)'"');
        while (!value.IsEmpty)
        {
            var special = value.IndexOfAny(QuotedSpecials);
            var run = special < 0 ? value : value[..special];
            WriteUtf8(run);
            if (special < 0)
            {
                break;
            }
            var pair = Output.GetSpan(2);
            pair[0] = (byte)'\\';
            pair[1] = (byte)value[special];
            Output.Advance(2);
            value = value[(special + 1)..];
        }
        WriteByte((byte)'"');
    }

    /// <summary>
    /// Writes a string as a literal. NUL may not appear in a literal (CHAR8 excludes it), so a
    /// stray NUL from a damaged header becomes a space; the length is unchanged.
    /// </summary>
    private void WriteStringLiteral(ReadOnlySpan<char> value)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        WriteLiteralHeader(byteCount);
        var span = Output.GetSpan(byteCount);
        var written = Encoding.UTF8.GetBytes(value, span);
        span[..written].Replace((byte)0, (byte)' ');
        Output.Advance(written);
    }

    private void WriteUtf8(ReadOnlySpan<char> run)
    {
        if (run.IsEmpty)
        {
            return;
        }
        var span = Output.GetSpan(Encoding.UTF8.GetByteCount(run));
        var written = Encoding.UTF8.GetBytes(run, span);
        Output.Advance(written);
    }

    private static int CountQuotedSpecials(ReadOnlySpan<char> value) =>
        value.Count('"') + value.Count('\\');
}
