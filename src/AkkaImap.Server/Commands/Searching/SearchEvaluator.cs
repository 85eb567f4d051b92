using AkkaImap.Protocol.Search;
using AkkaImap.Storage;
using AkkaImap.Storage.Search;
using MimeKit.Utils;

namespace AkkaImap.Server.Commands.Searching;

/// <summary>
/// Evaluates a parsed search program (RFC 9051 §6.4.4) against one message in three-valued logic:
/// a key whose data is not loaded yet is <see cref="Truth.Unknown"/>, and AND/OR/NOT combine as
/// Kleene logic does, so a message is decided by the cheapest data that can decide it. The
/// handler first evaluates every message with the view's flags and numbers only, the worker then
/// loads <see cref="MessageInfo"/> for the undecided ones, and message bytes only for those that
/// are still undecided (<see cref="SearchRunner"/>).
/// </summary>
internal static class SearchEvaluator
{
    public static Truth Evaluate(SearchKey key, SearchCandidate message, SearchScope scope) => key switch
    {
        AllKey => Truth.True,
        AndKey and => All(and.Keys, message, scope),
        OrKey or => Any(Evaluate(or.Left, message, scope), or.Right, message, scope),
        NotKey not => Not(Evaluate(not.Key, message, scope)),
        FlagKey flag => Of(HasFlag(message.State, flag.Flag) == flag.Set),
        SequenceKey sequence => Of(InSet(sequence, message, scope)),
        // RFC 7162 §3.1.5: messages whose modseq is at least the value.
        ModSeqKey modSeq => Of(message.State.ModSeq >= modSeq.ModSeq),
        // RFC 8514 §4.2: every message of this store has a save date.
        SaveDateSupportedKey => Truth.True,
        TextKey or HeaderKey when FromIndex(key, message, scope) is { } indexed => indexed,
        _ => message.Info is { } info ? EvaluateStored(key, message, info, scope) : Truth.Unknown,
    };

    /// <summary>The largest cost of any key in the tree: what the worker must load to decide every message.</summary>
    public static SearchCost CostOf(SearchKey key) => key switch
    {
        AndKey and => and.Keys.Aggregate(SearchCost.View, (cost, k) => Max(cost, CostOf(k))),
        OrKey or => Max(CostOf(or.Left), CostOf(or.Right)),
        NotKey not => CostOf(not.Key),
        AllKey or FlagKey or SequenceKey or ModSeqKey or SaveDateSupportedKey => SearchCost.View,
        HeaderKey header when !EnvelopeText.Covers(header.Field) => SearchCost.Header,
        TextKey => SearchCost.Body,
        _ => SearchCost.Info,
    };

    private static Truth EvaluateStored(SearchKey key, SearchCandidate message, MessageInfo info, SearchScope scope) => key switch
    {
        SizeKey size => Of(size.Larger ? (ulong)info.Size > size.Size : (ulong)info.Size < size.Size),
        DateKey date => Of(DateMatches(date, info)),
        WithinKey within => Of(WithinMatches(within, info, scope.Now)),
        ObjectIdKey id => Of(string.Equals(id.Kind == ObjectIdKind.Email ? info.EmailId : info.ThreadId, id.Id, StringComparison.Ordinal)),
        HeaderKey header when EnvelopeText.Covers(header.Field) => Of(Contains(EnvelopeText.Of(info.Envelope, header.Field), header.Value)),
        HeaderKey header => message.Content is { } content ? Of(HeaderMatches(content, header)) : Truth.Unknown,
        TextKey text => message.Content is { BodyTexts: { } bodies } content ? Of(TextMatches(content, bodies, text)) : Truth.Unknown,
        _ => Truth.False,
    };

    /// <summary>
    /// A text key the full-text index answered, for a message it holds text for: the same answer
    /// the scan gives (<see cref="IndexedDocument"/>), without loading the message.
    /// </summary>
    private static Truth? FromIndex(SearchKey key, SearchCandidate message, SearchScope scope) =>
        scope.Indexed is { } indexed && indexed.TryGetValue(key, out var found) && !found.Unindexed.Contains(message.Uid)
            ? Of(found.Matches.Contains(message.Uid))
            : null;

    /// <summary>The index field that answers a key; null for keys the index does not hold.</summary>
    public static IndexedField? IndexedFieldOf(SearchKey key) => key switch
    {
        TextKey { Scope: TextScope.Text } => IndexedField.Text,
        TextKey => IndexedField.Body,
        HeaderKey header => header.Field.ToUpperInvariant() switch
        {
            "FROM" => IndexedField.From,
            "TO" => IndexedField.To,
            "CC" => IndexedField.Cc,
            "BCC" => IndexedField.Bcc,
            "SUBJECT" => IndexedField.Subject,
            _ => null,
        },
        _ => null,
    };

    private static Truth All(IReadOnlyList<SearchKey> keys, SearchCandidate message, SearchScope scope)
    {
        var result = Truth.True;
        foreach (var key in keys)
        {
            var value = Evaluate(key, message, scope);
            if (value == Truth.False)
            {
                return Truth.False;
            }
            if (value == Truth.Unknown)
            {
                result = Truth.Unknown;
            }
        }
        return result;
    }

