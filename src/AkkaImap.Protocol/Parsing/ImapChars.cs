namespace AkkaImap.Protocol.Parsing;

/// <summary>Character classes of the formal syntax (RFC 9051 §9).</summary>
internal static class ImapChars
{
    /// <summary>ATOM-CHAR: any 7-bit CHAR except atom-specials <c>( ) { SP CTL % * " \ ]</c>.</summary>
    public static bool IsAtomChar(byte b) =>
        b > 0x20 && b < 0x7F && b is not ((byte)'(' or (byte)')' or (byte)'{' or (byte)'%' or (byte)'*'
            or (byte)'"' or (byte)'\\' or (byte)']');

    /// <summary>ASTRING-CHAR = ATOM-CHAR / resp-specials.</summary>
    public static bool IsAstringChar(byte b) => IsAtomChar(b) || b == ']';

    /// <summary>tag = 1*&lt;any ASTRING-CHAR except "+"&gt;.</summary>
    public static bool IsTagChar(byte b) => IsAstringChar(b) && b != '+';

    /// <summary>list-char = ATOM-CHAR / list-wildcards / resp-specials (RFC 9051 §9, list-mailbox).</summary>
    public static bool IsListChar(byte b) => IsAstringChar(b) || b == '%' || b == '*';
}
