using Akka.Actor;
using AkkaImap.Server.Workers;
using AkkaImap.Storage;

namespace AkkaImap.Server.PublicFolders;

/// <summary>
/// The only entry point to public folders: takes <see cref="PublicFolderEnvelope"/> and forwards it,
/// keeping the original sender, to the <see cref="PublicFolderActor"/> of that post office, created
/// on first use. Like the account region it becomes a sharding region in cluster mode (entity id =
/// post office id). There are few post offices, so their actors live as long as the server.
/// </summary>
public sealed class PublicFolderRegion : ReceiveActor
{
    private readonly Dictionary<long, IActorRef> _postOffices = [];

    public PublicFolderRegion(IStore store, PublicFolderOptions options)
    {
        Receive<PublicFolderEnvelope>(e =>
        {
            if (!_postOffices.TryGetValue(e.PostOfficeId, out var actor))
            {
                actor = Context.ActorOf(
                    PublicFolderActor.Props(store, e.PostOfficeId, options).OnImapDispatcher(Context.System),
                    "public-" + e.PostOfficeId.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Context.Watch(actor);
                _postOffices.Add(e.PostOfficeId, actor);
            }
            actor.Forward(e);
        });
        Receive<Terminated>(t =>
        {
            foreach (var (id, actor) in _postOffices.ToArray())
                if (actor.Equals(t.ActorRef)) _postOffices.Remove(id);
        });
    }

    public static Props Props(IStore store, PublicFolderOptions? options = null) =>
        Akka.Actor.Props.Create(() => new PublicFolderRegion(store, options ?? new PublicFolderOptions()));

    /// <summary>A public-folder actor that fails is restarted empty; its sessions keep their views.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);
}
