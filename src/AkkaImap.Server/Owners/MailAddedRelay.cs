using Akka.Actor;
using AkkaImap.Server.DirectoryFeed;
using AkkaImap.Storage;

namespace AkkaImap.Server.Owners;

/// <summary>
/// Hands the change feed's <see cref="MailAdded"/> (mail <c>akkaimap import</c> appended) to the
/// account's owner entity when it runs on this node: one EventStream subscriber per node rather
/// than one per owner, and no owner started for it (an owner that is not running has nothing
/// loaded, and reads the folder from the store when it is next selected). The entity is found by
/// its path under the shard region (<c>region/&lt;shard&gt;/acct-N</c>); every node's watcher reads the
/// feed, so in a cluster the node that hosts the owner hears it.
/// </summary>
public sealed class MailAddedRelay : ReceiveActor
{
    public MailAddedRelay(IActorRef region)
    {
        var regionPath = region.Path.ToStringWithoutAddress();
        Receive<MailAdded>(m =>
            Context.ActorSelection($"{regionPath}/*/{OwnerSharding.EntityId(MailboxOwner.ForAccount(m.AccountId))}").Tell(m, Self));
    }

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(MailAdded));

    public static Props Props(IActorRef region) => Akka.Actor.Props.Create(() => new MailAddedRelay(region));
}
