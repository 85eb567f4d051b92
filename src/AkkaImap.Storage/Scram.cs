using System.Security.Cryptography;
using System.Text;

namespace AkkaImap.Storage;

/// <summary>
/// SCRAM-SHA-256 verifier derivation (RFC 5802 §3, RFC 7677):
/// SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, i); ClientKey = HMAC(SaltedPassword,
/// "Client Key"); StoredKey = SHA-256(ClientKey); ServerKey = HMAC(SaltedPassword, "Server Key").
/// Only StoredKey and ServerKey are kept; neither gives back the password.
/// </summary>
public static class Scram
{
    public const int SaltLength = 16;

    public static ScramCredentials Create(string password, int iterations)
    {
        return Derive(password, RandomNumberGenerator.GetBytes(SaltLength), iterations);
    }

    /// <summary>The verifier for a given salt (tests and migrations; new secrets use <see cref="Create"/>).</summary>
    public static ScramCredentials Derive(string password, byte[] salt, int iterations)
    {
        var salted = SaltedPassword(password, salt, iterations);
        return new ScramCredentials(salt, iterations, StoredKey(salted), HMACSHA256.HashData(salted, "Server Key"u8));
    }

    /// <summary>True when <paramref name="password"/> yields the stored key (constant-time compare).</summary>
    public static bool Verify(ScramCredentials credentials, string password)
    {
        var salted = SaltedPassword(password, credentials.Salt, credentials.Iterations);
        return CryptographicOperations.FixedTimeEquals(StoredKey(salted), credentials.StoredKey);
    }

    // RFC 5802 asks for SASLprep (RFC 4013) of the password; we use its UTF-8 bytes as given,
    // which matches SASLprep for the common case of ASCII passwords without control characters.
    public static byte[] SaltedPassword(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);

    private static byte[] StoredKey(byte[] saltedPassword) =>
        SHA256.HashData(HMACSHA256.HashData(saltedPassword, "Client Key"u8));
}
