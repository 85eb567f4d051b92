using System.Net;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Tls;

namespace AkkaImap.Server.Transport;

/// <summary>One socket to bind. <see cref="Optional"/>: the IPv6 half of <c>*</c>, skipped where the machine has no IPv6.</summary>
internal sealed record PlannedListener(IPEndPoint Address, EndpointSettings Endpoint, bool Optional);

/// <summary>
/// Which sockets the settings ask for: <c>port</c> (implicit TLS when <c>ssl</c>) and, when
/// <c>alternate-port.enabled</c>, the alternate port with its own <c>ssl</c>, on every <c>bind</c>
/// address. Akka.IO binds <c>[::]</c> IPv6-only (measured), so <c>*</c> becomes 0.0.0.0 and [::].
/// </summary>
internal static class ListenerPlan
{
    public static IReadOnlyList<PlannedListener> From(ImapSettings settings, TlsIdentity certificate, string? dispatcher, UnsentOutputTotal? unsentTotal = null)
    {
        var ports = new List<(int Port, bool Ssl, string PortKey)> { (settings.Port, settings.Ssl, "akka-imap.port") };
        if (settings.AlternatePort.Enabled)
        {
            ports.Add((settings.AlternatePort.Port, settings.AlternatePort.Ssl, "akka-imap.alternate-port.port"));
        }

        var plan = new List<PlannedListener>();
        unsentTotal ??= new UnsentOutputTotal(settings.Limits.MaxUnsentOutputTotal);
        foreach (var (port, ssl, portKey) in ports)
        {
            var endpoint = new EndpointSettings(
                Name: $"{(ssl ? "imaps" : "imap")}:{port}",
                ImplicitTls: ssl,
                Certificate: certificate,
                TrustedNetworks: settings.Auth.TrustedNetworks,
                HandshakeTimeout: settings.PreAuthTimeout,
                Dispatcher: dispatcher)
            {
                PortKey = portKey,
                OutputHighWater = settings.Limits.MaxUnsentOutput,
                OutputLowWater = settings.Limits.MaxUnsentOutput / 4,
                UnsentTotal = unsentTotal,
                ListenBacklog = settings.Limits.ListenBacklog,
            };

            foreach (var bind in settings.Bind)
            {
                if (bind == "*")
                {
                    plan.Add(new PlannedListener(new IPEndPoint(IPAddress.Any, port), endpoint, Optional: false));
                    plan.Add(new PlannedListener(new IPEndPoint(IPAddress.IPv6Any, port), endpoint, Optional: true));
                }
                else
                {
                    plan.Add(new PlannedListener(new IPEndPoint(IPAddress.Parse(bind), port), endpoint, Optional: false));
                }
            }
        }

        return plan;
    }
}
