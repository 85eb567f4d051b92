using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Net;
using Akka.Configuration;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Tls;
using AkkaImap.Server.Transport;
using Xunit;

namespace AkkaImap.Server.Tests.Transport;

/// <summary>An actor system with the IMAP dispatcher configured, and listeners on loopback port 0.</summary>
public abstract class TransportTestKit() : Akka.TestKit.Xunit2.TestKit(Config)
{
    private static readonly string Config = ImapDispatcher.Hocon(threads: 4) + """

        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        """;

    private static readonly Lazy<TlsIdentity> SharedIdentity = new(() =>
    {
        // ECDSA: made in milliseconds, where RSA key generation can take seconds on a small machine.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return TlsIdentity.From(certificate, isSelfSigned: true);
    });

    /// <summary>A self-signed identity made once per test run.</summary>
    internal static TlsIdentity Identity => SharedIdentity.Value;

    internal static ImapSettings Loopback(bool ssl = false, int? maxConnections = null, string bind = "127.0.0.1", int port = 0) =>
        ImapSettings.Default with
        {
            Port = port,
            Ssl = ssl,
            AlternatePort = new AlternatePortSettings(false, 993, true),
            MaxConnections = maxConnections,
            Bind = [bind],
        };

    internal Task<RunningListeners> StartAsync(ImapSettings settings, SessionPropsFactory? sessions = null) =>
        ImapListeners.StartAsync(Sys, settings, Identity, sessions ?? LineEchoSession.Factory);

    internal static EndPoint Single(RunningListeners listeners) => Assert.Single(listeners.Endpoints).Address;
}
