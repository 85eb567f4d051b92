using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.PublicFolders;

namespace AkkaImap.Server.Commands;

/// <summary>
/// CREATE (RFC 9051 §6.3.4) with the USE parameter of CREATE-SPECIAL-USE (RFC 6154 §3): missing
/// parents are created by the store; a special use that is unknown, virtual (\All, \Flagged),
/// more than one, or already held by another folder is refused with <c>NO [USEATTR]</c>
/// (RFC 6154 §3, §5.3).
/// </summary>
internal sealed class CreateHandler : ICommandHandler<CreateCommand>
{
    /// <summary>The uses a real folder can hold here (RFC 6154 §2, minus the virtual \All and \Flagged).</summary>
    private static readonly string[] Uses = [@"\Archive", @"\Drafts", @"\Junk", @"\Sent", @"\Trash"];

    public CommandOutcome Handle(CreateCommand command, SessionContext context)
    {
        if (!MailboxNames.TryParseNew(context, command.Mailbox, out var name, out var refusal))
        {
            return refusal;
        }
        if (PublicFolderRouting.IsPublicName(name, out var inner))
        {
            // Special uses describe the user's own mailboxes (RFC 6154 §1), never shared ones.
            return command.SpecialUse.Count > 0
                ? CommandOutcome.No("Special uses are for your own mailboxes, not public folders", ResponseCode.UseAttr)
                : PublicFolderRouting.AskVisible(context, inner, new CreateFolder(inner), reply => Created(reply),
                    CommandOutcome.No("Public folders are not available here", ResponseCode.Cannot));
        }
        if (command.SpecialUse.Count == 0)
        {
            return Create(new CreateFolder(name), context);
        }
        if (command.SpecialUse.Count > 1)
        {
            return CommandOutcome.No("Only one special use per mailbox is supported", ResponseCode.UseAttr);
        }
        var use = Array.Find(Uses, u => string.Equals(u, command.SpecialUse[0], StringComparison.OrdinalIgnoreCase));
        if (use is null)
        {
            return CommandOutcome.No($"Unsupported special use {command.SpecialUse[0]}", ResponseCode.UseAttr);
        }
        var owner = context.Account!.Owner;
        return CommandOutcome.Await(context.Store.ListFoldersAsync(owner), folders =>
            folders.FirstOrDefault(f => string.Equals(f.SpecialUse, use, StringComparison.OrdinalIgnoreCase)) is not null
                ? CommandOutcome.No($"{use} is already the special use of another mailbox", ResponseCode.UseAttr)
                : Create(new CreateFolder(name, use), context));
    }

    private static CommandOutcome Create(CreateFolder request, SessionContext context) =>
        CommandOutcome.AskAccount(request, Created);

    private static CommandOutcome Created(IAccountReply reply) => reply switch
    {
        // RFC 8474 §4.1: the new mailbox's id in the tagged OK.
        FolderCreated created when !string.IsNullOrEmpty(created.MailboxId) => CommandOutcome.Ok("CREATE completed", new MailboxIdCode(created.MailboxId)),
        FolderCreated => CommandOutcome.Ok("CREATE completed"),
        AccountCommandFailed failed => CommandOutcome.No(failed.Text, failed.Code.ToResponseCode()),
        _ => CommandOutcome.ServerBug(),
    };
}
