using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.PublicFolders;
using AkkaImap.Server.Workers;
using AkkaImap.Storage;

namespace AkkaImap.Server.Owners;

/// <summary>
/// How owners are sharded (Akka.Cluster.Sharding): one entity per account (<c>acct-ID</c>) and one
/// per post office's public folders (<c>po-ID</c>), both <see cref="OwnerActor"/>. Sessions send the
/// <see cref="AccountEnvelope"/> they always sent to the region; <see cref="MessageExtractor"/>
/// picks the entity from it. On one machine the server is a cluster of one; in cluster mode any
/// node reaches any owner through its own region.
/// </summary>
public static class OwnerSharding
{
    /// <summary>The shard region's type name.</summary>
    public const string TypeName = "owner";

    /// <summary>Shards per cluster: about ten per node of the largest cluster foreseen.</summary>
    public const int Shards = 100;

    /// <summary>
    /// Rows of a snapshot per message (<see cref="SnapshotRows"/>): a 100,000-message folder crosses
    /// the region in pieces, each well under Akka.Remote's default frame of 128,000 bytes.
    /// </summary>
    public const int SnapshotChunk = 1000;

    private const string AccountPrefix = "acct-";
    private const string PostOfficePrefix = "po-";

    public static IMessageExtractor MessageExtractor { get; } = new Extractor();

    /// <summary>The entity id of an owner.</summary>
    public static string EntityId(MailboxOwner owner) =>
        (owner.Kind == OwnerKind.PublicFolders ? PostOfficePrefix : AccountPrefix) + owner.Id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The owner an entity id names; false for anything else.</summary>
    public static bool TryParse(string entityId, out MailboxOwner owner)
    {
        owner = default;
        if (entityId.StartsWith(AccountPrefix, StringComparison.Ordinal)
            && long.TryParse(entityId.AsSpan(AccountPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var account))
        {
            owner = MailboxOwner.ForAccount(account);
            return true;
        }
        if (entityId.StartsWith(PostOfficePrefix, StringComparison.Ordinal)
            && long.TryParse(entityId.AsSpan(PostOfficePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var postOffice))
        {
            owner = MailboxOwner.ForPublicFolders(postOffice);
            return true;
        }
        return false;
    }

    /// <summary>The entity factory the region is started with: an owner on the IMAP dispatcher.</summary>
    public static Func<string, Props> EntityProps(ActorSystem system, IStore store, OwnerOptions options) =>
        entityId => TryParse(entityId, out var owner)
            ? OwnerActor.Props(store, owner, options).OnImapDispatcher(system)
            : throw new ArgumentException($"not an owner entity id: {entityId}", nameof(entityId));

    /// <summary>
    /// Starts the region on <paramref name="system"/> directly (the Host does the same through
    /// Akka.Cluster.Hosting). Owners idle for <paramref name="passivateAfter"/> stop; their
    /// subscribers subscribe again to the next incarnation.
    /// </summary>
    public static Task<IActorRef> StartAsync(ActorSystem system, IStore store, OwnerOptions options, TimeSpan passivateAfter)
    {
        // The extension first: it adds the akka.cluster.sharding defaults the settings are read from.
        var sharding = ClusterSharding.Get(system);
        var settings = ClusterShardingSettings.Create(system)
            .WithPassivateIdleAfter(passivateAfter)
            .WithRememberEntities(false);
        return sharding.StartAsync(TypeName, EntityProps(system, store, options), settings, MessageExtractor);
    }

    private sealed class Extractor() : HashCodeMessageExtractor(Shards)
    {
        public override string? EntityId(object message) => message switch
        {
            AccountEnvelope { Command: ToPublicFolders p } => OwnerSharding.EntityId(MailboxOwner.ForPublicFolders(p.PostOfficeId)),
            AccountEnvelope e => OwnerSharding.EntityId(MailboxOwner.ForAccount(e.AccountId)),
            _ => null,
        };

        public override object EntityMessage(object message) => message switch
        {
            AccountEnvelope { Command: ToPublicFolders p } e => new OwnerRequest(e.AccountId, p.Command, e.TraceParent, e.RequestId),
            AccountEnvelope e => new OwnerRequest(e.AccountId, e.Command, e.TraceParent, e.RequestId),
            _ => message,
        };
    }
}
