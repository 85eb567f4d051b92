using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// XLIST (Gmail's predecessor of RFC 6154, still sent by older Outlook and Apple Mail when
/// advertised; on with the <c>xlist</c> setting): a plain LIST whose responses are <c>* XLIST</c>,
/// with the special-use attributes and <c>\Inbox</c> on INBOX.
/// </summary>
internal sealed class XListHandler : ICommandHandler<XListCommand>
{
    public CommandOutcome Handle(XListCommand command, SessionContext context)
    {
        if (!context.Settings.Xlist)
        {
            return CommandOutcome.Bad("XLIST is not enabled", ResponseCode.ClientBug);
        }
        var pattern = MailboxPattern.Create(command.Reference, command.Pattern, MailboxNames.Utf8(context));
        return CommandOutcome.Await(ListHandler.LoadAsync(context), tree =>
        {
            foreach (var node in tree.Nodes)
            {
                if ((node.Exists || node.HasChildren) && pattern.Matches(node.Name))
                {
                    var attributes = ListHandler.Attributes(node, nonExistent: false, showSubscribed: false)
                        .Select(XlistName).OfType<string>().ToList();
                    if (node.Name == FolderNames.Inbox)
                    {
                        attributes.Add(@"\Inbox");
                    }
                    context.Write(new ListResponse(node.Name, MailboxNames.Delimiter, attributes) { Kind = ListKind.Xlist });
                }
            }
            return CommandOutcome.Ok("XLIST completed");
        });
    }

    /// <summary>
    /// XLIST's own names for RFC 6154 uses (\Spam, \AllMail, \Starred; \Sent, \Drafts and \Trash
    /// are the same); \Archive has none in XLIST and is left out. Other attributes pass unchanged.
    /// </summary>
    internal static string? XlistName(string attribute) => attribute switch
    {
        @"\Junk" => @"\Spam",
        @"\All" => @"\AllMail",
        @"\Flagged" => @"\Starred",
        @"\Archive" => null,
        _ => attribute,
    };
}
