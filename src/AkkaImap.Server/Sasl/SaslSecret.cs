using AkkaImap.Storage;
using AkkaImap.Storage.Secrets;

namespace AkkaImap.Server.Sasl;

/// <summary>Which stored secret a mechanism needs.</summary>
public enum SaslSecretKind
{
    /// <summary>SCRAM-SHA-256 StoredKey/ServerKey, salt and iterations (RFC 5802 §3).</summary>
    Scram,
    /// <summary>CRAM-MD5 HMAC-MD5 contexts (RFC 2195).</summary>
    CramMd5,
    /// <summary>The NT hash (MS-NLMP §3.3.1).</summary>
    NtHash,
}

/// <summary>
/// The stored secrets of an existing account. A property is null when the account has no
/// such secret (its password was set while the mechanism was off).
/// </summary>
public sealed record SaslSecret(ScramCredentials? Scram = null, HmacMd5Context? CramMd5 = null, byte[]? NtHash = null);

/// <summary>Fetches what <see cref="SaslStep.NeedSecret"/> asks for. Runs off the session's thread.</summary>
public static class SaslSecrets
{
    /// <summary>Null when the account does not exist.</summary>
    public static async Task<SaslSecret?> FetchAsync(IDirectoryStore store, SaslStep.NeedSecret need, CancellationToken ct = default)
    {
        switch (need.Kind)
        {
            case SaslSecretKind.Scram:
                var scram = await store.GetScramCredentialsAsync(need.Login, ct).ConfigureAwait(false);
                return scram is null ? null : new SaslSecret(Scram: scram);
            case SaslSecretKind.CramMd5:
                var context = await store.GetCramMd5ContextAsync(need.Login, ct).ConfigureAwait(false);
                if (context is not null) return new SaslSecret(CramMd5: context);
                break;
            default:
                var hash = await store.GetNtHashAsync(need.Login, ct).ConfigureAwait(false);
                if (hash is not null) return new SaslSecret(NtHash: hash);
                break;
        }
        // No secret: tell an account without one from no account at all.
        return await store.FindAccountAsync(need.Login, ct).ConfigureAwait(false) is null ? null : new SaslSecret();
    }
}
