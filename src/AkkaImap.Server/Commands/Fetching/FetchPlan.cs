using AkkaImap.Protocol.Commands;
using AkkaImap.Protocol.Fetch;
using AkkaImap.Protocol.Responses;
using FetchItem = AkkaImap.Protocol.Fetch.FetchItem;

namespace AkkaImap.Server.Commands.Fetching;

/// <summary>
/// What a FETCH asks for, checked once: the attributes in response order (duplicates dropped,
/// UID first for UID FETCH, RFC 9051 §6.4.9), and what serving them takes. <see cref="HeaderOnly"/>:
/// the content asked for lies within the message's header (RFC822.HEADER, BODY[HEADER],
/// BODY[HEADER.FIELDS ...]), so only the header's bytes are read, and a chunk's output is
/// estimated by them (a client listing the headers of 500 large messages).
/// </summary>
internal sealed record FetchPlan(IReadOnlyList<FetchAttribute> Attributes, bool NeedsStore, bool NeedsContent, bool SetsSeen, bool HasFlags, bool HeaderOnly = false)
{
    /// <summary>Builds the plan, or a BAD for items this server does not serve in this session.</summary>
    public static bool TryCreate(FetchCommand command, SessionContext context, out FetchPlan plan, out CommandOutcome refusal)
    {
        plan = new FetchPlan([], false, false, false, false);
        refusal = CommandOutcome.Ok("");
        // RFC 7162 §3.1: FETCH MODSEQ and CHANGEDSINCE are CONDSTORE-enabling commands.
        bool wantsModSeq = command.ChangedSince is not null || command.Vanished
            || command.Attributes.Any(a => a is SimpleAttribute { Item: FetchItem.ModSeq });
        bool condStore = wantsModSeq ? context.EnableCondStore() : context.IsEnabled("CONDSTORE");
        if ((command.ChangedSince is not null || command.Vanished) && !condStore)
        {
            // RFC 7162 §3.1.4.1: CHANGEDSINCE belongs to CONDSTORE, which this server does not offer here.
            refusal = CommandOutcome.Bad("CHANGEDSINCE requires CONDSTORE", ResponseCode.ClientBug);
            return false;
        }
        if (command.Vanished && (!context.IsEnabled("QRESYNC") || !command.IsUid || command.ChangedSince is null))
        {
            // RFC 7162 §3.2.6: only UID FETCH with CHANGEDSINCE, once QRESYNC is enabled.
            refusal = CommandOutcome.Bad("VANISHED needs ENABLE QRESYNC, UID FETCH and CHANGEDSINCE", ResponseCode.ClientBug);
            return false;
        }
        var attributes = new List<FetchAttribute>(command.Attributes.Count + 1);
        if (command.IsUid)
        {
            attributes.Add(new SimpleAttribute(FetchItem.Uid));
        }
        bool needsStore = false, needsContent = false, setsSeen = false, hasFlags = false, beyondHeader = false;
        foreach (var attribute in command.Attributes)
        {
            if (attributes.Any(a => SameAttribute(a, attribute)))
            {
                continue;
            }
            switch (attribute)
            {
                case SimpleAttribute { Item: FetchItem.ModSeq } when !condStore:
                    refusal = CommandOutcome.Bad("MODSEQ requires CONDSTORE", ResponseCode.ClientBug);
                    return false;
                case SimpleAttribute { Item: FetchItem.Uid or FetchItem.ModSeq }:
                    break;
                case SimpleAttribute { Item: FetchItem.Flags }:
                    hasFlags = true;
                    break;
                case SimpleAttribute { Item: FetchItem.Rfc822 or FetchItem.Rfc822Text }:
                    // RFC 3501 §6.4.5: RFC822 and RFC822.TEXT are BODY[] and BODY[TEXT]: they set \Seen.
                    needsStore = needsContent = setsSeen = beyondHeader = true;
                    break;
                case SimpleAttribute { Item: FetchItem.Rfc822Header }:
                    needsStore = needsContent = true;
                    break;
                case SimpleAttribute:
                case PreviewAttribute:
                    needsStore = true;
                    break;
                case BodySectionAttribute body:
                    needsStore = needsContent = true;
                    setsSeen |= !body.Peek;
                    beyondHeader |= !IsTopHeader(body.Section);
                    break;
                case BinaryAttribute binary:
                    needsStore = needsContent = beyondHeader = true;
                    setsSeen |= !binary.Peek;
                    break;
                case BinarySizeAttribute:
                    needsStore = needsContent = beyondHeader = true;
                    break;
            }
            attributes.Add(attribute);
        }
        if (command.ChangedSince is not null && !attributes.Contains(new SimpleAttribute(FetchItem.ModSeq)))
        {
            // RFC 7162 §3.1.4.1: CHANGEDSINCE implies MODSEQ in every response.
            attributes.Add(new SimpleAttribute(FetchItem.ModSeq));
        }
        plan = new FetchPlan(attributes, needsStore, needsContent, setsSeen, hasFlags, needsContent && !beyondHeader);
        return true;
    }

    /// <summary>HEADER, HEADER.FIELDS or HEADER.FIELDS.NOT of the message itself (not of a part).</summary>
    private static bool IsTopHeader(BodySection section) =>
        section.Part.Length == 0 && section.Text is SectionText.Header or SectionText.HeaderFields or SectionText.HeaderFieldsNot;

    // Records compare arrays by reference; section paths and field lists are compared by value.
    private static bool SameAttribute(FetchAttribute a, FetchAttribute b) => (a, b) switch
    {
        (BodySectionAttribute x, BodySectionAttribute y) =>
            x.Peek == y.Peek && x.Partial == y.Partial && x.Section.Text == y.Section.Text
            && x.Section.Part.AsSpan().SequenceEqual(y.Section.Part) && x.Section.Fields.SequenceEqual(y.Section.Fields),
        (BinaryAttribute x, BinaryAttribute y) => x.Peek == y.Peek && x.Partial == y.Partial && x.Part.AsSpan().SequenceEqual(y.Part),
        (BinarySizeAttribute x, BinarySizeAttribute y) => x.Part.AsSpan().SequenceEqual(y.Part),
        _ => a.Equals(b),
    };
}
