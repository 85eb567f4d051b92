using AkkaImap.Protocol.Search;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands.Searching;

/// <summary>
/// The part of a SEARCH that reads the store, run on the worker pool: the messages the view could
/// not decide are looked up in batches of <see cref="BatchSize"/> (one query each), and only
/// those still undecided by their <see cref="MessageInfo"/> have their bytes read — just the
/// header when no BODY/TEXT key is involved. A message expunged by another session that this
/// client has not been told of yet is gone from the store: it matches nothing, and the result
/// says so (the handler answers <c>OK [EXPUNGEISSUED]</c>, RFC 5530 §3, as Dovecot does).
/// </summary>
internal static class SearchRunner
{
    public const int BatchSize = 500;

    /// <summary>The candidates that match, in the order given (ascending).</summary>
    public static async Task<SearchRunResult> RunAsync(
        IMailStore store, long folderId, SearchKey criteria, IReadOnlyList<SearchCandidate> candidates, SearchScope scope)
    {
        var cost = SearchEvaluator.CostOf(criteria);
        var matched = new List<SearchCandidate>();
        bool lost = false;
        var uids = new List<uint>(BatchSize);
        for (int start = 0; start < candidates.Count; start += BatchSize)
        {
            int end = Math.Min(start + BatchSize, candidates.Count);
            uids.Clear();
            for (int i = start; i < end; i++)
            {
                uids.Add(candidates[i].Uid);
            }
            var infos = await store.GetMessagesAsync(folderId, uids).ConfigureAwait(false);
            var byUid = infos.ToDictionary(info => info.Uid);
            for (int i = start; i < end; i++)
            {
                var candidate = candidates[i];
                if (!byUid.TryGetValue(candidate.Uid, out var info))
                {
                    lost = true;
                    continue;
                }
                candidate.Info = info;
                if (await DecideAsync(store, folderId, criteria, candidate, scope, cost).ConfigureAwait(false))
                {
                    matched.Add(candidate);
                }
                // Only the numbers are needed from here on.
                candidate.Info = null;
                candidate.Content = null;
            }
        }
        return new SearchRunResult(matched, lost);
    }

    private static async Task<bool> DecideAsync(IMailStore store, long folderId, SearchKey criteria, SearchCandidate candidate, SearchScope scope, SearchCost cost)
    {
        var truth = SearchEvaluator.Evaluate(criteria, candidate, scope);
        if (truth != Truth.Unknown || cost < SearchCost.Header)
        {
            return truth == Truth.True;
        }
        var info = candidate.Info!;
        // The header ends where the root entity's body starts (MimePartNode offsets are absolute).
        var bytes = cost == SearchCost.Body
            ? await store.ReadMessageAsync(folderId, candidate.Uid).ConfigureAwait(false)
            : await store.ReadMessageAsync(folderId, candidate.Uid, 0, info.Parts.BodyStart).ConfigureAwait(false);
        if (bytes is null)
        {
            // Expunged between the two reads: decided by what is known, as if absent.
            return false;
        }
        candidate.Content = cost == SearchCost.Body ? MessageContent.FromMessage(bytes) : MessageContent.FromHeader(bytes);
        return SearchEvaluator.Evaluate(criteria, candidate, scope) == Truth.True;
    }
}

/// <summary>The matching candidates, and whether some messages had already left the store.</summary>
internal sealed record SearchRunResult(IReadOnlyList<SearchCandidate> Matches, bool LostMessages);
