using System.Net;
using System.Net.Sockets;
using Akka;
using Akka.Actor;
using Akka.Http.Dsl;
using Akka.Management.Cluster.Bootstrap;
using Akka.Management.Dsl;
using Ceen.Httpd;

namespace AkkaImap.Host;

/// <summary>
/// Akka.Management's HTTP endpoint for Cluster Bootstrap: Cluster Bootstrap's own routes
/// (<c>/bootstrap/seed-nodes</c>, which the other nodes probe) on Ceen.Httpd, bound on
/// <c>akka.management.http.*</c>, unbound by the coordinated shutdown.
/// </summary>
/// <remarks>
/// <c>AkkaManagement.Start()</c> does the same through Akka.Http.Shim 1.5.73, which calls
/// <c>Ceen.Httpd.HttpServer.ListenAsync(IPEndPoint, …)</c> of Ceen.Httpd 0.9.9; the only Ceen.Httpd
/// served here is 0.9.10, whose method takes an <see cref="EndPoint"/>, so that call fails with
/// MissingMethodException. Here the routes are bound by that 0.9.10 method directly; the routes,
/// the router and the probing are Akka.Management's.
/// </remarks>
internal static class ManagementEndpoint
{
    /// <summary>Binds the endpoint (throws <see cref="OperatorException"/> when it cannot) and tells Cluster Bootstrap where it is.</summary>
    public static async Task<Uri> StartAsync(ActorSystem system)
    {
        var http = AkkaManagement.Get(system).Settings.Http;
        var self = new UriBuilder(Uri.UriSchemeHttp, http.Hostname, http.Port, http.BasePath).Uri;
        // Also sets Cluster Bootstrap's self contact point: how it recognises itself among those discovered.
        var routes = ClusterBootstrap.Get(system).Routes(ManagementRouteProviderSettings.Create(self, readOnly: true));
        var stop = new CancellationTokenSource();
        try
        {
            var address = await AddressOfAsync(http.EffectiveBindHostname);
            // Binds before its first await: a bind failure is a faulted task at once.
            var serving = HttpServer.ListenAsync(new IPEndPoint(address, http.EffectiveBindPort), false, new ServerConfig { Router = new AkkaRouter(system, routes) }, stop.Token);
            if (serving.IsFaulted)
            {
                await serving;
            }
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            stop.Dispose();
            throw new OperatorException(
                $"akka.management.http: cannot bind {http.EffectiveBindHostname}:{http.EffectiveBindPort} ({ex.Message}) — stop what uses it, or set akka.management.http.hostname (bind-hostname) to an address of this machine and port to a free port",
                innerException: ex);
        }

        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeClusterShutdown, "akkaimap-management-unbind", () =>
        {
            stop.Cancel();
            return Task.FromResult(Done.Instance);
        });
        return self;
    }

    private static async Task<IPAddress> AddressOfAsync(string host)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        var addresses = await Dns.GetHostAddressesAsync(host);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new ArgumentException($"{host} has no address");
    }
}
