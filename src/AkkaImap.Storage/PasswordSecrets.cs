namespace AkkaImap.Storage;

/// <summary>
/// Secrets derived from a password besides the SCRAM-SHA-256 keys (which are always kept).
/// Each is password-equivalent for its own mechanism, so the server asks for one only while
/// that mechanism is switched on (<c>auth.cram-md5</c>, <c>auth.ntlm</c>).
/// </summary>
[Flags]
public enum PasswordSecrets
{
    None = 0,
    /// <summary>The HMAC-MD5 contexts of CRAM-MD5 (RFC 2195), see <see cref="Secrets.HmacMd5Context"/>.</summary>
    CramMd5 = 1,
    /// <summary>The NT hash of NTLM (MS-NLMP §3.3.1), see <see cref="Secrets.NtHash"/>.</summary>
    Ntlm = 2,
}
