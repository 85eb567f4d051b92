using System.Text;

namespace AkkaImap.Storage.Secrets;

/// <summary>
/// The NT hash, NTOWFv1 (MS-NLMP §3.3.1): MD4 of the password in UTF-16LE. It is the key of
/// NTLMv1, the NTLM2 session response and (through NTOWFv2) NTLMv2, and is password-equivalent
/// for NTLM, which is why it is stored only while <c>auth.ntlm</c> is on.
/// </summary>
public static class NtHash
{
    public const int Length = 16;

    public static byte[] FromPassword(string password) => Md4.HashData(Encoding.Unicode.GetBytes(password));
}
