using AkkaImap.Storage.Secrets;

namespace AkkaImap.Storage.Sqlite;

// The CRAM-MD5 and NTLM secrets (nullable columns cram_md5_context and nt_hash of accounts).
public sealed partial class SqliteStore
{
    public Task<HmacMd5Context?> GetCramMd5ContextAsync(string login, CancellationToken ct = default) =>
        Read(c => c.Scalar<byte[]>("SELECT cram_md5_context FROM accounts WHERE login = @l", ("@l", login.Trim())) is { } bytes
            ? HmacMd5Context.FromBytes(bytes)
            : null, ct);

    public Task<byte[]?> GetNtHashAsync(string login, CancellationToken ct = default) =>
        Read(c => c.Scalar<byte[]>("SELECT nt_hash FROM accounts WHERE login = @l", ("@l", login.Trim())) is { Length: NtHash.Length } hash
            ? hash
            : null, ct);

    public Task<int> DropPasswordSecretsAsync(PasswordSecrets kinds, CancellationToken ct = default) =>
        Write(c =>
        {
            var changed = 0;
            if (kinds.HasFlag(PasswordSecrets.CramMd5))
                changed += c.Exec("UPDATE accounts SET cram_md5_context = NULL WHERE cram_md5_context IS NOT NULL");
            if (kinds.HasFlag(PasswordSecrets.Ntlm))
                changed += c.Exec("UPDATE accounts SET nt_hash = NULL WHERE nt_hash IS NOT NULL");
            if (changed > 0) BumpDirectoryVersion(c);
            return changed;
        }, ct);

    /// <summary>Derived outside the single writer, like the SCRAM keys; null for a kind not asked for.</summary>
    private static (byte[]? CramMd5, byte[]? NtHash) DeriveExtraSecrets(string password, PasswordSecrets extra) =>
        (extra.HasFlag(PasswordSecrets.CramMd5) ? HmacMd5Context.FromPassword(password).ToBytes() : null,
         extra.HasFlag(PasswordSecrets.Ntlm) ? NtHash.FromPassword(password) : null);

    private static PasswordSecrets StoredKinds(byte[]? cramMd5, byte[]? ntHash) =>
        (cramMd5 is null ? PasswordSecrets.None : PasswordSecrets.CramMd5) | (ntHash is null ? PasswordSecrets.None : PasswordSecrets.Ntlm);
}
