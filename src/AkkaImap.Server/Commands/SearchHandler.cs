using Akka.Event;
using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Responses;
using AkkaImap.Protocol.Search;
using AkkaImap.Protocol.Writing;
using AkkaImap.Server.Commands.Searching;
using AkkaImap.Server.Sessions;

namespace AkkaImap.Server.Commands;

/// <summary>
/// SEARCH and UID SEARCH (RFC 9051 §6.4.4, RFC 3501 §6.4.4) with ESEARCH result options (RFC 4731),
/// the saved result <c>$</c> (RFC 5182) and OLDER/YOUNGER (RFC 5032). Flags, numbers and UIDs
/// are decided here from the selected view; messages that need more (size, dates, headers,
/// text) go to the worker pool (<see cref="SearchRunner"/>). Results are ascending. A rev1
/// client without RETURN gets <c>* SEARCH</c>; RETURN, or any SEARCH in IMAP4rev2, gets
/// <c>* ESEARCH (TAG "t") [UID] ...</c> (RFC 9051 §6.4.4 and §7.3.4).
/// </summary>
internal sealed class SearchHandler : ICommandHandler<SearchCommand>
{
    public CommandOutcome Handle(SearchCommand command, SessionContext context)
    {
        var view = context.Selected!;
        if (Unsupported(command.Criteria, context.Capabilities) is { } refusal)
        {
            return CommandOutcome.Bad(refusal);
        }
        if (command.Charset is not null && context.IsEnabled("UTF8=ACCEPT"))
        {
            // RFC 6855 §3: once UTF8=ACCEPT is enabled every string is UTF-8 and SEARCH names no CHARSET.
            return CommandOutcome.Bad("No CHARSET after ENABLE UTF8=ACCEPT: search strings are UTF-8", ResponseCode.ClientBug);
        }
        if (HasModSeq(command.Criteria))
        {
            // RFC 7162 §3.1.5: SEARCH MODSEQ is a CONDSTORE-enabling command.
            context.EnableCondStore();
        }

        return SearchMatcher.Run(context, command.Criteria, found =>
        {
            if (found.Error is { } error)
            {
                context.Log.Error(error, "SEARCH failed in folder {0}", view.FolderId);
                if (command.Return?.HasFlag(SearchReturnOptions.Save) == true)
                {
                    // RFC 5182 §2.1: a SEARCH with SAVE that fails leaves $ empty.
                    context.SavedSearch.Clear();
                }
                return CommandOutcome.ServerBug();
            }
            return Complete(command, context, context.Selected ?? view, found.Messages, found.LostMessages);
        });
    }

    private static CommandOutcome Complete(SearchCommand command, SessionContext context, SelectedFolderView view, List<MessageRef> matched, bool lostMessages)
    {
        var numbers = matched.Select(m => command.IsUid ? m.Uid : m.Msn).ToArray();
        // RFC 7162 §3.1.5: a search with MODSEQ reports the highest modseq of what it found.
        ulong? modSeq = matched.Count > 0 && HasModSeq(command.Criteria) ? matched.Max(m => view[m.Msn].ModSeq) : null;
        var options = command.Return;
        if (options is { } requested && requested.HasFlag(SearchReturnOptions.Save))
        {
            context.SavedSearch.Save(view, ToSave(requested, matched.Select(m => m.Uid).ToList()));
        }

        if (options is null && !context.IsRev2)
        {
            context.Write(new SearchResponse(numbers, modSeq));
        }
        else
        {
            // RFC 9051 §6.4.4: without RETURN an IMAP4rev2 SEARCH means RETURN (ALL); RFC 5182 §2.4:
            // SAVE alone sends no ESEARCH at all.
            var results = (options ?? SearchReturnOptions.All) & ~SearchReturnOptions.Save;
            if (results != SearchReturnOptions.None)
            {
                context.Write(Esearch(command.Tag, command.IsUid, results, numbers, modSeq));
            }
        }
        // RFC 5530 §3: messages expunged elsewhere could not be searched; a NOOP will tell.
        return CommandOutcome.Ok(command.IsUid ? "UID SEARCH completed" : "SEARCH completed", lostMessages ? ResponseCode.ExpungeIssued : null);
    }

