using System.Text;
using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Model;
using AkkaImap.Protocol.Search;
using AkkaImap.Server.Commands.Searching;
using AkkaImap.Server.Sessions;
using AkkaImap.Storage;
using AkkaImap.Storage.Search;
using MimeKit.Utils;

namespace AkkaImap.Server.Commands.Sorting;

/// <summary>
/// What SORT and THREAD (RFC 5256) compare about one message, read once from its stored
/// ENVELOPE, size and internal date (and, for THREAD=REFERENCES, its References header).
/// </summary>
internal sealed record SortEntry(
    uint Msn,
    uint Uid,
    DateTimeOffset Arrival,
    DateTimeOffset SentDate,
    long Size,
    string BaseSubject,
    bool IsReplyOrForward,
    string From,
    string To,
    string Cc,
    string DisplayFrom,
    string DisplayTo,
    string? MessageId,
    IReadOnlyList<string> References)
{
    /// <summary>
    /// SORT's facts of the matched messages still in the store (an expunged one is left out), in
    /// sequence order: only the keys <paramref name="criteria"/> name are worked out (the others
    /// stay empty); the envelope is not read when they name only ARRIVAL, SIZE and DATE (the sent
    /// date stored at append), except for a message stored without one.
    /// </summary>
    public static async Task<List<SortEntry>> LoadAsync(IMailStore store, long folderId, IReadOnlyList<MessageRef> messages, IReadOnlyList<SortCriterion> criteria)
    {
        var keys = criteria.Select(c => c.Key).ToHashSet();
        var need = keys.Any(k => k is not (SortKey.Arrival or SortKey.Size or SortKey.Date)) ? SortFactsNeed.Envelope
            : keys.Contains(SortKey.Date) ? SortFactsNeed.SentDate
            : SortFactsNeed.Row;
        var msnOf = MsnOf(messages);
        var facts = await store.GetSortFactsAsync(folderId, [.. msnOf.Keys], need).ConfigureAwait(false);
        return InSequence(facts.Select(f => Of(msnOf[f.Uid], f, keys, [])));
    }

    /// <summary>
    /// THREAD's facts of the matched messages still in the store, every key worked out, in
    /// sequence order; with <paramref name="withReferences"/> also each message's References
    /// header, read from its header bytes.
    /// </summary>
    public static async Task<List<SortEntry>> LoadAsync(IMailStore store, long folderId, IReadOnlyList<MessageRef> messages, bool withReferences)
    {
        var msnOf = MsnOf(messages);
        var entries = new List<SortEntry>(msnOf.Count);
        if (!withReferences)
        {
            var facts = await store.GetSortFactsAsync(folderId, [.. msnOf.Keys], SortFactsNeed.Envelope).ConfigureAwait(false);
            return InSequence(facts.Select(f => Of(msnOf[f.Uid], f, keys: null, [])));
        }
        // The header's length is in the BODYSTRUCTURE: the full record is read for it. The headers
        // are read a chunk of messages a query (one query per message took 3.4 s for 100,000).
        foreach (var chunk in (await store.GetMessagesAsync(folderId, [.. msnOf.Keys]).ConfigureAwait(false)).Chunk(HeaderChunk))
        {
            var headers = await store.ReadMessagePrefixesAsync(folderId, chunk.ToDictionary(i => i.Uid, i => Math.Min(i.Parts.BodyStart, i.Size))).ConfigureAwait(false);
            foreach (var info in chunk)
            {
                var facts = new MessageSortFacts(info.Uid, info.InternalDate, info.Size, null, info.Envelope);
                entries.Add(Of(msnOf[info.Uid], facts, keys: null, headers.TryGetValue(info.Uid, out var header) ? ReferencesIn(header) : []));
            }
        }
        return InSequence(entries);
    }

    /// <summary>Messages whose headers THREAD=REFERENCES reads in one query.</summary>
    private const int HeaderChunk = 1000;

    private static Dictionary<uint, uint> MsnOf(IReadOnlyList<MessageRef> messages) => messages.ToDictionary(m => m.Uid, m => m.Msn);

    private static List<SortEntry> InSequence(IEnumerable<SortEntry> entries)
    {
        var list = entries.ToList();
        list.Sort((a, b) => a.Msn.CompareTo(b.Msn));
        return list;
    }

    /// <summary>The entry of one message; <paramref name="keys"/> null works out every key (THREAD), else only those named.</summary>
    private static SortEntry Of(uint msn, MessageSortFacts facts, IReadOnlySet<SortKey>? keys, IReadOnlyList<string> references)
    {
        bool Needs(SortKey key) => keys is null || keys.Contains(key);
        var envelope = facts.Envelope;
        if (envelope is null)
        {
            return new SortEntry(msn, facts.Uid, facts.InternalDate, facts.SentDate ?? facts.InternalDate, facts.Size, string.Empty, false,
                string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, null, references);
        }
        string baseSubject = string.Empty;
        bool reply = false;
        if (Needs(SortKey.Subject))
        {
            var subject = envelope.Subject is { } raw ? EnvelopeText.DecodeText(raw) : null;
            baseSubject = Protocol.Search.BaseSubject.Extract(subject, out reply);
        }
        // RFC 5256 §2.2: the sent date is the Date header, or the internal date when it is missing or unreadable.
        var sent = facts.SentDate ?? (Needs(SortKey.Date) ? SortDates.SentDate(envelope) : null) ?? facts.InternalDate;
        string? messageId = null;
        if (keys is null)
        {
            messageId = envelope.MessageId is { } id ? MimeUtils.EnumerateReferences(id).FirstOrDefault() : null;
            // Without References, the first message id of In-Reply-To is the parent (RFC 5256 §2.2 REFERENCES step 1A).
            if (references.Count == 0 && envelope.InReplyTo is { } inReplyTo && MimeUtils.EnumerateReferences(inReplyTo).FirstOrDefault() is { } parent)
            {
                references = [parent];
            }
        }
        return new SortEntry(msn, facts.Uid, facts.InternalDate, sent, facts.Size, baseSubject, reply,
            Needs(SortKey.From) ? Mailbox(envelope.From) : string.Empty,
            Needs(SortKey.To) ? Mailbox(envelope.To) : string.Empty,
            Needs(SortKey.Cc) ? Mailbox(envelope.Cc) : string.Empty,
            Needs(SortKey.DisplayFrom) ? Display(envelope.From) : string.Empty,
            Needs(SortKey.DisplayTo) ? Display(envelope.To) : string.Empty,
            messageId, references);
    }

    /// <summary>RFC 5256 §3 FROM/TO/CC: the addr-mailbox (local part) of the first address, empty when none.</summary>
    private static string Mailbox(IReadOnlyList<Address>? addresses) =>
        addresses?.FirstOrDefault(a => a.Host is not null)?.Mailbox ?? string.Empty;

    /// <summary>RFC 5957 §2 DISPLAYFROM/DISPLAYTO: the first address's decoded display name, else its addr-spec.</summary>
    private static string Display(IReadOnlyList<Address>? addresses)
    {
        if (addresses?.FirstOrDefault(a => a.Host is not null) is not { } first)
        {
            return string.Empty;
        }
        if (!string.IsNullOrWhiteSpace(first.Name))
        {
            return EnvelopeText.DecodePhrase(first.Name);
        }
        return $"{first.Mailbox}@{first.Host}";
    }

    /// <summary>The message ids of the References header fields (unfolded), in order.</summary>
    private static List<string> ReferencesIn(byte[] header)
    {
        var text = Encoding.Latin1.GetString(header).Replace("\r\n ", " ").Replace("\r\n\t", " ").Replace("\n ", " ").Replace("\n\t", " ");
        var ids = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("References:", StringComparison.OrdinalIgnoreCase))
            {
                ids.AddRange(MimeUtils.EnumerateReferences(line["References:".Length..]));
            }
        }
        return ids;
    }
}
