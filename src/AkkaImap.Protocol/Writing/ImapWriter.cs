using System.Buffers;
using System.Globalization;
using System.Text;
using AkkaImap.Protocol.Model;

namespace AkkaImap.Protocol.Writing;

/// <summary>
/// Writes IMAP tokens as UTF-8 straight into an <see cref="IBufferWriter{T}"/>. One instance per
/// session; set <see cref="Utf8Enabled"/> once the client has enabled UTF8=ACCEPT or IMAP4rev2,
/// which allows 8-bit text in quoted strings (RFC 6855 §3, RFC 9051 §4.3) and raw UTF-8 mailbox
/// names. Every string goes through <see cref="WriteString"/>/<see cref="WriteAString"/>, the one
/// place that chooses atom, quoted or literal.
/// </summary>
public sealed partial class ImapWriter
{
    private const int ChunkSize = 64 * 1024;

    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    public ImapWriter(IBufferWriter<byte> output, bool utf8Enabled = false)
    {
        Output = output;
        Utf8Enabled = utf8Enabled;
    }

    /// <summary>The destination; callers streaming a large literal body write to it directly.</summary>
    public IBufferWriter<byte> Output { get; }

    /// <summary>True once UTF8=ACCEPT or IMAP4rev2 is enabled for the session.</summary>
    public bool Utf8Enabled { get; set; }

    /// <summary>Used by <see cref="FetchWriter"/> to separate items with a space.</summary>
    internal bool FetchHasItems { get; set; }

