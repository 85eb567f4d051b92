using AkkaImap.Storage.Secrets;

namespace AkkaImap.Storage.Postgres;

// The CRAM-MD5 and NTLM secrets (nullable columns cram_md5_context and nt_hash of accounts).
public sealed partial class PostgresStore
{
    public Task<HmacMd5Context?> GetCramMd5ContextAsync(string login, CancellationToken ct = default) =>
        Read(async c => await c.ScalarAsync<byte[]>("SELECT cram_md5_context FROM accounts WHERE login = @l", ("@l", Key(login))) is { } bytes
            ? HmacMd5Context.FromBytes(bytes)
            : null, ct);

    public Task<byte[]?> GetNtHashAsync(string login, CancellationToken ct = default) =>
        Read(async c => await c.ScalarAsync<byte[]>("SELECT nt_hash FROM accounts WHERE login = @l", ("@l", Key(login))) is { Length: NtHash.Length } hash
            ? hash
            : null, ct);

    public Task<int> DropPasswordSecretsAsync(PasswordSecrets kinds, CancellationToken ct = default) =>
        Write(async c =>
        {
            var changed = 0;
            if (kinds.HasFlag(PasswordSecrets.CramMd5))
                changed += await c.ExecAsync("UPDATE accounts SET cram_md5_context = NULL WHERE cram_md5_context IS NOT NULL");
            if (kinds.HasFlag(PasswordSecrets.Ntlm))
                changed += await c.ExecAsync("UPDATE accounts SET nt_hash = NULL WHERE nt_hash IS NOT NULL");
            if (changed > 0) await BumpDirectoryVersion(c);
            return changed;
        }, ct);

    private static (byte[]? CramMd5, byte[]? NtHash) DeriveExtraSecrets(string password, PasswordSecrets extra) =>
        (extra.HasFlag(PasswordSecrets.CramMd5) ? HmacMd5Context.FromPassword(password).ToBytes() : null,
         extra.HasFlag(PasswordSecrets.Ntlm) ? NtHash.FromPassword(password) : null);

    private static PasswordSecrets StoredKinds(byte[]? cramMd5, byte[]? ntHash) =>
        (cramMd5 is null ? PasswordSecrets.None : PasswordSecrets.CramMd5) | (ntHash is null ? PasswordSecrets.None : PasswordSecrets.Ntlm);
}
