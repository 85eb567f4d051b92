using AkkaImap.Protocol.Responses;
using AkkaImap.Server.Accounts;
using AkkaImap.Server.Commands;
using AkkaImap.Server.Commands.Fetching;
using AkkaImap.Server.Sessions;
using AkkaImap.Storage;

namespace AkkaImap.Server.PublicFolders;

/// <summary>
/// COPY and MOVE between a reader's own folders and public folders, where source and target have
/// different single writers. Into a public folder the public-folder actor copies
/// (<see cref="CopyIntoPublic"/>); out of one the messages are appended to the reader's folder by
/// its account (bytes, the flags the reader sees, keywords and internal date kept). A MOVE then
/// removes the originals through the source's own writer, so every session hears of each half.
/// The two halves are two commits: a crash between them leaves a copy, never a loss.
/// </summary>
internal static class PublicFolderTransfer
{
    /// <summary>COPY/MOVE from the selected folder (one side public) to <paramref name="target"/> (the other side).</summary>
    public static CommandOutcome Run(SessionContext context, string verb, IReadOnlyList<MessageRef> messages, string target, bool targetIsPublic, bool move)
    {
        var view = context.Selected!;
        var uids = messages.Select(m => m.Uid).ToArray();
        if (targetIsPublic)
        {
            return PublicFolderRouting.AskVisible(context, target, new CopyIntoPublic(view.FolderId, uids, target), reply => reply switch
            {
                MessagesCopied { Mapping.Count: 0 } => ExpungedMeanwhile(),
                MessagesCopied copied when move => RemoveFromAccount(context, verb, view, copied.TargetUidValidity, copied.Mapping),
                MessagesCopied copied => CommandOutcome.Ok($"{verb} completed", CopyHandler.CopyUid(copied.TargetUidValidity, copied.Mapping)),
                AccountCommandFailed failed => CommandOutcome.No(failed.Text, failed.Code.ToResponseCode()),
                _ => CommandOutcome.ServerBug(),
            }, CommandOutcome.No("Target mailbox does not exist", ResponseCode.TryCreate));
        }
        var rows = messages.Select(m => view[m.Msn]).ToArray();
        return CommandOutcome.Await(ReadAsync(context.Store, view.FolderId, rows), read =>
        {
            if (read.Count == 0)
            {
                return ExpungedMeanwhile();
            }
            return MessageStaging.Then(context, [.. read.Select(r => r.Request)], requests => CommandOutcome.AskAccount(new AppendMessages(target, requests), reply =>
            {
                if (reply is AccountCommandFailed failed)
                {
                    return CommandOutcome.No(failed.Text, failed.Code.ToResponseCode());
                }
                if (reply is not MessagesAppended appended)
                {
                    return CommandOutcome.ServerBug();
                }
                var mapping = read.Select((r, i) => new UidMapping(r.Uid, appended.Messages[i].Uid)).ToArray();
                return move
                    ? RemoveFromPublic(context, verb, view, appended.UidValidity, mapping)
                    : CommandOutcome.Ok($"{verb} completed", CopyHandler.CopyUid(appended.UidValidity, mapping));
            }));
        });
    }

    private static CommandOutcome ExpungedMeanwhile() =>
        CommandOutcome.No("The messages were expunged meanwhile", ResponseCode.ExpungeIssued);

    /// <summary>Bytes and metadata of the messages still present, ascending UID, as APPEND requests.</summary>
    private static async Task<List<(uint Uid, AppendRequest Request)>> ReadAsync(IMailStore store, long folderId, MessageFlagState[] rows)
    {
        var infos = await store.GetMessagesAsync(folderId, rows.Select(r => r.Uid).ToArray()).ConfigureAwait(false);
        var byUid = rows.ToDictionary(r => r.Uid);
        var result = new List<(uint, AppendRequest)>(infos.Count);
        foreach (var info in infos)
        {
            if (await store.ReadMessageAsync(folderId, info.Uid).ConfigureAwait(false) is not { } bytes)
            {
                continue;
            }
            // The flags as this reader sees them (its own \Seen), as a COPY in one store would keep them.
            var row = byUid[info.Uid];
            result.Add((info.Uid, new AppendRequest(bytes, row.Flags, row.Keywords, info.InternalDate)));
        }
        return result;
    }

    /// <summary>MOVE out of a public folder, second half: the public-folder actor expunges the originals.</summary>
    private static CommandOutcome RemoveFromPublic(SessionContext context, string verb, SelectedFolderView view, uint uidValidity, UidMapping[] mapping) =>
        PublicFolderRouting.Ask(context, new ExpungeMovedOut(view.FolderId, [.. mapping.Select(m => m.SourceUid)]), reply => reply switch
        {
            Expunged expunged => Moved(context, verb, uidValidity, mapping, expunged),
            AccountCommandFailed failed => CommandOutcome.No(failed.Text, failed.Code.ToResponseCode()),
            _ => CommandOutcome.ServerBug(),
        });

    /// <summary>MOVE into a public folder, second half: the account marks the originals \Deleted and expunges exactly them.</summary>
    private static CommandOutcome RemoveFromAccount(SessionContext context, string verb, SelectedFolderView view, uint uidValidity, IReadOnlyList<UidMapping> mapping)
    {
        var sources = mapping.Select(m => m.SourceUid).ToArray();
        return CommandOutcome.AskAccount(new StoreFlags(view.FolderId, sources, StoreMode.Add, MessageFlags.Deleted, []), stored =>
        {
            if (stored is not FlagsStored)
            {
                return stored is AccountCommandFailed f ? CommandOutcome.No(f.Text, f.Code.ToResponseCode()) : CommandOutcome.ServerBug();
            }
            return CommandOutcome.AskAccount(new Expunge(view.FolderId, sources), reply => reply switch
            {
                Expunged expunged => Moved(context, verb, uidValidity, mapping, expunged),
                AccountCommandFailed failed => CommandOutcome.No(failed.Text, failed.Code.ToResponseCode()),
                _ => CommandOutcome.ServerBug(),
            });
        });
    }

    /// <summary>As the MOVE handler answers (RFC 6851 §4.3): COPYUID first, then the EXPUNGEs, then the tagged OK.</summary>
    private static CommandOutcome Moved(SessionContext context, string verb, uint uidValidity, IReadOnlyList<UidMapping> mapping, Expunged expunged)
    {
        context.Write(new UntaggedStatusResponse(StatusKind.Ok, "Moved UIDs.", CopyHandler.CopyUid(uidValidity, mapping)));
        if (context.Selected is { } current)
        {
            current.Enqueue(expunged);
            MessageSets.Write(context, current.Flush(expungeAllowed: true, context.IsEnabled("QRESYNC")));
        }
        return CommandOutcome.Ok($"{verb} completed");
    }
}
