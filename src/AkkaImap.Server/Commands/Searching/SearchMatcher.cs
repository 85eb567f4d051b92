using AkkaImap.Protocol.Search;
using AkkaImap.Server.Sessions;

namespace AkkaImap.Server.Commands.Searching;

/// <summary>What a search found: the messages in ascending sequence order, or the failure of the worker.</summary>
internal sealed record SearchMatches(List<MessageRef> Messages, bool LostMessages, Exception? Error);

/// <summary>
/// The search shared by SEARCH, SORT and THREAD (RFC 5256 §3 takes SEARCH's keys): flags, numbers
/// and UIDs are decided from the selected view on the session's thread; messages that need more
/// (size, dates, headers, text) go to the worker pool (<see cref="SearchRunner"/>).
/// </summary>
internal static class SearchMatcher
{
    public static CommandOutcome Run(SessionContext context, SearchKey criteria, Func<SearchMatches, CommandOutcome> then)
    {
        var view = context.Selected!;
        uint count = view.Count;
        var saved = new HashSet<uint>(context.SavedSearch.Resolve(view).Select(m => m.Uid));
        var scope = new SearchScope(count, count == 0 ? 0 : view[count].Uid, saved, DateTimeOffset.UtcNow);
        var matched = new List<MessageRef>();
        var undecided = new List<SearchCandidate>();
        for (uint msn = 1; msn <= count; msn++)
        {
            var candidate = new SearchCandidate(msn, view[msn]);
            switch (SearchEvaluator.Evaluate(criteria, candidate, scope))
            {
                case Truth.True:
                    matched.Add(new MessageRef(msn, candidate.Uid));
                    break;
                case Truth.Unknown:
                    undecided.Add(candidate);
                    break;
            }
        }
        if (undecided.Count == 0)
        {
            return then(new SearchMatches(matched, false, null));
        }

        // The worker sees only the store and these candidates, never the context.
        var store = context.Store;
        var folderId = view.FolderId;
        var useIndex = context.Settings.FullTextIndex;
        var work = context.RunOnWorkerAsync(() => SearchRunner.RunAsync(store, folderId, criteria, undecided, scope, useIndex));
        return CommandOutcome.Await(Guard(work), found =>
        {
            if (found.Error is not null)
            {
                return then(found);
            }
            matched.AddRange(found.Messages);
            matched.Sort((a, b) => a.Msn.CompareTo(b.Msn));
            return then(found with { Messages = matched });
        });
    }

    /// <summary>Turns a failed worker task into a value, so the continuation decides what to answer.</summary>
    private static async Task<SearchMatches> Guard(Task<SearchRunResult> work)
    {
        try
        {
            var result = await work.ConfigureAwait(false);
            return new SearchMatches([.. result.Matches.Select(c => new MessageRef(c.Msn, c.Uid))], result.LostMessages, null);
        }
        catch (Exception ex)
        {
            return new SearchMatches([], false, ex);
        }
    }
}
