using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.PublicFolders;

namespace AkkaImap.Server.Commands;

/// <summary>
/// NAMESPACE (RFC 9051 §6.3.10, RFC 2342): one personal namespace with the "/" delimiter. The
/// shared "Public Folders/" namespace is added when public folders are served.
/// </summary>
internal sealed class NamespaceHandler : ICommandHandler<NamespaceCommand>
{
    private static readonly NamespaceResponse Personal = new([new NamespaceEntry("", '/')], null, null);

    private static readonly NamespaceResponse WithPublicFolders =
        new([new NamespaceEntry("", '/')], null, [new NamespaceEntry(PublicFolderNames.Prefix, '/')]);

    public CommandOutcome Handle(NamespaceCommand command, SessionContext context) =>
        // RFC 2342 §5: the shared namespace only while the service and the post office switch are both on.
        CommandOutcome.Await(PublicFolderAccess.IsVisibleAsync(context.Store, context.Settings.PublicFolders, context.Account!), visible =>
        {
            context.Write(visible ? WithPublicFolders : Personal);
            return CommandOutcome.Ok("NAMESPACE completed");
        });
}
