using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AkkaImap.Server.Configuration;

namespace AkkaImap.Server.Tls;

/// <summary>
/// Finds the server certificate from <c>tls.certificate</c>/<c>tls.key</c>/<c>tls.password</c>:
/// PEM certificate (+ chain) with a PEM key, or a PFX with its password. With nothing configured it
/// uses (and the first time makes) a self-signed certificate in <c>storage.path</c>/tls.
/// </summary>
public static class CertificateProvider
{
    private const string UseSelfSigned = "fix the path or remove the setting to use a self-signed certificate";

    /// <exception cref="CertificateException">Unreadable file, wrong password, or a key that does not match.</exception>
    public static TlsIdentity Load(TlsSettings tls, string storagePath)
    {
        if (tls.Certificate is null)
        {
            if (tls.Key is not null)
            {
                throw new CertificateException(
                    "tls.key is set without tls.certificate — set both, or remove tls.key to use a self-signed certificate");
            }

            return SelfSignedIdentity.LoadOrCreate(Path.Combine(storagePath, "tls", SelfSignedIdentity.FileName));
        }

        var certificateBytes = ReadFile("tls.certificate", tls.Certificate);
        return tls.Key is not null || LooksLikePem(certificateBytes)
            ? LoadPem(tls.Certificate, tls.Key, tls.Password)
            : LoadPkcs12(tls.Certificate, certificateBytes, tls.Password);
    }

    private static TlsIdentity LoadPem(string certificatePath, string? keyPath, string? password)
    {
        var certificatePem = File.ReadAllText(certificatePath);
        var keyPem = keyPath is null ? certificatePem : System.Text.Encoding.UTF8.GetString(ReadFile("tls.key", keyPath));
        var keySource = keyPath ?? certificatePath;

        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPem(certificatePem);
        }
        catch (CryptographicException ex)
        {
            throw new CertificateException($"tls.certificate: {certificatePath} holds an unreadable PEM certificate ({ex.Message}) — {UseSelfSigned}", ex);
        }

        if (chain.Count == 0)
        {
            throw new CertificateException($"tls.certificate: {certificatePath} holds no PEM certificate — {UseSelfSigned}");
        }

        if (!keyPem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            var fix = keyPath is null ? "set tls.key to the key file" : "point tls.key at the private key file";
            throw new CertificateException($"tls.key: {keySource} holds no PEM private key — {fix}");
        }

        X509Certificate2 withKey;
        try
        {
            withKey = password is not null && keyPem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromEncryptedPem(certificatePem, keyPem, password)
                : X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new CertificateException(
                $"tls.key: the key in {keySource} does not match the certificate in {certificatePath} (or needs tls.password) — use the key the certificate was issued for", ex);
        }

        using (withKey)
        {
            var intermediates = new X509Certificate2Collection();
            for (var i = 1; i < chain.Count; i++)
            {
                intermediates.Add(chain[i]);
            }

            return TlsIdentity.From(withKey, intermediates, isSelfSigned: false, source: certificatePath);
        }
    }

    private static TlsIdentity LoadPkcs12(string path, byte[] bytes, string? password)
    {
        X509Certificate2Collection all;
        try
        {
            all = X509CertificateLoader.LoadPkcs12Collection(bytes, password);
        }
        catch (CryptographicException ex)
        {
            throw new CertificateException(
                $"tls.password: cannot open {path} ({ex.Message.TrimEnd('.')}) — check tls.password, or give a PEM certificate with tls.key", ex);
        }

        var leaf = all.FirstOrDefault(c => c.HasPrivateKey)
            ?? throw new CertificateException($"tls.certificate: {path} holds no private key — export the PFX with its key");
        var intermediates = new X509Certificate2Collection();
        foreach (var other in all.Where(c => !ReferenceEquals(c, leaf)))
        {
            intermediates.Add(other);
        }

        return TlsIdentity.From(leaf, intermediates, isSelfSigned: false, source: path);
    }

    private static byte[] ReadFile(string key, string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CertificateException($"{key}: cannot read {path} ({Reason(ex)}) — {UseSelfSigned}", ex);
        }
    }

    private static string Reason(Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        UnauthorizedAccessException => "Permission denied",
        _ => ex.Message.TrimEnd('.'),
    };

    private static bool LooksLikePem(byte[] bytes) =>
        System.Text.Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 4096)).Contains("-----BEGIN", StringComparison.Ordinal);
}
