using AkkaImap.Protocol.Search;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands.Searching;

/// <summary>
/// The part of a SEARCH that reads the store, run on the worker pool: the messages the view could
/// not decide are looked up in batches of <see cref="BatchSize"/> (one query each), and only
/// those still undecided by their <see cref="MessageInfo"/> have their bytes read — in one query
/// per batch for messages up to <see cref="WholeReadLimit"/>, just the header of larger ones
/// when no BODY/TEXT key is involved. A message expunged by another session that this client
/// has not been told of yet is gone from the store: it matches nothing, and the result says so
/// (the handler answers <c>OK [EXPUNGEISSUED]</c>, RFC 5530 §3, as Dovecot does).
/// </summary>
internal static class SearchRunner
{
    public const int BatchSize = 500;

    private const long WholeReadLimit = Fetching.SectionReader.WholeReadLimit;

    private static readonly Comparer<SearchCandidate> ByMsn = Comparer<SearchCandidate>.Create((a, b) => a.Msn.CompareTo(b.Msn));

    /// <summary>The candidates that match, in the order given (ascending).</summary>
    public static async Task<SearchRunResult> RunAsync(
        IMailStore store, long folderId, SearchKey criteria, IReadOnlyList<SearchCandidate> candidates, SearchScope scope)
    {
        var cost = SearchEvaluator.CostOf(criteria);
        var matched = new List<SearchCandidate>();
        bool lost = false;
        var uids = new List<uint>(BatchSize);
        var undecided = new List<SearchCandidate>(BatchSize);
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
            undecided.Clear();
            int batchMatches = matched.Count;
            for (int i = start; i < end; i++)
            {
                var candidate = candidates[i];
                if (!byUid.TryGetValue(candidate.Uid, out var info))
                {
                    lost = true;
                    continue;
                }
                candidate.Info = info;
                var truth = SearchEvaluator.Evaluate(criteria, candidate, scope);
                if (truth == Truth.Unknown && cost >= SearchCost.Header)
                {
                    undecided.Add(candidate);
                }
                else if (truth == Truth.True)
                {
                    matched.Add(candidate);
                }
            }
            await DecideByContentAsync(store, folderId, criteria, undecided, scope, cost, matched).ConfigureAwait(false);
            for (int i = start; i < end; i++)
            {
                // Only the numbers are needed from here on.
                candidates[i].Info = null;
                candidates[i].Content = null;
            }
            // The batch's matches were found in two passes: keep the order given.
            if (undecided.Count > 0)
            {
                matched.Sort(batchMatches, matched.Count - batchMatches, ByMsn);
            }
        }
        return new SearchRunResult(matched, lost);
    }

    /// <summary>Reads the bytes the undecided candidates need and decides them.</summary>
    private static async Task DecideByContentAsync(
        IMailStore store, long folderId, SearchKey criteria, List<SearchCandidate> undecided, SearchScope scope, SearchCost cost, List<SearchCandidate> matched)
    {
        if (undecided.Count == 0)
        {
            return;
        }
        var read = await Fetching.SectionReader.ReadSmallAsync(store, folderId, undecided.Select(c => c.Info!)).ConfigureAwait(false);
        foreach (var candidate in undecided)
        {
            var info = candidate.Info!;
            byte[]? bytes;
            if (info.Size <= WholeReadLimit)
            {
                bytes = read.GetValueOrDefault(candidate.Uid);
            }
            else
            {
                // The header ends where the root entity's body starts (MimePartNode offsets are absolute).
                bytes = cost == SearchCost.Body
                    ? await store.ReadMessageAsync(folderId, candidate.Uid).ConfigureAwait(false)
                    : await store.ReadMessageAsync(folderId, candidate.Uid, 0, info.Parts.BodyStart).ConfigureAwait(false);
            }
            if (bytes is null)
            {
                // Expunged between the two reads: decided by what is known, as if absent.
                continue;
            }
            candidate.Content = cost == SearchCost.Body ? MessageContent.FromMessage(bytes) : MessageContent.FromHeader(bytes);
            if (SearchEvaluator.Evaluate(criteria, candidate, scope) == Truth.True)
            {
                matched.Add(candidate);
            }
        }
    }
}

/// <summary>The matching candidates, and whether some messages had already left the store.</summary>
internal sealed record SearchRunResult(IReadOnlyList<SearchCandidate> Matches, bool LostMessages);
