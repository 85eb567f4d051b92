using System.Text;
using System.Text.Unicode;

namespace AkkaImap.Protocol.Parsing;

/// <summary>
/// A cursor over one command's bytes with one method per lexical production of RFC 9051 §9.
/// Methods return false and record the first error message instead of throwing.
/// </summary>
internal ref struct ImapReader
{
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;

    public ImapReader(ReadOnlyMemory<byte> memory)
    {
        _memory = memory;
        _span = memory.Span;
        Pos = 0;
        Error = null;
        Kind = ParseErrorKind.Syntax;
    }

    public int Pos;
    public string? Error;
    public ParseErrorKind Kind;

    public readonly int Length => _span.Length;

    public readonly ReadOnlySpan<byte> Span => _span;

    public readonly int Peek => Pos < _span.Length ? _span[Pos] : -1;

    public readonly int PeekAt(int offset) => Pos + offset < _span.Length ? _span[Pos + offset] : -1;

    /// <summary>At the line end that closes the command (CRLF, bare LF, or the end of the bytes).</summary>
    public readonly bool AtLineEnd =>
        Pos >= _span.Length || _span[Pos] == '\n' || (_span[Pos] == '\r' && PeekAt(1) == '\n');

    public bool Fail(string message, ParseErrorKind kind = ParseErrorKind.Syntax)
    {
        if (Error is null)
        {
            Error = message;
            Kind = kind;
        }
        return false;
    }

    public bool TryByte(byte b)
    {
        if (Peek != b) return false;
        Pos++;
        return true;
    }

    public bool Expect(byte b, string message) => TryByte(b) || Fail(message);

    public bool Sp(string message) => TryByte((byte)' ') || Fail(message);

    /// <summary>Consumes the final line end; anything after it is an error.</summary>
    public bool ExpectEnd(string what)
    {
        if (!AtLineEnd)
            return Fail(Peek == ' ' ? $"Unexpected arguments after {what}" : $"Unexpected characters after {what}");
        if (Pos < _span.Length && _span[Pos] == '\r') Pos++;
        if (Pos < _span.Length) Pos++;
        return Pos == _span.Length || Fail("Data after end of command");
    }

    /// <summary>atom = 1*ATOM-CHAR (RFC 9051 §9). Upper-cases when asked (command and option names).</summary>
    public bool TryAtom(out string atom, string what, bool upper = false)
    {
        int start = Pos;
        while (Pos < _span.Length && ImapChars.IsAtomChar(_span[Pos])) Pos++;
        atom = Ascii(start, upper);
        if (Peek >= 0x80) return Fail($"8-bit character in {what}");
        if (Pos > start) return true;
        return Fail(MissingMessage(what));
    }

    /// <summary>A run of ATOM-CHARs or resp-specials, for tokens (sequence sets, numbers) validated afterwards.</summary>
    public ReadOnlySpan<byte> Token()
    {
        int start = Pos;
        while (Pos < _span.Length && ImapChars.IsAstringChar(_span[Pos])) Pos++;
        return _span[start..Pos];
    }

    /// <summary>The characters a sequence set may hold, and any ASTRING-CHAR (so that junk is reported as one token).</summary>
    public ReadOnlySpan<byte> SequenceToken()
    {
        int start = Pos;
        while (Pos < _span.Length && (ImapChars.IsAstringChar(_span[Pos]) || _span[Pos] == '*')) Pos++;
        return _span[start..Pos];
    }

    /// <summary>Letters, digits, dots and hyphens: fetch attribute and section names, which stop at '[' and '&lt;'.</summary>
    public string Word(bool upper = true)
    {
        int start = Pos;
        while (Pos < _span.Length && (char.IsAsciiLetterOrDigit((char)_span[Pos]) || _span[Pos] is (byte)'.' or (byte)'-')) Pos++;
        return Ascii(start, upper);
    }

    /// <summary>astring = 1*ASTRING-CHAR / string.</summary>
    public bool TryAstring(out string value, string what)
    {
        value = "";
        if (Peek is '"' or '{' || (Peek == '~' && PeekAt(1) == '{')) return TryString(out value, what);
        int start = Pos;
        while (Pos < _span.Length && ImapChars.IsAstringChar(_span[Pos])) Pos++;
        if (Pos == start || Peek >= 0x80) return Fail(MissingMessage(what));
        value = Ascii(start, false);
        return true;
    }

    /// <summary>list-mailbox = 1*list-char / string (RFC 9051 §9).</summary>
    public bool TryListMailbox(out string value, string what)
    {
        value = "";
        if (Peek is '"' or '{') return TryString(out value, what);
        int start = Pos;
        while (Pos < _span.Length && ImapChars.IsListChar(_span[Pos])) Pos++;
        if (Pos == start || Peek >= 0x80) return Fail(MissingMessage(what));
        value = Ascii(start, false);
        return true;
    }

    /// <summary>string = quoted / literal, UTF-8 decoded.</summary>
    public bool TryString(out string value, string what)
    {
        value = "";
        if (Peek == '"') return TryQuoted(out value, what);
        if (Peek == '{')
        {
            if (!TryLiteral(out var data, out _, allowBinary: false)) return false;
            if (data.Span.IndexOf((byte)0) >= 0) return Fail($"NUL in literal {what}");
            return Decode(data.Span, what, out value);
        }
        if (Peek == '~') return Fail($"literal8 not allowed for {what}");
        return Fail(MissingMessage(what));
    }

    /// <summary>nstring = string / NIL.</summary>
    public bool TryNString(out string? value, string what)
    {
        value = null;
        if (Peek is 'N' or 'n' && PeekAt(1) is 'I' or 'i' && PeekAt(2) is 'L' or 'l' && !ImapChars.IsAstringChar((byte)Math.Max(0, PeekAt(3))))
        {
            Pos += 3;
            return true;
        }
        if (!TryString(out var s, what)) return false;
        value = s;
        return true;
    }

    /// <summary>quoted = DQUOTE *QUOTED-CHAR DQUOTE; only \" and \\ may be escaped; 8-bit must be UTF-8 (RFC 9051 §9).</summary>
    public bool TryQuoted(out string value, string what)
    {
        value = "";
        if (!TryByte((byte)'"')) return Fail(MissingMessage(what));
        var buffer = new ArrayBuilder(stackalloc byte[128]);
        while (true)
        {
            if (Pos >= _span.Length) return Fail($"Unterminated quoted string in {what}");
            byte b = _span[Pos++];
            if (b == '"') break;
            if (b == '\\')
            {
                if (Peek is not ('"' or '\\')) return Fail($"Invalid escape in quoted {what}");
                b = _span[Pos++];
            }
            else if (b == 0 || b == '\r' || b == '\n')
            {
                buffer.Dispose();
                return Fail(b == 0 ? $"NUL in quoted {what}" : $"Line end in quoted {what}");
            }
            buffer.Add(b);
        }
        bool ok = Decode(buffer.Span, what, out value);
        buffer.Dispose();
        return ok;
    }

    /// <summary>
    /// literal = "{" number64 ["+" / "-"] "}" CRLF *CHAR8; literal8 = "~{" ... (RFC 3516,
    /// RFC 7888). The data is a slice of the command's memory, not a copy.
    /// </summary>
    public bool TryLiteral(out ReadOnlyMemory<byte> data, out bool binary, bool allowBinary)
    {
        data = default;
        binary = TryByte((byte)'~');
        if (binary && !allowBinary) return Fail("literal8 not allowed here");
        if (!TryByte((byte)'{')) return Fail("Expected literal");
        if (!TryNumber64(out ulong size, "literal size", strict: false)) return false;
        if (Peek is '+' or '-') Pos++;
        if (!Expect((byte)'}', "Expected } after literal size")) return false;
        TryByte((byte)'\r');
        if (!Expect((byte)'\n', "Expected line end after literal size")) return false;
        if ((ulong)(_span.Length - Pos) < size) return Fail("Literal shorter than its announced size");
        data = _memory.Slice(Pos, (int)size);
        Pos += (int)size;
        return true;
    }

    /// <summary>number = 1*DIGIT up to 2^32-1.</summary>
    public bool TryNumber(out uint value, string what, bool strict = true)
    {
        value = 0;
        if (!TryNumber64(out ulong v, what, strict)) return false;
        if (v > uint.MaxValue) return Fail($"Number too large for {what}");
        value = (uint)v;
        return true;
    }

    public bool TryNzNumber(out uint value, string what, bool strict = true)
    {
        if (!TryNumber(out value, what, strict)) return false;
        return value != 0 || Fail($"Zero is not valid for {what}");
    }

    /// <summary>number64 = 1*DIGIT up to 2^63-1 (RFC 9051 §9).</summary>
    /// <remarks>With <paramref name="strict"/>, a number running into atom characters (<c>12x</c>) is refused.</remarks>
    public bool TryNumber64(out ulong value, string what, bool strict = true)
    {
        value = 0;
        int start = Pos;
        while (Pos < _span.Length && _span[Pos] >= '0' && _span[Pos] <= '9')
        {
            ulong next = value * 10 + (ulong)(_span[Pos] - '0');
            if (value > long.MaxValue / 10 || next > long.MaxValue) return Fail($"Number too large for {what}");
            value = next;
            Pos++;
        }
        if (Pos == start) return Fail($"Expected number for {what}");
        if (strict && Pos < _span.Length && ImapChars.IsAtomChar(_span[Pos])) return Fail($"Invalid number for {what}");
        return true;
    }

    /// <summary>flag = "\" atom / atom (RFC 9051 §9 flag, flag-keyword, flag-extension).</summary>
    public bool TryFlag(out string flag)
    {
        int start = Pos;
        TryByte((byte)'\\');
        int atomStart = Pos;
        while (Pos < _span.Length && ImapChars.IsAtomChar(_span[Pos])) Pos++;
        flag = Ascii(start, false);
        if (Pos > atomStart && Peek < 0x80) return true;
        return Fail(Peek >= 0x80 ? "8-bit character in flag" : "Expected flag");
    }

    /// <summary>flag-list = "(" [flag *(SP flag)] ")".</summary>
    public bool TryFlagList(out List<string> flags)
    {
        flags = [];
        if (!Expect((byte)'(', "Expected ( before flag list")) return false;
        if (TryByte((byte)')')) return true;
        while (true)
        {
            if (!TryFlag(out var flag)) return false;
            flags.Add(flag);
            if (TryByte((byte)')')) return true;
            if (!Sp("Expected SP or ) in flag list")) return false;
        }
    }

    /// <summary>Whether the next bytes are <paramref name="word"/> (ASCII, case-insensitive) followed by a non-atom character; consumes it if so.</summary>
    public bool TryKeyword(string word)
    {
        if (Pos + word.Length > _span.Length) return false;
        for (int i = 0; i < word.Length; i++)
            if (char.ToUpperInvariant((char)_span[Pos + i]) != word[i]) return false;
        int after = Pos + word.Length;
        if (after < _span.Length && ImapChars.IsAtomChar(_span[after])) return false;
        Pos = after;
        return true;
    }

    private readonly string Ascii(int start, bool upper)
    {
        string s = Encoding.ASCII.GetString(_span[start..Pos]);
        return upper ? s.ToUpperInvariant() : s;
    }

    private bool Decode(scoped ReadOnlySpan<byte> bytes, string what, out string value)
    {
        value = "";
        if (!Utf8.IsValid(bytes)) return Fail($"Invalid UTF-8 in {what}");
        value = Encoding.UTF8.GetString(bytes);
        return true;
    }

    private readonly string MissingMessage(string what)
    {
        if (AtLineEnd) return $"Missing {what}";
        int b = Peek;
        if (b >= 0x80) return $"8-bit character in {what}";
        if (b < 0x20 || b == 0x7F) return $"Control character in {what}";
        return $"Invalid {what}";
    }
}
