using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AkkaImap.Server.Tls;

/// <summary>
/// The server's certificate, ready for <see cref="SslStream"/>: the leaf with its private key, any
/// intermediates sent along, and one set of handshake options shared by every connection.
/// </summary>
public sealed class TlsIdentity
{
    private TlsIdentity(X509Certificate2 certificate, X509Certificate2Collection intermediates, bool isSelfSigned, string source)
    {
        Certificate = certificate;
        IsSelfSigned = isSelfSigned;
        Source = source;
        // Built once: the context holds the chain, so each handshake does not rebuild it.
        var context = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
        ServerOptions = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = context,
            // RFC 8996 deprecates TLS 1.0/1.1; RFC 8314 §4.1 asks for TLS 1.2 or later.
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowRenegotiation = false,
        };
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>True for the certificate made in the data folder because none was configured.</summary>
    public bool IsSelfSigned { get; }

    /// <summary>Where it came from (a path), for the start-up log.</summary>
    public string Source { get; }

    internal SslServerAuthenticationOptions ServerOptions { get; }

    /// <summary>
    /// Wraps a certificate that carries its private key (the Host's, a test's). A key loaded from
    /// PEM is ephemeral, which SslStream cannot always use: one PKCS#12 round trip makes it a
    /// regular one.
    /// </summary>
    public static TlsIdentity From(
        X509Certificate2 certificate,
        X509Certificate2Collection? intermediates = null,
        bool isSelfSigned = false,
        string? source = null)
    {
        if (!certificate.HasPrivateKey)
        {
            throw new CertificateException($"the server certificate {source ?? certificate.Subject} has no private key — give tls.key or a PFX with its key");
        }

        return new TlsIdentity(Persisted(certificate), intermediates ?? [], isSelfSigned, source ?? certificate.Subject);
    }

    private static X509Certificate2 Persisted(X509Certificate2 certificate)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException)
        {
            // Not exportable (a hardware or non-exportable key): use it as it is.
            return certificate;
        }
    }
}
