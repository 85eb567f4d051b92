using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AkkaImap.Server.Tls;

/// <summary>
/// The certificate used when none is configured (SPEC.md: made once in the data folder, so
/// STARTTLS works out of the box). Made on first start, reused afterwards, remade only when it is
/// unreadable or about to expire.
/// </summary>
internal static class SelfSignedIdentity
{
    public const string FileName = "selfsigned.pfx";

    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(5 * 365);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    public static TlsIdentity LoadOrCreate(string path)
    {
        if (TryLoad(path) is { } existing)
        {
            return TlsIdentity.From(existing, isSelfSigned: true, source: path);
        }

        var pfx = Create(Environment.MachineName);
        Save(path, pfx);
        return TlsIdentity.From(X509CertificateLoader.LoadPkcs12(pfx, null), isSelfSigned: true, source: path);
    }

    private static X509Certificate2? TryLoad(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, null);
            if (certificate.HasPrivateKey && certificate.NotAfter.ToUniversalTime() > DateTime.UtcNow + RenewBefore)
            {
                return certificate;
            }

            certificate.Dispose();
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            // Unreadable: made anew below, as on first start.
        }

        return null;
    }

    /// <summary>RSA 2048, CN = machine name, SAN localhost/127.0.0.1/::1 (RFC 6125 §6.4), server auth only.</summary>
    internal static byte[] Create(string machineName)
    {
        using var key = RSA.Create(2048);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(machineName);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        if (Uri.CheckHostName(machineName) == UriHostNameType.Dns && !machineName.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            names.AddDnsName(machineName);
        }

        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now + Lifetime);
        return certificate.Export(X509ContentType.Pkcs12);
    }

    private static void Save(string path, byte[] pfx)
    {
        var temporary = path + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(temporary, pfx);
            if (!OperatingSystem.IsWindows())
            {
                // It holds the private key: readable by the service account only.
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var reason = ex is UnauthorizedAccessException ? "Permission denied" : ex.Message.TrimEnd('.');
            throw new CertificateException(
                $"storage.path: cannot write the self-signed certificate {path} ({reason}) — make the data folder writable or set tls.certificate", ex);
        }
    }
}
