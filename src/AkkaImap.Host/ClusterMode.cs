using Akka.Configuration;
using AkkaImap.Server.Configuration;

namespace AkkaImap.Host;

/// <summary>How this node finds the other members of its cluster.</summary>
internal enum Membership
{
    /// <summary>The embedded default: a cluster of one that joins itself (no seed nodes, no discovery).</summary>
    OneNode,

    /// <summary><c>akka.cluster.seed-nodes</c> lists the nodes to join.</summary>
    SeedNodes,

    /// <summary>
    /// Akka.Management's Cluster Bootstrap: the contact points (other nodes' management HTTP
    /// endpoints) come from Akka.Discovery (<c>akka.discovery.method</c>); the node with the lowest
    /// address forms the cluster once enough of them answered, the others join it.
    /// </summary>
    Bootstrap,
}

/// <summary>
/// Whether the configuration asks for a cluster of several nodes (<c>akka.cluster.seed-nodes</c>, or
/// Cluster Bootstrap through <c>akka.discovery.method</c>), and whether the store can carry one:
/// every node serves every account, so they must share the store (PostgreSQL). A SQLite file belongs
/// to one node: seed nodes or discovery with it are refused, and so are both ways at once.
/// </summary>
internal static class ClusterMode
{
    public const string SeedNodesKey = "akka.cluster.seed-nodes";

    public const string DiscoveryMethodKey = "akka.discovery.method";

    private const string ContactPointDiscovery = "akka.management.cluster.bootstrap.contact-point-discovery";

    /// <summary>The discovery methods built and proven: Akka.Discovery's config.</summary>
    public static readonly IReadOnlyList<string> DiscoveryMethods = ["config"];

    /// <summary>
    /// Akka.Discovery.KubernetesApi 1.5.73 is built against KubernetesClient 17.0.14, which NuGet here
    /// does not serve; with the 19.0.2 it serves, its first lookup fails with MissingMethodException
    /// (V1PodList's constructor) and the node never joins. Refused rather than accepted and stuck.
    /// </summary>
    private const string KubernetesApiRefusal =
        "is not available: Akka.Discovery.KubernetesApi 1.5.73 needs KubernetesClient 17, and the 19.0.2 served here fails at its first lookup; use config (in Kubernetes, the StatefulSet's stable pod names: deploy/k8s)";

    /// <summary>The seed nodes the configuration lists (none for the embedded cluster of one).</summary>
    public static IReadOnlyList<string> SeedNodes(Config config) =>
        config.HasPath(SeedNodesKey) ? [.. config.GetStringList(SeedNodesKey) ?? []] : [];

    /// <summary><c>akka.discovery.method</c>, or null when unset (Akka.Discovery's placeholder <c>&lt;method&gt;</c> included).</summary>
    public static string? DiscoveryMethod(Config config) =>
        Setting(config, DiscoveryMethodKey, "<method>");

    public static Membership Of(Config config) =>
        DiscoveryMethod(config) is not null ? Membership.Bootstrap
        : SeedNodes(config).Count > 0 ? Membership.SeedNodes
        : Membership.OneNode;

    /// <summary>Throws the one line naming the fix when the way of joining cannot work.</summary>
    /// <exception cref="OperatorException">
    /// Seed nodes and discovery both set; a discovery method that is not shipped; config discovery
    /// without endpoints for the bootstrap's service; either way with <c>storage.provider = sqlite</c>.
    /// </exception>
    public static void Check(Config config, ImapSettings settings)
    {
        var method = DiscoveryMethod(config);
        if (method is not null && SeedNodes(config).Count > 0)
        {
            throw new OperatorException(
                $"{SeedNodesKey} and {DiscoveryMethodKey} are both set: a node joins through seed nodes or through Cluster Bootstrap with discovery, not both; remove one of them");
        }

        if (method is not null && !DiscoveryMethods.Contains(method, StringComparer.Ordinal))
        {
            throw new OperatorException(method == "kubernetes-api"
                ? $"{DiscoveryMethodKey} = {method} {KubernetesApiRefusal}"
                : $"{DiscoveryMethodKey} = {method} is not available; use {string.Join(" or ", DiscoveryMethods)}");
        }

        if (method == "config")
        {
            var services = Setting(config, "akka.discovery.config.services-path", placeholder: null) ?? "akka.discovery.config.services";
            var endpoints = $"{services}.\"{ServiceName(config)}\".endpoints";
            if (!config.HasPath(endpoints) || config.GetStringList(endpoints) is not { Count: > 0 })
            {
                throw new OperatorException(
                    $"{services}.{ServiceName(config)}.endpoints: list every node's Akka.Management endpoint as \"HOST:PORT\" (akka.management.http.hostname and port) for {DiscoveryMethodKey} = config");
            }
        }

        var (key, what) = Of(config) switch
        {
            Membership.Bootstrap => (DiscoveryMethodKey, "the discovery method"),
            Membership.SeedNodes => (SeedNodesKey, "the seed nodes"),
            _ => (null, null),
        };
        if (key is not null && !string.Equals(settings.Storage.Provider, "postgresql", StringComparison.Ordinal))
        {
            throw new OperatorException(
                $"{key}: a cluster needs a store every node shares; set {ImapSettings.Path}.storage.provider = postgresql (with storage.postgresql.connection-string) or remove {what}");
        }
    }

    /// <summary>What <c>config check</c> says of the membership, after the settings.</summary>
    public static string Describe(Config config) => Of(config) switch
    {
        Membership.SeedNodes => $"cluster membership: seed nodes ({SeedNodes(config).Count} listed in {SeedNodesKey})",
        Membership.Bootstrap => $"cluster membership: Cluster Bootstrap, contact points from {DiscoveryMethodKey} = {DiscoveryMethod(config)} (service {ServiceName(config)}), at least {RequiredContactPoints(config)} before a new cluster forms",
        _ => "cluster membership: one node (no seed nodes, no discovery)",
    };

    /// <summary>
    /// The name Cluster Bootstrap looks up, as Akka.Management computes it: <c>effective-name</c>, or
    /// <c>service-name</c> (else the AKKA__CLUSTER__BOOTSTRAP__SERVICE_NAME variable, else the actor
    /// system's name) with <c>.service-namespace</c> when set.
    /// </summary>
    public static string ServiceName(Config config)
    {
        if (Setting(config, $"{ContactPointDiscovery}.effective-name", "<effective-name>") is { } effective)
        {
            return effective;
        }

        var service = Setting(config, $"{ContactPointDiscovery}.service-name", "<service-name>")
            ?? (Environment.GetEnvironmentVariable("AKKA__CLUSTER__BOOTSTRAP__SERVICE_NAME") is { Length: > 0 } fromEnvironment ? fromEnvironment : null)
            ?? ServerHosting.ActorSystemName;
        return Setting(config, $"{ContactPointDiscovery}.service-namespace", "<service-namespace>") is { } ns ? $"{service}.{ns}" : service;
    }

    private static int RequiredContactPoints(Config config) =>
        config.HasPath($"{ContactPointDiscovery}.required-contact-point-nr") ? config.GetInt($"{ContactPointDiscovery}.required-contact-point-nr") : 2;

    private static string? Setting(Config config, string key, string? placeholder) =>
        config.HasPath(key) && config.GetString(key) is { Length: > 0 } value && value != placeholder ? value : null;
}
