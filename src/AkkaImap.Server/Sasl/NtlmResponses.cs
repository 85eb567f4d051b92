using System.Security.Cryptography;
using System.Text;

namespace AkkaImap.Server.Sasl;

/// <summary>
/// The NTLM response algorithms of MS-NLMP §3.3, computed from the NT hash (NTOWFv1): NTLMv1
/// (§3.3.1), the NTLM2 session response (NTLMv1 with extended session security) and NTLMv2
/// (§3.3.2). Each <c>Verify…</c> compares in constant time.
/// </summary>
public static class NtlmResponses
{
    /// <summary>NTLMv1: DESL(NT hash, ServerChallenge) (§3.3.1).</summary>
    public static byte[] V1(ReadOnlySpan<byte> ntHash, ReadOnlySpan<byte> serverChallenge) => Desl(ntHash, serverChallenge);

    /// <summary>
    /// NTLM2 session response: DESL(NT hash, MD5(ServerChallenge + ClientChallenge)[0..8]), the
    /// client challenge being the first 8 bytes of the LM response (§3.3.1, extended session security).
    /// </summary>
    public static byte[] SessionResponse(ReadOnlySpan<byte> ntHash, ReadOnlySpan<byte> serverChallenge, ReadOnlySpan<byte> clientChallenge)
    {
        var both = new byte[16];
        serverChallenge[..8].CopyTo(both);
        clientChallenge[..8].CopyTo(both.AsSpan(8));
        return Desl(ntHash, MD5.HashData(both).AsSpan(0, 8));
    }

    /// <summary>NTOWFv2 = HMAC_MD5(NT hash, UNICODE(Uppercase(User) + UserDom)) (§3.3.2).</summary>
    public static byte[] NtowfV2(ReadOnlySpan<byte> ntHash, string user, string domain) =>
        HMACMD5.HashData(ntHash, Encoding.Unicode.GetBytes(user.ToUpperInvariant() + domain));

    /// <summary>NTProofStr = HMAC_MD5(NTOWFv2, ServerChallenge + temp), temp being the blob after the proof (§3.3.2).</summary>
    public static byte[] V2Proof(ReadOnlySpan<byte> ntowfV2, ReadOnlySpan<byte> serverChallenge, ReadOnlySpan<byte> temp)
    {
        var input = new byte[8 + temp.Length];
        serverChallenge[..8].CopyTo(input);
        temp.CopyTo(input.AsSpan(8));
        return HMACMD5.HashData(ntowfV2, input);
    }

    /// <summary>
    /// Checks an AUTHENTICATE message's NT response: NTLMv2 when longer than 24 bytes, else the
    /// NTLM2 session response when extended session security was negotiated, else NTLMv1.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> ntHash, ReadOnlySpan<byte> serverChallenge, NtlmAuthenticate message)
    {
        var nt = message.NtResponse;
        if (nt.Length > 24)
        {
            // NTLMv2_CLIENT_CHALLENGE (§2.2.2.7) starts with RespType 1, HiRespType 1; at least 28 bytes.
            if (nt.Length < 16 + 28 || nt[16] != 1 || nt[17] != 1) return false;
            var proof = V2Proof(NtowfV2(ntHash, message.User, message.Domain), serverChallenge, nt.AsSpan(16));
            return CryptographicOperations.FixedTimeEquals(proof, nt.AsSpan(0, 16));
        }
        if (nt.Length != 24) return false;
        if ((message.Flags & NtlmMessages.NegotiateExtendedSessionSecurity) != 0)
        {
            if (message.LmResponse.Length < 8) return false;
            return CryptographicOperations.FixedTimeEquals(SessionResponse(ntHash, serverChallenge, message.LmResponse), nt);
        }
        return CryptographicOperations.FixedTimeEquals(V1(ntHash, serverChallenge), nt);
    }

    /// <summary>
    /// DESL (§6): the 16-byte key padded with five zero bytes to 21, split in three 7-byte DES
    /// keys, each encrypting the same 8 bytes.
    /// </summary>
    private static byte[] Desl(ReadOnlySpan<byte> key16, ReadOnlySpan<byte> data8)
    {
        Span<byte> key21 = stackalloc byte[21];
        key21.Clear();
        key16[..16].CopyTo(key21);
        var result = new byte[24];
        using var des = DES.Create();
        for (int i = 0; i < 3; i++)
        {
            try
            {
                des.Key = ExpandDesKey(key21.Slice(i * 7, 7));
            }
            catch (CryptographicException)
            {
                // The BCL refuses DES weak keys; a key chunk that expands to one (about 1 in 65,536
                // NT hashes, only in the zero-padded third key) cannot log in with NTLMv1.
                return new byte[24];
            }
            des.EncryptEcb(data8[..8], result.AsSpan(i * 8, 8), PaddingMode.None);
        }
        return result;
    }

    /// <summary>Spreads 56 key bits over 8 bytes, 7 bits each, and sets odd parity in the low bit.</summary>
    private static byte[] ExpandDesKey(ReadOnlySpan<byte> key7)
    {
        var key = new byte[8];
        key[0] = key7[0];
        for (int i = 1; i < 7; i++)
        {
            key[i] = (byte)((key7[i - 1] << (8 - i)) | (key7[i] >> i));
        }
        key[7] = (byte)(key7[6] << 1);
        for (int i = 0; i < 8; i++)
        {
            var b = key[i] & 0xfe;
            key[i] = (byte)(b | (System.Numerics.BitOperations.PopCount((uint)b) % 2 == 0 ? 1 : 0));
        }
        return key;
    }
}