    /// <summary>
    /// RFC 4731 §3.1: MIN, MAX and ALL are left out when nothing matched (the ESEARCH response is
    /// still sent); COUNT is always given. <paramref name="numbers"/> are in result order: ascending
    /// for SEARCH, the sort order for SORT, where MIN and MAX are the first and last in that order
    /// and ALL keeps it, only ascending runs written as ranges (RFC 5267 §3.1).
    /// </summary>
    internal static EsearchResponse Esearch(string tag, bool uid, SearchReturnOptions results, IReadOnlyList<uint> numbers, ulong? modSeq)
    {
        bool any = numbers.Count > 0;
        return new EsearchResponse
        {
            Tag = tag,
            Uid = uid,
            Min = any && results.HasFlag(SearchReturnOptions.Min) ? numbers[0] : null,
            Max = any && results.HasFlag(SearchReturnOptions.Max) ? numbers[^1] : null,
            All = any && results.HasFlag(SearchReturnOptions.All) ? SequenceSetFormatter.Format(numbers) : null,
            Count = results.HasFlag(SearchReturnOptions.Count) ? (uint)numbers.Count : null,
            ModSeq = modSeq,
        };
    }

    /// <summary>
    /// RFC 5182 §2.4: SAVE with MIN and/or MAX (and neither ALL nor COUNT) saves only those
    /// messages; otherwise the whole result is saved. <paramref name="uids"/> are in result order.
    /// </summary>
    internal static IEnumerable<uint> ToSave(SearchReturnOptions options, IReadOnlyList<uint> uids)
    {
        if (uids.Count == 0 || (options & (SearchReturnOptions.All | SearchReturnOptions.Count)) != 0
            || (options & (SearchReturnOptions.Min | SearchReturnOptions.Max)) == 0)
        {
            return uids;
        }
        var saved = new List<uint>(2);
        if (options.HasFlag(SearchReturnOptions.Min))
        {
            saved.Add(uids[0]);
        }
        if (options.HasFlag(SearchReturnOptions.Max))
        {
            saved.Add(uids[^1]);
        }
        return saved;
    }

    /// <summary>
    /// Keys of extensions this server does not advertise are refused with BAD rather than guessed
    /// at (MODSEQ needs CONDSTORE, RFC 7162 §3.1.5; SAVED* needs SAVEDATE, RFC 8514; EMAILID and
    /// THREADID need OBJECTID, RFC 8474; OLDER/YOUNGER need WITHIN, RFC 5032).
    /// </summary>
    internal static string? Unsupported(SearchKey key, IReadOnlyList<string> capabilities) => key switch
    {
        AndKey and => and.Keys.Select(k => Unsupported(k, capabilities)).FirstOrDefault(r => r is not null),
        OrKey or => Unsupported(or.Left, capabilities) ?? Unsupported(or.Right, capabilities),
        NotKey not => Unsupported(not.Key, capabilities),
        ModSeqKey when !Offers(capabilities, "CONDSTORE") => "MODSEQ needs CONDSTORE, which is not available",
        DateKey { Field: DateField.Saved } or SaveDateSupportedKey when !Offers(capabilities, "SAVEDATE") =>
            "SAVEDBEFORE, SAVEDON, SAVEDSINCE and SAVEDATESUPPORTED need SAVEDATE, which is not available",
        ObjectIdKey when !Offers(capabilities, "OBJECTID") => "EMAILID and THREADID need OBJECTID, which is not available",
        WithinKey when !Offers(capabilities, "WITHIN") => "OLDER and YOUNGER need WITHIN, which is not available",
        _ => null,
    };

    private static bool Offers(IReadOnlyList<string> capabilities, string name) =>
        capabilities.Contains(name, StringComparer.OrdinalIgnoreCase);

    internal static bool HasModSeq(SearchKey key) => key switch
    {
        ModSeqKey => true,
        AndKey and => and.Keys.Any(HasModSeq),
        OrKey or => HasModSeq(or.Left) || HasModSeq(or.Right),
        NotKey not => HasModSeq(not.Key),
        _ => false,
    };

}
