using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;

namespace AkkaImap.Server.Commands;

/// <summary>
/// LSUB (RFC 3501 §6.3.9; gone from RFC 9051 but still used by rev1 clients): the subscribed names
/// that match. A subscribed name that does not exist, or cannot be selected, is \Noselect; when a
/// subscribed name is hidden by "%", its matching parent is returned as \Noselect so the client
/// can descend to it (RFC 3501 §6.3.9).
/// </summary>
internal sealed class LsubHandler : ICommandHandler<LsubCommand>
{
    public CommandOutcome Handle(LsubCommand command, SessionContext context)
    {
        var pattern = MailboxPattern.Create(command.Reference, command.Pattern, MailboxNames.Utf8(context));
        return CommandOutcome.Await(ListHandler.LoadAsync(context), tree =>
        {
            // Parents owed \Noselect: unsubscribed names that match while a subscribed descendant does not.
            var hiddenParents = new HashSet<string>(StringComparer.Ordinal);
            foreach (var node in tree.Nodes)
            {
                if (!node.Subscribed || pattern.Matches(node.Name))
                {
                    continue;
                }
                for (var parent = MailboxTree.Parent(node.Name); parent is not null; parent = MailboxTree.Parent(parent))
                {
                    if (pattern.Matches(parent))
                    {
                        hiddenParents.Add(parent);
                    }
                }
            }
            foreach (var node in tree.Nodes)
            {
                if (node.Subscribed && pattern.Matches(node.Name))
                {
                    IReadOnlyList<string> attributes = node.Selectable ? [] : [@"\Noselect"];
                    context.Write(new ListResponse(node.Name, MailboxNames.Delimiter, attributes) { Kind = ListKind.Lsub });
                }
                else if (hiddenParents.Contains(node.Name))
                {
                    context.Write(new ListResponse(node.Name, MailboxNames.Delimiter, [@"\Noselect"]) { Kind = ListKind.Lsub });
                }
            }
            return CommandOutcome.Ok("LSUB completed");
        });
    }
}
