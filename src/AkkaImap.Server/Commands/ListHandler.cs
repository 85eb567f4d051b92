using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.PublicFolders;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// LIST (RFC 9051 §6.3.9) with LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819), SPECIAL-USE
/// (RFC 6154) and CHILDREN (RFC 3348). Children and special-use attributes are always returned,
/// to rev1 clients too, as Dovecot does (RFC 5258 §4 allows returning more than was asked);
/// \Subscribed only when the selection or return options ask for subscriptions. Names that do not
/// exist are \NonExistent for rev2 and extended LIST, \Noselect for a basic rev1 LIST.
/// </summary>
internal sealed class ListHandler : ICommandHandler<ListCommand>
{
    public CommandOutcome Handle(ListCommand command, SessionContext context)
    {
        if (!command.IsExtended && command.Patterns is [""])
        {
            // RFC 9051 §6.3.9: an empty pattern asks for the delimiter and the root of the reference.
            context.Write(new ListResponse("", MailboxNames.Delimiter, [@"\Noselect"]));
            return CommandOutcome.Ok("LIST completed");
        }
        bool utf8 = MailboxNames.Utf8(context);
        var patterns = command.Patterns.Select(p => MailboxPattern.Create(command.Reference, p, utf8)).ToArray();
        bool wantStatus = command.Return.HasFlag(ListReturnOptions.Status) && command.ReturnStatus.Count > 0;
        return CommandOutcome.Await(LoadAsync(context), tree =>
        {
            var matches = Select(tree, command, patterns);
            if (!wantStatus)
            {
                Write(matches, command, context);
                return CommandOutcome.Ok("LIST completed");
            }
            return CommandOutcome.Await(StatusesAsync(context.Store, context.Account!.Id, matches, StatusHandler.CountsRecent(command.ReturnStatus, context)), statuses =>
            {
                Write(matches, command, context, statuses);
                return CommandOutcome.Ok("LIST completed");
            });
        });
    }

    /// <summary>The account's folders and, when it sees them now, its post office's public folders.</summary>
    internal static Task<MailboxTree> LoadAsync(SessionContext context) =>
        LoadAsync(context.Store, context.Account!, context.Settings.PublicFolders);

    private static async Task<MailboxTree> LoadAsync(IStore store, Account account, Configuration.PublicFolderSettings settings)
    {
        var folders = await store.ListFoldersAsync(account.Owner).ConfigureAwait(false);
        var subscriptions = await store.ListSubscriptionsAsync(account.Owner).ConfigureAwait(false);
        var shared = await PublicFolderAccess.ListAsync(store, settings, account).ConfigureAwait(false);
        // RFC 4314 §4: LSUB (and LIST SUBSCRIBED) show a public folder only to a reader with l, like
        // LIST: a subscription to one it may not look up (any more) is left out.
        var visible = shared.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        subscriptions = [.. subscriptions.Where(name => !PublicFolderRouting.IsPublicName(name, out _) || visible.Contains(name))];
        return new MailboxTree([.. folders, .. shared], subscriptions);
    }

    internal static async Task<MailboxTree> LoadAsync(IMailStore store, MailboxOwner owner)
    {
        var folders = await store.ListFoldersAsync(owner).ConfigureAwait(false);
        var subscriptions = await store.ListSubscriptionsAsync(owner).ConfigureAwait(false);
        return new MailboxTree(folders, subscriptions);
    }

    /// <summary>The nodes to return (RFC 5258 §3), each with whether CHILDINFO is due.</summary>
    private static List<(MailboxNode Node, bool ChildInfo)> Select(MailboxTree tree, ListCommand command, MailboxPattern[] patterns)
    {
        var select = command.Select;
        bool bySubscription = select.HasFlag(ListSelectOptions.Subscribed);
        bool bySpecialUse = select.HasFlag(ListSelectOptions.SpecialUse);
        bool recursive = select.HasFlag(ListSelectOptions.RecursiveMatch) && bySubscription;
        var result = new List<(MailboxNode, bool)>();
        foreach (var node in tree.Nodes)
        {
            if (!patterns.Any(p => p.Matches(node.Name)))
            {
                continue;
            }
            bool meets = (!bySubscription || node.Subscribed) && (!bySpecialUse || node.SpecialUse is not null);
            if (!bySubscription && !bySpecialUse)
            {
                // A plain LIST: what exists, and parents implied by what exists (RFC 9051 §6.3.9).
                meets = node.Exists || node.HasChildren;
            }
            // RFC 5258 §3.5: with RECURSIVEMATCH a name is returned with CHILDINFO because of a
            // subscribed descendant that does not match a pattern itself (one that does is listed
            // on its own, and says nothing about its parent).
            bool childInfo = recursive && node.SubscribedDescendants.Any(d => !patterns.Any(p => p.Matches(d)));
            if (meets || childInfo)
            {
                result.Add((node, childInfo));
            }
        }
        return result;
    }

    private static async Task<Dictionary<long, FolderStatus>> StatusesAsync(IStore store, long accountId, List<(MailboxNode Node, bool ChildInfo)> matches, bool countRecent)
    {
        var statuses = new Dictionary<long, FolderStatus>();
        foreach (var (node, _) in matches)
        {
            // UNSEEN in a public folder counts this reader's own \Seen.
            var folder = node.Folder!;
            var read = folder.Owner.Kind == OwnerKind.PublicFolders
                ? store.GetReaderStatusAsync(folder.Id, accountId, countRecent)
                : store.GetStatusAsync(folder.Id, countRecent);
            if (node.Selectable && await read.ConfigureAwait(false) is { } status)
            {
                statuses[status.FolderId] = status;
            }
        }
        return statuses;
    }

    private static void Write(List<(MailboxNode Node, bool ChildInfo)> matches, ListCommand command, SessionContext context,
        Dictionary<long, FolderStatus>? statuses = null)
    {
        bool showSubscribed = command.Select.HasFlag(ListSelectOptions.Subscribed) || command.Return.HasFlag(ListReturnOptions.Subscribed);
        bool nonExistent = command.IsExtended || context.IsRev2;
        foreach (var (node, childInfo) in matches)
        {
            context.Write(new ListResponse(node.Name, MailboxNames.Delimiter, Attributes(node, nonExistent, showSubscribed))
            {
                ChildInfoSubscribed = childInfo,
            });
            // RFC 5819 §2: the STATUS of each selectable mailbox right after its LIST.
            if (statuses is not null && node.Selectable && statuses.TryGetValue(node.Folder!.Id, out var status))
            {
                context.Write(StatusHandler.Response(node.Name, status, command.ReturnStatus, context, node.Folder.MailboxId));
            }
        }
    }

    /// <summary>The mailbox attributes of RFC 9051 §7.3.1, RFC 3348, RFC 5258 §3 and RFC 6154 §2.</summary>
    internal static IReadOnlyList<string> Attributes(MailboxNode node, bool nonExistent, bool showSubscribed)
    {
        var attributes = new List<string>(4);
        if (!node.Exists)
        {
            attributes.Add(nonExistent ? @"\NonExistent" : @"\Noselect");
        }
        else if (!node.Selectable)
        {
            attributes.Add(@"\Noselect");
        }
        if (showSubscribed && node.Subscribed)
        {
            attributes.Add(@"\Subscribed");
        }
        if (node.HasChildren)
        {
            attributes.Add(@"\HasChildren");
        }
        else if (node.Exists)
        {
            attributes.Add(@"\HasNoChildren");
        }
        if (node.SpecialUse is { } use)
        {
            attributes.Add(use);
        }
        return attributes;
    }
}
