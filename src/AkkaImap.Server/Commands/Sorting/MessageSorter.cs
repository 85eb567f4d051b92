using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Search;

namespace AkkaImap.Server.Commands.Sorting;

/// <summary>
/// SORT's order (RFC 5256 §3, RFC 5957): each criterion in turn, strings with i;ascii-casemap,
/// REVERSE turning one criterion round, and messages that still tie in mailbox (sequence) order.
/// Pure: tests drive it with hand-built entries.
/// </summary>
internal static class MessageSorter
{
    public static List<SortEntry> Sort(IEnumerable<SortEntry> entries, IReadOnlyList<SortCriterion> criteria)
    {
        var sorted = entries.ToList();
        sorted.Sort((a, b) =>
        {
            foreach (var criterion in criteria)
            {
                int order = Compare(a, b, criterion.Key);
                if (order != 0)
                {
                    return criterion.Reverse ? -order : order;
                }
            }
            return a.Msn.CompareTo(b.Msn);
        });
        return sorted;
    }

    private static int Compare(SortEntry a, SortEntry b, SortKey key) => key switch
    {
        SortKey.Arrival => a.Arrival.UtcDateTime.CompareTo(b.Arrival.UtcDateTime),
        SortKey.Date => a.SentDate.UtcDateTime.CompareTo(b.SentDate.UtcDateTime),
        SortKey.Size => a.Size.CompareTo(b.Size),
        SortKey.Subject => BaseSubject.CompareAsciiCasemap(a.BaseSubject, b.BaseSubject),
        SortKey.From => BaseSubject.CompareAsciiCasemap(a.From, b.From),
        SortKey.To => BaseSubject.CompareAsciiCasemap(a.To, b.To),
        SortKey.Cc => BaseSubject.CompareAsciiCasemap(a.Cc, b.Cc),
        SortKey.DisplayFrom => BaseSubject.CompareAsciiCasemap(a.DisplayFrom, b.DisplayFrom),
        SortKey.DisplayTo => BaseSubject.CompareAsciiCasemap(a.DisplayTo, b.DisplayTo),
        _ => 0,
    };
}