    private static Truth Any(Truth left, SearchKey right, SearchCandidate message, SearchScope scope)
    {
        if (left == Truth.True)
        {
            return Truth.True;
        }
        var value = Evaluate(right, message, scope);
        return value == Truth.True ? Truth.True : left == Truth.False ? value : Truth.Unknown;
    }

    private static Truth Not(Truth value) => value switch
    {
        Truth.True => Truth.False,
        Truth.False => Truth.True,
        _ => Truth.Unknown,
    };

    private static Truth Of(bool value) => value ? Truth.True : Truth.False;

    private static SearchCost Max(SearchCost a, SearchCost b) => a > b ? a : b;

    /// <summary>
    /// System flags by name, keywords case-insensitively (RFC 9051 §2.3.2). \Recent is the session's
    /// own (RFC 3501 §2.3.2; never set for an IMAP4rev2 session, so there RECENT and NEW match
    /// nothing and OLD everything).
    /// </summary>
    private static bool HasFlag(MessageFlagState state, string flag)
    {
        if (!flag.StartsWith('\\'))
        {
            foreach (var keyword in state.Keywords)
            {
                if (string.Equals(keyword, flag, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            return false;
        }
        var bit = flag.ToUpperInvariant() switch
        {
            @"\SEEN" => MessageFlags.Seen,
            @"\ANSWERED" => MessageFlags.Answered,
            @"\FLAGGED" => MessageFlags.Flagged,
            @"\DELETED" => MessageFlags.Deleted,
            @"\DRAFT" => MessageFlags.Draft,
            @"\RECENT" => MessageFlags.Recent,
            _ => MessageFlags.None,
        };
        return bit != MessageFlags.None && (state.Flags & bit) != 0;
    }

    /// <summary>
    /// A sequence set names numbers as the client knows them; <c>*</c> is the last message (its
    /// number, or its UID). Numbers beyond the mailbox simply match nothing. <c>$</c> is the saved
    /// result (RFC 5182 §2.1), the same messages whether used as a sequence set or after UID.
    /// </summary>
    private static bool InSet(SequenceKey key, SearchCandidate message, SearchScope scope)
    {
        if (key.Set.IsSaved)
        {
            return scope.SavedUids.Contains(message.Uid);
        }
        return key.IsUid ? key.Set.Contains(message.Uid, scope.LastUid) : key.Set.Contains(message.Msn, scope.Count);
    }

    /// <summary>
    /// BEFORE/ON/SINCE compare the date of the internal date, SENT* that of the Date header, each
    /// in its own time zone ("disregarding time and timezone", RFC 9051 §6.4.4). A message without
    /// a readable Date header matches no SENT* key.
    /// </summary>
    private static bool DateMatches(DateKey key, MessageInfo info)
    {
        DateTimeOffset when;
        switch (key.Field)
        {
            case DateField.Internal:
                when = info.InternalDate;
                break;
            case DateField.Saved:
                when = info.SaveDate;
                break;
            default:
                if (info.Envelope.Date is not { } header || !DateUtils.TryParse(header, out when))
                {
                    return false;
                }
                break;
        }
        var date = DateOnly.FromDateTime(when.DateTime);
        return key.Comparison switch
        {
            DateComparison.Before => date < key.Date,
            DateComparison.On => date == key.Date,
            _ => date >= key.Date,
        };
    }

    /// <summary>RFC 5032 §3: YOUNGER n is an internal date within the last n seconds, OLDER n is the rest.</summary>
    private static bool WithinMatches(WithinKey key, MessageInfo info, DateTimeOffset now)
    {
        var age = now - info.InternalDate;
        var younger = age <= TimeSpan.FromSeconds(key.Seconds);
        return key.Older ? !younger : younger;
    }

    /// <summary>
    /// HEADER name value (RFC 9051 §6.4.4): a field of that name whose decoded text contains the
    /// value; an empty value matches every message that has the field.
    /// </summary>
    private static bool HeaderMatches(MessageText content, HeaderKey key)
    {
        foreach (var header in content.Headers)
        {
            if (string.Equals(header.Field, key.Field, StringComparison.OrdinalIgnoreCase) && Contains(header.Value, key.Value))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>TEXT searches the header and the body, BODY only the body (RFC 9051 §6.4.4).</summary>
    private static bool TextMatches(MessageText content, IReadOnlyList<string> bodies, TextKey key)
    {
        if (key.Scope == TextScope.Text && Contains(content.HeaderText, key.Value))
        {
            return true;
        }
        foreach (var body in bodies)
        {
            if (Contains(body, key.Value))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Substring match, case-insensitive (RFC 9051 §6.4.4); null text is an absent field.</summary>
    private static bool Contains(string? text, string value) =>
        text is not null && (value.Length == 0 || text.Contains(value, StringComparison.OrdinalIgnoreCase));
}

/// <summary>What the evaluator needs loaded to decide a key, cheapest first.</summary>
internal enum SearchCost
{
    /// <summary>Flags, modseq, numbers: in the selected view.</summary>
    View,

    /// <summary>Size, dates, envelope fields: <see cref="MessageInfo"/> rows, read in batches.</summary>
    Info,

    /// <summary>Other header fields: the header bytes of the message.</summary>
    Header,

    /// <summary>BODY and TEXT: the whole message, decoded with MimeKit.</summary>
    Body,
}
