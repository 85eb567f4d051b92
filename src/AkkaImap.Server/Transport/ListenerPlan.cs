using System.Net;
using AkkaImap.Server.Configuration;
using AkkaImap.Server.Tls;

namespace AkkaImap.Server.Transport;

/// <summary>One socket to bind. <see cref="Optional"/>: the IPv6 half of <c>*</c>, skipped where the machine has no IPv6.</summary>
internal sealed record PlannedListener(IPEndPoint Address, EndpointSettings Endpoint, bool Optional);

/// <summary>
/// Which sockets the settings ask for: <c>port</c> (implicit TLS when <c>ssl</c>) and, when
/// <c>alternate-port.enabled</c>, the alternate port with its own <c>ssl</c>, on every <c>bind</c>
/// address. <c>[::]</c> is bound IPv6-only (the listener sets it), so <c>*</c> becomes 0.0.0.0 and [::].
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
                CloseTimeout = settings.Limits.CloseTimeout,
                ProxyTrustedNetworks = settings.ProxyProtocol.TrustedNetworks,
            };

            AddBinds(plan, settings.Bind, port, endpoint);
        }

        return plan;
    }

    /// <summary>The LMTP sockets: <c>lmtp.port</c> on every <c>lmtp.bind</c> address, plain TCP, 421 replies at accept time.</summary>
    public static IReadOnlyList<PlannedListener> ForLmtp(ImapSettings settings, TlsIdentity certificate, string? dispatcher)
    {
        var lmtp = settings.Lmtp;
        var endpoint = new EndpointSettings(
            Name: $"lmtp:{lmtp.Port}",
            ImplicitTls: false,
            Certificate: certificate,
            TrustedNetworks: [],
            HandshakeTimeout: lmtp.CommandTimeout,
            Dispatcher: dispatcher)
        {
            PortKey = "akka-imap.lmtp.port",
            OutputHighWater = settings.Limits.MaxUnsentOutput,
            OutputLowWater = settings.Limits.MaxUnsentOutput / 4,
            ListenBacklog = settings.Limits.ListenBacklog,
            CloseTimeout = settings.Limits.CloseTimeout,
            // RFC 5321 §3.8: a server that cannot take a client now answers 421 and closes.
            TooManyConnectionsReply = "421 4.7.0 Too many connections, try again later\r\n",
            ShuttingDownReply = "421 4.3.2 Server shutting down, try again later\r\n",
        };
        var plan = new List<PlannedListener>();
        AddBinds(plan, lmtp.Bind, lmtp.Port, endpoint);
        return plan;
    }

    private static void AddBinds(List<PlannedListener> plan, IReadOnlyList<string> binds, int port, EndpointSettings endpoint)
    {
        foreach (var bind in binds)
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
}
