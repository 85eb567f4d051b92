using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using AkkaImap.Storage.Secrets;

namespace AkkaImap.IntegrationTests.Auth;

/// <summary>
/// The client half of NTLMv1 and the NTLM2 session response (MS-NLMP), written here so the raw
/// tests do not trust the server's own code: NEGOTIATE (§2.2.1.1), the server challenge from
/// CHALLENGE (§2.2.1.2) and AUTHENTICATE (§2.2.1.3) with the §3.3.1 responses.
/// </summary>
internal static class NtlmV1Client
{
    public const uint NegotiateUnicode = 0x00000001;
    public const uint RequestTarget = 0x00000004;
    public const uint NegotiateNtlm = 0x00000200;
    public const uint ExtendedSessionSecurity = 0x00080000;

    private static readonly byte[] Signature = "NTLMSSP\0"u8.ToArray();

    /// <summary>NEGOTIATE_MESSAGE with no domain or workstation supplied: 32 bytes.</summary>
    public static byte[] Negotiate(uint flags)
    {
        var message = new byte[32];
        Signature.CopyTo(message, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(12), flags);
        return message;
    }

    /// <summary>The 8-byte ServerChallenge at offset 24 of a CHALLENGE_MESSAGE (§2.2.1.2).</summary>
    public static byte[] ServerChallenge(byte[] challenge)
    {
        if (challenge.Length < 32 || !challenge.AsSpan(0, 8).SequenceEqual(Signature) || BinaryPrimitives.ReadUInt32LittleEndian(challenge.AsSpan(8)) != 2)
        {
            throw new InvalidDataException("not an NTLM CHALLENGE_MESSAGE");
        }

        return challenge[24..32];
    }

    /// <summary>NTLMv1 (§3.3.1): NtChallengeResponse = DESL(NTOWFv1, ServerChallenge); the LM response repeats it (NoLMResponseNTLMv1).</summary>
    public static (byte[] Lm, byte[] Nt) V1(string password, byte[] serverChallenge)
    {
        var nt = Desl(NtOwfV1(password), serverChallenge);
        return (nt, nt);
    }

    /// <summary>
    /// NTLM2 session response (§3.3.1 with NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY): the LM
    /// response is the client challenge padded with zeros to 24 bytes, the NT response
    /// DESL(NTOWFv1, MD5(ServerChallenge + ClientChallenge)[0..8]).
    /// </summary>
    public static (byte[] Lm, byte[] Nt) SessionResponse(string password, byte[] serverChallenge, byte[] clientChallenge)
    {
        var lm = new byte[24];
        clientChallenge.CopyTo(lm, 0);
        var nt = Desl(NtOwfV1(password), MD5.HashData([.. serverChallenge, .. clientChallenge]).AsSpan(0, 8).ToArray());
        return (lm, nt);
    }

    /// <summary>AUTHENTICATE_MESSAGE (§2.2.1.3): the 64-byte header with NegotiateFlags, then the payload, names in UTF-16LE.</summary>
    public static byte[] Authenticate(uint flags, byte[] lm, byte[] nt, string domain, string user, string workstation)
    {
        byte[][] fields = [lm, nt, Encoding.Unicode.GetBytes(domain), Encoding.Unicode.GetBytes(user), Encoding.Unicode.GetBytes(workstation), []];
        var message = new byte[64 + fields.Sum(f => f.Length)];
        Signature.CopyTo(message, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), 3);
        var offset = 64;
        for (var i = 0; i < fields.Length; i++)
        {
            var header = message.AsSpan(12 + (8 * i));
            BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)fields[i].Length);
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)fields[i].Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)offset);
            fields[i].CopyTo(message, offset);
            offset += fields[i].Length;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(60), flags);
        return message;
    }

    /// <summary>NTOWFv1 = MD4(UNICODE(Passwd)) (§3.3.1).</summary>
    private static byte[] NtOwfV1(string password) => Md4.HashData(Encoding.Unicode.GetBytes(password));

    /// <summary>DESL (§6): K padded to 21 bytes, three 7-byte DES keys each encrypting D; 24 bytes out.</summary>
    private static byte[] Desl(byte[] key16, byte[] data8)
    {
        var key21 = new byte[21];
        key16.CopyTo(key21, 0);
        var result = new byte[24];
        for (var i = 0; i < 3; i++)
        {
            using var des = DES.Create();
            des.Key = DesKey(key21.AsSpan(7 * i, 7));
            des.EncryptEcb(data8, PaddingMode.None).CopyTo(result, 8 * i);
        }

        return result;
    }

    /// <summary>Spreads 56 key bits over 8 bytes, 7 bits each in the high bits (DES ignores the low parity bit).</summary>
    private static byte[] DesKey(ReadOnlySpan<byte> k)
    {
        return
        [
            (byte)(k[0] & 0xFE),
            (byte)((k[0] << 7) | (k[1] >> 1)),
            (byte)((k[1] << 6) | (k[2] >> 2)),
            (byte)((k[2] << 5) | (k[3] >> 3)),
            (byte)((k[3] << 4) | (k[4] >> 4)),
            (byte)((k[4] << 3) | (k[5] >> 5)),
            (byte)((k[5] << 2) | (k[6] >> 6)),
            (byte)(k[6] << 1),
        ];
    }
}
