using Akka.Configuration;
using AkkaImap.Server.Configuration;

namespace AkkaImap.Host;

/// <summary>
/// Whether the configuration asks for a cluster of several nodes (<c>akka.cluster.seed-nodes</c>),
/// and whether the store can carry one: every node serves every account, so they must share the
/// store (PostgreSQL). A SQLite file belongs to one node: seed nodes with it are refused.
/// </summary>
internal static class ClusterMode
{
    public const string SeedNodesKey = "akka.cluster.seed-nodes";

    /// <summary>The seed nodes the configuration lists (none for the embedded cluster of one).</summary>
    public static IReadOnlyList<string> SeedNodes(Config config) =>
        config.HasPath(SeedNodesKey) ? [.. config.GetStringList(SeedNodesKey) ?? []] : [];

    /// <summary>Throws the one line naming the fix when seed nodes come with a store only this node can use.</summary>
    /// <exception cref="OperatorException">Seed nodes with <c>storage.provider = sqlite</c>.</exception>
    public static void Check(Config config, ImapSettings settings)
    {
        if (SeedNodes(config).Count > 0 && !string.Equals(settings.Storage.Provider, "postgresql", StringComparison.Ordinal))
        {
            throw new OperatorException(
                $"{SeedNodesKey}: a cluster needs a store every node shares; set {ImapSettings.Path}.storage.provider = postgresql (with storage.postgresql.connection-string) or remove the seed nodes");
        }
    }
}
