using System.Buffers.Binary;
using System.Text;

namespace AkkaImap.Server.Sasl;

/// <summary>The AUTHENTICATE_MESSAGE fields the server needs (MS-NLMP §2.2.1.3).</summary>
public sealed record NtlmAuthenticate(byte[] LmResponse, byte[] NtResponse, string Domain, string User, string Workstation, uint Flags);

/// <summary>
/// Reading and writing the three NTLM messages (MS-NLMP §2.2.1): NEGOTIATE from the client,
/// CHALLENGE from us, AUTHENTICATE from the client. Readers return false on anything malformed.
/// </summary>
public static class NtlmMessages
{
    // MS-NLMP §2.2.2.5 NEGOTIATE flags.
    public const uint NegotiateUnicode = 0x00000001;
    public const uint NegotiateOem = 0x00000002;
    public const uint RequestTarget = 0x00000004;
    public const uint NegotiateNtlm = 0x00000200;
    public const uint NegotiateAlwaysSign = 0x00008000;
    public const uint TargetTypeDomain = 0x00010000;
    public const uint NegotiateExtendedSessionSecurity = 0x00080000;
    public const uint NegotiateTargetInfo = 0x00800000;
    public const uint NegotiateVersion = 0x02000000;
    public const uint Negotiate128 = 0x20000000;
    public const uint Negotiate56 = 0x80000000;

    private static ReadOnlySpan<byte> Signature => "NTLMSSP\0"u8;

    // MsvAvNbComputerName, MsvAvNbDomainName, MsvAvDnsComputerName, MsvAvDnsDomainName (§2.2.2.1).
    private const ushort AvNbComputerName = 1, AvNbDomainName = 2, AvDnsComputerName = 3, AvDnsDomainName = 4;

    /// <summary>NEGOTIATE_MESSAGE (§2.2.1.1): signature, type 1, flags; the rest is not needed.</summary>
    public static bool TryReadNegotiate(ReadOnlySpan<byte> message, out uint flags)
    {
        flags = 0;
        if (message.Length < 16 || !HasHeader(message, 1)) return false;
        flags = BinaryPrimitives.ReadUInt32LittleEndian(message[12..]);
        return true;
    }

    /// <summary>
    /// The flags we answer with: what we support of what the client asked for. No signing or
    /// sealing (IMAP has no NTLM security layer), always NTLM, target info and a domain target.
    /// </summary>
    public static uint ChallengeFlags(uint clientFlags)
    {
        uint flags = RequestTarget | NegotiateNtlm | TargetTypeDomain | NegotiateTargetInfo;
        flags |= (clientFlags & NegotiateUnicode) != 0 ? NegotiateUnicode : NegotiateOem;
        flags |= clientFlags & (NegotiateAlwaysSign | NegotiateExtendedSessionSecurity | NegotiateVersion | Negotiate128 | Negotiate56);
        return flags;
    }

    /// <summary>
    /// CHALLENGE_MESSAGE (§2.2.1.2): target name = <paramref name="domain"/>, the server
    /// challenge, and target info naming the domain and host. No MsvAvTimestamp, so clients
    /// need not send a MIC (§3.1.5.1.2).
    /// </summary>
    public static byte[] BuildChallenge(uint flags, ReadOnlySpan<byte> serverChallenge, string domain, string hostName)
    {
        var unicode = (flags & NegotiateUnicode) != 0;
        var targetName = unicode ? Encoding.Unicode.GetBytes(domain) : Encoding.Latin1.GetBytes(domain);
        var info = new List<byte>();
        AddAv(info, AvNbDomainName, domain);
        AddAv(info, AvNbComputerName, hostName);
        AddAv(info, AvDnsDomainName, domain);
        AddAv(info, AvDnsComputerName, hostName);
        info.AddRange(new byte[4]); // MsvAvEOL with length 0
        const int header = 56;
        var message = new byte[header + targetName.Length + info.Count];
        var span = message.AsSpan();
        Signature.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], 2);
        WriteBuffer(span[12..], targetName.Length, header);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], flags);
        serverChallenge.CopyTo(span[24..32]);
        WriteBuffer(span[40..], info.Count, header + targetName.Length);
        // Version (§2.2.2.10): 6.1 build 7601, NTLMSSP_REVISION_W2K3; read only when NEGOTIATE_VERSION.
        span[48] = 6;
        span[49] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(span[50..], 7601);
        span[55] = 0x0f;
        targetName.CopyTo(span[header..]);
        info.CopyTo(message, header + targetName.Length);
        return message;
    }

    /// <summary>
    /// AUTHENTICATE_MESSAGE (§2.2.1.3). <paramref name="negotiatedFlags"/> stands in for the
    /// flags field in the short form (older clients end the header before it).
    /// </summary>
    public static bool TryReadAuthenticate(ReadOnlySpan<byte> message, uint negotiatedFlags, out NtlmAuthenticate? result)
    {
        result = null;
        if (message.Length < 52 || !HasHeader(message, 3)) return false;
        var flags = message.Length >= 64 ? BinaryPrimitives.ReadUInt32LittleEndian(message[60..]) : negotiatedFlags;
        var unicode = (flags & NegotiateUnicode) != 0;
        if (!TryReadBuffer(message, 12, out var lm) || !TryReadBuffer(message, 20, out var nt)
            || !TryReadBuffer(message, 28, out var domain) || !TryReadBuffer(message, 36, out var user)
            || !TryReadBuffer(message, 44, out var workstation))
        {
            return false;
        }
        if (!TryDecode(domain, unicode, out var domainText) || !TryDecode(user, unicode, out var userText)
            || !TryDecode(workstation, unicode, out var workstationText))
        {
            return false;
        }
        result = new NtlmAuthenticate(lm.ToArray(), nt.ToArray(), domainText, userText, workstationText, flags);
        return true;
    }

    private static bool HasHeader(ReadOnlySpan<byte> message, uint type) =>
        message.StartsWith(Signature) && BinaryPrimitives.ReadUInt32LittleEndian(message[8..]) == type;

    /// <summary>A security buffer (§2.2.1.3): length, max length, offset; must lie inside the message.</summary>
    private static bool TryReadBuffer(ReadOnlySpan<byte> message, int at, out ReadOnlySpan<byte> field)
    {
        field = default;
        int length = BinaryPrimitives.ReadUInt16LittleEndian(message[at..]);
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(message[(at + 4)..]);
        if (length == 0) return true;
        if (offset > (uint)message.Length || length > message.Length - (int)offset) return false;
        field = message.Slice((int)offset, length);
        return true;
    }

    private static bool TryDecode(ReadOnlySpan<byte> bytes, bool unicode, out string text)
    {
        text = "";
        if (unicode && bytes.Length % 2 != 0) return false;
        // OEM strings are in the client's code page; Latin-1 keeps every byte and never fails.
        text = unicode ? Encoding.Unicode.GetString(bytes) : Encoding.Latin1.GetString(bytes);
        return true;
    }

    private static void WriteBuffer(Span<byte> at, int length, int offset)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(at, (ushort)length);
        BinaryPrimitives.WriteUInt16LittleEndian(at[2..], (ushort)length);
        BinaryPrimitives.WriteUInt32LittleEndian(at[4..], (uint)offset);
    }

    private static void AddAv(List<byte> info, ushort id, string value)
    {
        var bytes = Encoding.Unicode.GetBytes(value);
        Span<byte> head = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(head, id);
        BinaryPrimitives.WriteUInt16LittleEndian(head[2..], (ushort)bytes.Length);
        info.AddRange(head.ToArray());
        info.AddRange(bytes);
    }
}
