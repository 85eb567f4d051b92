using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;

namespace AkkaImap.Server.Commands;

/// <summary>
/// NAMESPACE (RFC 9051 §6.3.10, RFC 2342): one personal namespace with the "/" delimiter. The
/// shared "Public Folders/" namespace is added when public folders are served.
/// </summary>
internal sealed class NamespaceHandler : ICommandHandler<NamespaceCommand>
{
    private static readonly NamespaceResponse Personal = new([new NamespaceEntry("", '/')], null, null);

    public CommandOutcome Handle(NamespaceCommand command, SessionContext context)
    {
        context.Write(Personal);
        return CommandOutcome.Ok("NAMESPACE completed");
    }
}
