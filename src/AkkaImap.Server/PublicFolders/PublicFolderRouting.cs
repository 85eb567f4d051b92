using AkkaImap.Protocol.Responses;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Commands;

namespace AkkaImap.Server.PublicFolders;

/// <summary>
/// How command handlers reach public folders: the same <see cref="CommandOutcome.AskAccount"/> as
/// for the reader's own folders, with the command wrapped in <see cref="ToPublicFolders"/> (the
/// post office is the signed-in account's, never the client's), and
/// <see cref="PublicFolderDenied"/> answered <c>NO [NOPERM]</c> (RFC 5530 §3).
/// </summary>
public static class PublicFolderRouting
{
    /// <summary>The name is under "Public Folders/": <paramref name="inner"/> is the public folder's own name.</summary>
    public static bool IsPublicName(string name, out string inner) => PublicFolderNames.TryStrip(name, out inner);

    /// <summary>
    /// Sends <paramref name="command"/> to the reader's post office's public folders. A refusal is
    /// answered NO [NOPERM] unless <paramref name="seeRefusals"/> (then <paramref name="then"/> gets
    /// the <see cref="PublicFolderDenied"/>, as CLOSE needs: it leaves the folder either way).
    /// </summary>
    public static CommandOutcome Ask(SessionContext context, IAccountCommand command, Func<IAccountReply, CommandOutcome> then, bool seeRefusals = false) =>
        CommandOutcome.AskAccount(new ToPublicFolders(context.Account!.PostOfficeId, command), reply => reply is PublicFolderDenied denied && !seeRefusals
            ? CommandOutcome.No(denied.Text, ResponseCode.NoPerm)
            : then(reply));

    /// <summary>
    /// As <see cref="Ask"/> after checking that the reader sees public folders now (both switches,
    /// read from the store); when it does not, the name does not exist for it: <c>NO [NONEXISTENT]</c>
    /// (or <paramref name="hidden"/>). The root "Public Folders" itself is never a folder.
    /// </summary>
    public static CommandOutcome AskVisible(SessionContext context, string inner, IAccountCommand command,
        Func<IAccountReply, CommandOutcome> then, CommandOutcome? hidden = null)
    {
        hidden ??= CommandOutcome.No("No such mailbox", ResponseCode.NonExistent);
        if (!PublicFolderNames.IsFolderName(inner))
        {
            return hidden;
        }
        return CommandOutcome.Await(PublicFolderAccess.IsVisibleAsync(context.Store, context.Settings.PublicFolders, context.Account!),
            visible => visible ? Ask(context, command, then) : hidden);
    }
}
