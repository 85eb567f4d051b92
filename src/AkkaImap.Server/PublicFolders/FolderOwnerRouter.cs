using Akka.Actor;
using AkkaImap.Server.Accounts;

namespace AkkaImap.Server.PublicFolders;

/// <summary>
/// The entry point sessions are given: <see cref="AccountEnvelope"/>s go on to the account region
/// unchanged, those carrying <see cref="ToPublicFolders"/> to the public-folder region, keeping the
/// original sender either way. One hop, no state: it exists so that a session reaches both kinds of
/// folder owner through the one entry point it already uses.
/// </summary>
public sealed class FolderOwnerRouter : ReceiveActor
{
    public FolderOwnerRouter(IActorRef accounts, IActorRef publicFolders)
    {
        Receive<AccountEnvelope>(e =>
        {
            if (e.Command is ToPublicFolders p)
            {
                publicFolders.Tell(new PublicFolderEnvelope(p.PostOfficeId, e.AccountId, Sender, p.Command), Sender);
            }
            else
            {
                accounts.Forward(e);
            }
        });
        ReceiveAny(m => accounts.Forward(m));
    }

    public static Props Props(IActorRef accounts, IActorRef publicFolders) =>
        Akka.Actor.Props.Create(() => new FolderOwnerRouter(accounts, publicFolders));
}
