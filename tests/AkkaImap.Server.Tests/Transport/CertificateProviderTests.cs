using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Tls;
using Xunit;

namespace AkkaImap.Server.Tests.Transport;

public sealed class CertificateProviderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("akkaimap-cert-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static X509Certificate2 MakeCertificate(ECDsa key, string name = "mail.example.com")
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    [Fact]
    public void Missing_certificate_file_is_one_clear_line()
    {
        var missing = PathOf("cert.pem");

        var error = Assert.Throws<CertificateException>(() => CertificateProvider.Load(new TlsSettings(missing, null, null), _folder));

        Assert.Equal(
            $"tls.certificate: cannot read {missing} (No such file or directory) — fix the path or remove the setting to use a self-signed certificate",
            error.Message);
    }

    [Fact]
    public void Pem_certificate_and_key_load_with_the_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = MakeCertificate(key);
        File.WriteAllText(PathOf("cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(PathOf("key.pem"), key.ExportPkcs8PrivateKeyPem());

        var identity = CertificateProvider.Load(new TlsSettings(PathOf("cert.pem"), PathOf("key.pem"), null), _folder);

        Assert.True(identity.Certificate.HasPrivateKey);
        Assert.Equal(certificate.Thumbprint, identity.Certificate.Thumbprint);
        Assert.False(identity.IsSelfSigned);
    }

    [Fact]
    public void Pem_key_of_another_certificate_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = MakeCertificate(key);
        File.WriteAllText(PathOf("cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(PathOf("key.pem"), other.ExportPkcs8PrivateKeyPem());

        var error = Assert.Throws<CertificateException>(() =>
            CertificateProvider.Load(new TlsSettings(PathOf("cert.pem"), PathOf("key.pem"), null), _folder));

        Assert.StartsWith($"tls.key: the key in {PathOf("key.pem")} does not match the certificate in {PathOf("cert.pem")}", error.Message);
    }

    [Fact]
    public void Pfx_with_its_password_loads_and_a_wrong_password_is_named()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = MakeCertificate(key);
        File.WriteAllBytes(PathOf("server.pfx"), certificate.Export(X509ContentType.Pkcs12, "secret"));

        var identity = CertificateProvider.Load(new TlsSettings(PathOf("server.pfx"), null, "secret"), _folder);
        var error = Assert.Throws<CertificateException>(() =>
            CertificateProvider.Load(new TlsSettings(PathOf("server.pfx"), null, "wrong"), _folder));

        Assert.Equal(certificate.Thumbprint, identity.Certificate.Thumbprint);
        Assert.StartsWith($"tls.password: cannot open {PathOf("server.pfx")}", error.Message);
    }

    [Fact]
    public void Self_signed_certificate_is_made_once_and_reused()
    {
        var none = new TlsSettings(null, null, null);

        var first = CertificateProvider.Load(none, _folder);
        var second = CertificateProvider.Load(none, _folder);

        Assert.True(File.Exists(Path.Combine(_folder, "tls", "selfsigned.pfx")));
        Assert.True(first.IsSelfSigned);
        Assert.Equal(first.Certificate.Thumbprint, second.Certificate.Thumbprint);
        Assert.Equal($"CN={Environment.MachineName}", first.Certificate.Subject);
        var names = first.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("localhost", names.EnumerateDnsNames());
        Assert.Equal(["127.0.0.1", "::1"], names.EnumerateIPAddresses().Select(a => a.ToString()));
        Assert.InRange(first.Certificate.NotAfter - first.Certificate.NotBefore, TimeSpan.FromDays(5 * 365), TimeSpan.FromDays(5 * 366 + 2));
    }
}