    /// <summary>
    /// Copies bytes as they are. Large data goes in buffer-sized chunks so a 50 MB body never
    /// asks the output for one 50 MB segment.
    /// </summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var span = Output.GetSpan(Math.Min(bytes.Length, ChunkSize));
            var count = Math.Min(span.Length, bytes.Length);
            bytes[..count].CopyTo(span);
            Output.Advance(count);
            bytes = bytes[count..];
        }
    }

    public void WriteByte(byte value)
    {
        Output.GetSpan(1)[0] = value;
        Output.Advance(1);
    }

    public void WriteSpace() => WriteByte((byte)' ');

    public void WriteCrlf() => WriteRaw(Crlf);

    public void WriteNil() => WriteRaw("NIL"u8);

    /// <summary>
    /// Writes protocol tokens the server itself chose (atoms, capability names, flags). The caller
    /// guarantees 7-bit text without specials; anything else is replaced with '?' so a bad token
    /// can never break framing.
    /// </summary>
    public void WriteAtom(ReadOnlySpan<char> atom)
    {
        var span = Output.GetSpan(atom.Length);
        for (var i = 0; i < atom.Length; i++)
        {
            var c = atom[i];
            span[i] = c is > ' ' and < (char)0x7F ? (byte)c : (byte)'?';
        }
        Output.Advance(atom.Length);
    }

    /// <summary>
    /// Writes server-formatted protocol text that may hold spaces, parentheses and quotes, such as
    /// an echoed section spec <c>1.2.HEADER.FIELDS (FROM TO)</c>. Controls and 8-bit become '?'.
    /// </summary>
    public void WriteProtocolText(ReadOnlySpan<char> text)
    {
        var span = Output.GetSpan(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            span[i] = c is >= ' ' and < (char)0x7F ? (byte)c : (byte)'?';
        }
        Output.Advance(text.Length);
    }

    public void WriteNumber(ulong value)
    {
        var span = Output.GetSpan(20);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        Output.Advance(written);
    }

    public void WriteNumber(long value)
    {
        var span = Output.GetSpan(20);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        Output.Advance(written);
    }

    /// <summary>
    /// Writes human-readable resp-text (RFC 9051 §7.1). CR, LF and NUL would break framing and
    /// become spaces; 8-bit text becomes '?' unless UTF-8 is enabled (RFC 3501 TEXT-CHAR is 7-bit).
    /// </summary>
    public void WriteText(ReadOnlySpan<char> text)
    {
        if (Utf8Enabled)
        {
            var byteCount = Encoding.UTF8.GetByteCount(text);
            var span = Output.GetSpan(byteCount);
            var written = Encoding.UTF8.GetBytes(text, span);
            for (var i = 0; i < written; i++)
            {
                if (span[i] is (byte)'\r' or (byte)'\n' or 0)
                {
                    span[i] = (byte)' ';
                }
            }
            Output.Advance(written);
            return;
        }
        var ascii = Output.GetSpan(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            ascii[i] = c switch
            {
                '\r' or '\n' or '\0' => (byte)' ',
                >= (char)0x80 => (byte)'?',
                _ => (byte)c,
            };
        }
        Output.Advance(text.Length);
    }

    /// <summary>Writes <c>{n}\r\n</c>; the caller then writes exactly n bytes (RFC 9051 §4.3).</summary>
    public void WriteLiteralHeader(long length)
    {
        WriteByte((byte)'{');
        WriteNumber(length);
        WriteRaw("}\r\n"u8);
    }

    /// <summary>Writes <c>~{n}\r\n</c>, the literal8 header for binary data with NUL (RFC 3516 §4.2).</summary>
    public void WriteLiteral8Header(long length)
    {
        WriteByte((byte)'~');
        WriteLiteralHeader(length);
    }

    /// <summary>Writes data as a literal, or as literal8 when it contains NUL.</summary>
    public void WriteLiteral(ReadOnlySpan<byte> data)
    {
        if (data.Contains((byte)0))
        {
            WriteLiteral8Header(data.Length);
        }
        else
        {
            WriteLiteralHeader(data.Length);
        }
        WriteRaw(data);
    }

    /// <summary>Writes body data as an nstring: NIL or a literal (literal8 when it holds NUL).</summary>
    public void WriteNLiteral(ReadOnlyMemory<byte>? data)
    {
        if (data is { } d)
        {
            WriteLiteral(d.Span);
        }
        else
        {
            WriteNil();
        }
    }

    /// <summary>Writes <c>(\Seen \Flagged kw)</c> from system flag bits and keywords, without allocating.</summary>
    public void WriteFlagList(SystemFlags flags, IReadOnlyList<string>? keywords)
    {
        WriteByte((byte)'(');
        var first = true;
        WriteFlag(SystemFlags.Answered, "\\Answered"u8);
        WriteFlag(SystemFlags.Flagged, "\\Flagged"u8);
        WriteFlag(SystemFlags.Deleted, "\\Deleted"u8);
        WriteFlag(SystemFlags.Seen, "\\Seen"u8);
        WriteFlag(SystemFlags.Draft, "\\Draft"u8);
        WriteFlag(SystemFlags.Recent, "\\Recent"u8);
        if (keywords is not null)
        {
            for (var i = 0; i < keywords.Count; i++)
            {
                if (!first)
                {
                    WriteSpace();
                }
                first = false;
                WriteAtom(keywords[i]);
            }
        }
        WriteByte((byte)')');

        void WriteFlag(SystemFlags bit, ReadOnlySpan<byte> name)
        {
            if ((flags & bit) == 0)
            {
                return;
            }
            if (!first)
            {
                WriteSpace();
            }
            first = false;
            WriteRaw(name);
        }
    }

    /// <summary>Writes a parenthesised list of atoms, e.g. <c>(\Deleted \Seen \*)</c>.</summary>
    public void WriteAtomList(IReadOnlyList<string> atoms)
    {
        WriteByte((byte)'(');
        WriteAtoms(atoms);
        WriteByte((byte)')');
    }

    /// <summary>Writes atoms separated by spaces, no parentheses.</summary>
    public void WriteAtoms(IReadOnlyList<string> atoms)
    {
        for (var i = 0; i < atoms.Count; i++)
        {
            if (i > 0)
            {
                WriteSpace();
            }
            WriteAtom(atoms[i]);
        }
    }

    /// <summary>Writes a quoted date-time such as <c>"17-Jul-1996 02:44:25 -0700"</c> (RFC 9051 §9 date-time).</summary>
    public void WriteDateTime(DateTimeOffset value)
    {
        var span = Output.GetSpan(ImapDateTime.QuotedLength);
        span[0] = (byte)'"';
        ImapDateTime.Format(value, span[1..]);
        span[ImapDateTime.QuotedLength - 1] = (byte)'"';
        Output.Advance(ImapDateTime.QuotedLength);
    }

    /// <summary>Writes a quoted hierarchy delimiter, or NIL when there is none.</summary>
    public void WriteDelimiter(char? delimiter)
    {
        if (delimiter is { } d)
        {
            WriteQuoted([d]);
        }
        else
        {
            WriteNil();
        }
    }
}
