using System.Text;
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
    /// <summary>The facts of the matched messages still in the store (an expunged one is left out), in sequence order.</summary>
    public static async Task<List<SortEntry>> LoadAsync(IMailStore store, long folderId, IReadOnlyList<MessageRef> messages, bool withReferences)
    {
        var msnOf = messages.ToDictionary(m => m.Uid, m => m.Msn);
        var infos = await store.GetMessagesAsync(folderId, [.. msnOf.Keys]).ConfigureAwait(false);
        var entries = new List<SortEntry>(infos.Count);
        foreach (var info in infos)
        {
            IReadOnlyList<string> references = [];
            if (withReferences)
            {
                var header = await store.ReadMessageAsync(folderId, info.Uid, 0, Math.Min(info.Parts.BodyStart, info.Size)).ConfigureAwait(false);
                references = header is null ? [] : ReferencesIn(header);
            }
            entries.Add(Of(msnOf[info.Uid], info, references));
        }
        entries.Sort((a, b) => a.Msn.CompareTo(b.Msn));
        return entries;
    }

    private static SortEntry Of(uint msn, MessageInfo info, IReadOnlyList<string> references)
    {
        var envelope = info.Envelope;
        var subject = envelope.Subject is { } raw ? EnvelopeText.DecodeText(raw) : null;
        var baseSubject = Protocol.Search.BaseSubject.Extract(subject, out bool reply);
        // RFC 5256 §2.2: the sent date is the Date header, or the internal date when it is missing or unreadable.
        var sent = envelope.Date is { } date && DateUtils.TryParse(date, out var parsed) ? parsed : info.InternalDate;
        var messageId = envelope.MessageId is { } id ? MimeUtils.EnumerateReferences(id).FirstOrDefault() : null;
        // Without References, the first message id of In-Reply-To is the parent (RFC 5256 §2.2 REFERENCES step 1A).
        if (references.Count == 0 && envelope.InReplyTo is { } inReplyTo && MimeUtils.EnumerateReferences(inReplyTo).FirstOrDefault() is { } parent)
        {
            references = [parent];
        }
        return new SortEntry(msn, info.Uid, info.InternalDate, sent, info.Size, baseSubject, reply,
            Mailbox(envelope.From), Mailbox(envelope.To), Mailbox(envelope.Cc),
            Display(envelope.From), Display(envelope.To), messageId, references);
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
