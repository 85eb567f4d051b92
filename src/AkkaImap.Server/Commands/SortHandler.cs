using Akka.Event;
using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Server.Commands.Searching;
using AkkaImap.Server.Commands.Sorting;
using AkkaImap.Server.Sessions;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands;

/// <summary>
/// SORT and UID SORT (RFC 5256 §3) with DISPLAYFROM/DISPLAYTO (RFC 5957): the search keys are
/// SEARCH's (<see cref="SearchMatcher"/>); on the worker pool, the matched messages are ordered by
/// <see cref="KeySorter"/> from integer key columns when only ARRIVAL, DATE and SIZE are named, else
/// by <see cref="MessageSorter"/> from their envelopes, sizes and dates; the answer is <c>* SORT</c> with
/// sequence numbers or UIDs. With RETURN options (ESORT, RFC 5267 §3.1) the answer is
/// <c>* ESEARCH (TAG "t") [UID] ...</c> in sort order: MIN and MAX the first and last sorted message,
/// ALL the sorted list (only ascending runs as ranges), COUNT; SAVE keeps the result for <c>$</c>
/// (RFC 5182). PARTIAL, UPDATE and CONTEXT (RFC 5267 §4) are not offered and are BAD.
/// </summary>
internal sealed class SortHandler : ICommandHandler<SortCommand>
{
    public CommandOutcome Handle(SortCommand command, SessionContext context)
    {
        if (SearchHandler.Unsupported(command.Search, context.Capabilities) is { } refusal)
        {
            return CommandOutcome.Bad(refusal);
        }
        bool modSeq = SearchHandler.HasModSeq(command.Search) && context.EnableCondStore();
        var view = context.Selected!;
        string verb = command.IsUid ? "UID SORT" : "SORT";
        return SearchMatcher.Run(context, command.Search, found =>
        {
            if (found.Error is { } error)
            {
                context.Log.Error(error, "{0} failed in folder {1}", verb, view.FolderId);
                if (command.Return?.HasFlag(SearchReturnOptions.Save) == true)
                {
                    // RFC 5182 §2.1: a command with SAVE that fails leaves $ empty.
                    context.SavedSearch.Clear();
                }
                return CommandOutcome.ServerBug();
            }
            var store = context.Store;
            var folderId = view.FolderId;
            uint folderCount = view.Count;
            var work = context.RunOnWorkerAsync(() => SortAsync(store, folderId, found.Messages, command.Criteria, folderCount));
            return CommandOutcome.Await(work, sorted =>
            {
                var numbers = sorted.Select(e => command.IsUid ? e.Uid : e.Msn).ToArray();
                // RFC 7162 §3.1.5 applies to SORT too: the highest MODSEQ of what was found.
                ulong? highest = modSeq && sorted.Count > 0 && context.Selected is { } current
                    ? sorted.Max(e => current.MsnOf(e.Uid) is var msn and > 0 ? current[msn].ModSeq : 0)
                    : null;
                if (command.Return is not { } options)
                {
                    context.Write(new SortResponse(numbers, highest));
                }
                else
                {
                    if (options.HasFlag(SearchReturnOptions.Save) && context.Selected is { } selected)
                    {
                        context.SavedSearch.Save(selected, SearchHandler.ToSave(options, sorted.Select(e => e.Uid).ToArray()));
                    }
                    // RFC 5182 §2.4: SAVE alone sends no ESEARCH.
                    var results = options & ~SearchReturnOptions.Save;
                    if (results != SearchReturnOptions.None)
                    {
                        context.Write(SearchHandler.Esearch(command.Tag, command.IsUid, results, numbers, highest));
                    }
                }
                bool lost = found.LostMessages || sorted.Count < found.Messages.Count;
                return CommandOutcome.Ok($"{verb} completed", lost ? ResponseCode.ExpungeIssued : null);
            });
        });
    }

    /// <summary>
    /// The matched messages still in the store, in sort order: integer keys alone (ARRIVAL, DATE,
    /// SIZE) by <see cref="KeySorter"/>, any string key by <see cref="SortEntry"/> and <see cref="MessageSorter"/>.
    /// </summary>
    private static async Task<List<MessageRef>> SortAsync(IMailStore store, long folderId, List<MessageRef> messages, IReadOnlyList<SortCriterion> criteria, uint folderCount)
    {
        if (messages.Count == 0)
        {
            return [];
        }
        if (KeySorter.Applies(criteria))
        {
            return await KeySorter.SortAsync(store, folderId, messages, criteria, folderCount).ConfigureAwait(false);
        }
        var entries = await SortEntry.LoadAsync(store, folderId, messages, criteria).ConfigureAwait(false);
        return [.. MessageSorter.Sort(entries, criteria).Select(e => new MessageRef(e.Msn, e.Uid))];
    }
}
