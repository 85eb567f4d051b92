using Akka.Actor;
using Akka.Cluster.Sharding;
using AkkaImap.Server.Owners;
using AkkaImap.Storage;

namespace AkkaImap.Server.Tests.Owners;

/// <summary>
/// For unit tests of sessions and owners: the owner region without a cluster. It routes with the
/// real <see cref="OwnerSharding.MessageExtractor"/> to real <see cref="OwnerActor"/> entities built
/// by <see cref="OwnerSharding.EntityProps"/>, one child per entity id; owners never passivate.
/// Sharding itself (passivation, resubscription) is proven by <see cref="OwnerShardingTests"/> and
/// through the executable.
/// </summary>
public sealed class LocalOwners : ReceiveActor
{
    public LocalOwners(IStore store, OwnerOptions options)
    {
        var extractor = OwnerSharding.MessageExtractor;
        var props = OwnerSharding.EntityProps(Context.System, store, options);
        ReceiveAny(message =>
        {
            var id = extractor.EntityId(message) ?? throw new InvalidOperationException($"not for an owner: {message}");
            var entity = Context.Child(id);
            if (entity.IsNobody()) entity = Context.ActorOf(props(id), id);
            entity.Forward(extractor.EntityMessage(message));
        });
    }

    public static Props Props(IStore store, OwnerOptions? options = null) =>
        Akka.Actor.Props.Create(() => new LocalOwners(store, options ?? new OwnerOptions()));

    /// <summary>
    /// The test actor system's configuration: the owner messages' serializer, and every message
    /// serialized on each send, so what crosses a region is proven to cross a wire.
    /// </summary>
    public static string Hocon => OwnerMessageSerializer.Hocon + "\nakka.actor.serialize-messages = on\n";
}
