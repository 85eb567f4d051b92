using AkkaImap.Protocol.Search;
using AkkaImap.Storage;
using AkkaImap.Storage.Search;

namespace AkkaImap.Server.Commands.Searching;

/// <summary>
/// The part of a SEARCH that reads the store, run on the worker pool. Text keys are first answered
/// from the store's full-text index where it can (<see cref="IndexedDocument"/>: the same answers
/// as the scan below); the messages still undecided are looked up in batches of
/// <see cref="BatchSize"/> (one query each), and only
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

    /// <summary>
    /// The candidates that match, in the order given (ascending). With <paramref name="useIndex"/>,
    /// the text keys are first looked up in the store's full-text index: a message the index
    /// decides needs neither its <see cref="MessageInfo"/> nor its bytes.
    /// </summary>
    public static async Task<SearchRunResult> RunAsync(
        IMailStore store, long folderId, SearchKey criteria, IReadOnlyList<SearchCandidate> candidates, SearchScope scope, bool useIndex = false)
    {
        var cost = SearchEvaluator.CostOf(criteria);
        if (useIndex && cost > SearchCost.View)
        {
            scope = scope with { Indexed = await LookUpAsync(store, folderId, criteria).ConfigureAwait(false) };
        }
        var indexed = scope.Indexed is { Count: > 0 };
        var matched = new List<SearchCandidate>();
        bool lost = false;
        var uids = new List<uint>(BatchSize);
        var needInfo = new List<SearchCandidate>(BatchSize);
        var undecided = new List<SearchCandidate>(BatchSize);
        for (int start = 0; start < candidates.Count; start += BatchSize)
        {
            int end = Math.Min(start + BatchSize, candidates.Count);
            int batchMatches = matched.Count;
            needInfo.Clear();
            for (int i = start; i < end; i++)
            {
                var candidate = candidates[i];
                var truth = indexed ? SearchEvaluator.Evaluate(criteria, candidate, scope) : Truth.Unknown;
                if (truth == Truth.True)
                {
                    matched.Add(candidate);
                }
                else if (truth == Truth.Unknown)
                {
                    needInfo.Add(candidate);
                }
            }
            if (needInfo.Count == 0)
            {
                continue;
            }
            uids.Clear();
            uids.AddRange(needInfo.Select(c => c.Uid));
            var infos = await store.GetMessagesAsync(folderId, uids).ConfigureAwait(false);
            var byUid = infos.ToDictionary(info => info.Uid);
            undecided.Clear();
            foreach (var candidate in needInfo)
            {
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
            foreach (var candidate in needInfo)
            {
                // Only the numbers are needed from here on.
                candidate.Info = null;
                candidate.Content = null;
            }
            // The batch's matches were found in several passes: keep the order given.
            matched.Sort(batchMatches, matched.Count - batchMatches, ByMsn);
        }
        return new SearchRunResult(matched, lost);
    }

    /// <summary>True when the program has a text key the full-text index may answer.</summary>
    public static bool UsesIndex(SearchKey criteria) => TextKeys(criteria).Any(key => SearchEvaluator.IndexedFieldOf(key) is not null);

    /// <summary>
    /// The index's answer to every text key of the program it can answer (a key that appears twice
    /// is looked up once). Keys it cannot answer are left to the scan. Keyed by the program's own
    /// key objects: evaluating a message then finds its answer without hashing the key's text.
    /// </summary>
    public static async Task<IReadOnlyDictionary<SearchKey, IndexedMatches>> LookUpAsync(IMailStore store, long folderId, SearchKey criteria)
    {
        var byValue = new Dictionary<SearchKey, IndexedMatches?>();
        var found = new Dictionary<SearchKey, IndexedMatches>(ReferenceEqualityComparer.Instance);
        foreach (var key in TextKeys(criteria))
        {
            if (SearchEvaluator.IndexedFieldOf(key) is not { } field)
            {
                continue;
            }
            if (!byValue.TryGetValue(key, out var matches))
            {
                var value = key is TextKey text ? text.Value : ((HeaderKey)key).Value;
                matches = byValue[key] = await store.SearchIndexAsync(folderId, field, value).ConfigureAwait(false);
            }
            if (matches is not null)
            {
                found[key] = matches;
            }
        }
        return found;
    }

    private static IEnumerable<SearchKey> TextKeys(SearchKey key) => key switch
    {
        AndKey and => and.Keys.SelectMany(TextKeys),
        OrKey or => TextKeys(or.Left).Concat(TextKeys(or.Right)),
        NotKey not => TextKeys(not.Key),
        TextKey or HeaderKey => [key],
        _ => [],
    };

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
            candidate.Content = cost == SearchCost.Body ? MessageText.FromMessage(bytes) : MessageText.FromHeader(bytes);
            if (SearchEvaluator.Evaluate(criteria, candidate, scope) == Truth.True)
            {
                matched.Add(candidate);
            }
        }
    }
}

/// <summary>The matching candidates, and whether some messages had already left the store.</summary>
internal sealed record SearchRunResult(IReadOnlyList<SearchCandidate> Matches, bool LostMessages);
