using AkkaImap.Protocol.Search;
using AkkaImap.Server.Sessions;
using AkkaImap.Storage.Search;

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
        if (count > 0 && context.Settings.FullTextIndex && SearchRunner.UsesIndex(criteria))
        {
            // The index answers the text keys first (one lookup each, on the worker pool); the view
            // then decides here every message the index holds, and only the rest goes to the scan.
            // The view does not change under a running command (SelectedFolderView.Flush).
            var store = context.Store;
            var folderId = view.FolderId;
            var lookup = context.RunOnWorkerAsync(() => SearchRunner.LookUpAsync(store, folderId, criteria));
            return CommandOutcome.Await(Guard(lookup), found => found.Error is { } error
                ? then(new SearchMatches([], false, error))
                : Decide(context, criteria, scope with { Indexed = found.Indexed }, then));
        }
        return Decide(context, criteria, scope, then);
    }

    /// <summary>Decides what the view (and the index's answers in <paramref name="scope"/>) can; the worker decides the rest.</summary>
    private static CommandOutcome Decide(SessionContext context, SearchKey criteria, SearchScope scope, Func<SearchMatches, CommandOutcome> then)
    {
        var view = context.Selected!;
        var matched = new List<MessageRef>();
        var undecided = new List<SearchCandidate>();
        var probe = new SearchCandidate(0, default);
        for (uint msn = 1; msn <= scope.Count; msn++)
        {
            var state = view[msn];
            probe.MoveTo(msn, state);
            switch (SearchEvaluator.Evaluate(criteria, probe, scope))
            {
                case Truth.True:
                    matched.Add(new MessageRef(msn, state.Uid));
                    break;
                case Truth.Unknown:
                    undecided.Add(new SearchCandidate(msn, state));
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
        var useIndex = context.Settings.FullTextIndex && scope.Indexed is null;
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

    private static async Task<IndexLookup> Guard(Task<IReadOnlyDictionary<SearchKey, IndexedMatches>> lookup)
    {
        try
        {
            return new IndexLookup(await lookup.ConfigureAwait(false), null);
        }
        catch (Exception ex)
        {
            return new IndexLookup(null, ex);
        }
    }

    private sealed record IndexLookup(IReadOnlyDictionary<SearchKey, IndexedMatches>? Indexed, Exception? Error);
}
