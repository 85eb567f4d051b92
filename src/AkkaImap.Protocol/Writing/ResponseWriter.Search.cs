using AkkaImap.Protocol.Responses;

namespace AkkaImap.Protocol.Writing;

// SEARCH, SORT, ESEARCH, THREAD (RFC 3501 §7.2.5, RFC 4731, RFC 5256, RFC 7162 §3.1.5).
public static partial class ResponseWriter
{
    private static bool TryWriteSearchResponse(ImapWriter writer, ImapResponse response)
    {
        switch (response)
        {
            case SearchResponse r:
                writer.WriteRaw("* SEARCH"u8);
                WriteNumbers(writer, r.Numbers, r.ModSeq);
                return true;
            case SortResponse r:
                writer.WriteRaw("* SORT"u8);
                WriteNumbers(writer, r.Numbers, r.ModSeq);
                return true;
            case EsearchResponse r:
                WriteEsearch(writer, r);
                return true;
            case ThreadResponse r:
                writer.WriteRaw("* THREAD"u8);
                if (r.Threads.Count > 0)
                {
                    writer.WriteSpace();
                }
                foreach (var thread in r.Threads)
                {
                    writer.WriteByte((byte)'(');
                    WriteThreadMembers(writer, thread);
                    writer.WriteByte((byte)')');
                }
                return true;
            default:
                return false;
        }
    }

    private static void WriteNumbers(ImapWriter writer, IReadOnlyList<uint> numbers, ulong? modSeq)
    {
        for (var i = 0; i < numbers.Count; i++)
        {
            writer.WriteSpace();
            writer.WriteNumber((ulong)numbers[i]);
        }
        // RFC 7162 §3.1.5: "(MODSEQ n)" follows the list and only when it is non-empty.
        if (modSeq is { } value && numbers.Count > 0)
        {
            writer.WriteRaw(" (MODSEQ "u8);
            writer.WriteNumber(value);
            writer.WriteByte((byte)')');
        }
    }

    // esearch-response = "ESEARCH" [search-correlator] [SP "UID"] *(SP search-return-data)
    private static void WriteEsearch(ImapWriter writer, EsearchResponse r)
    {
        writer.WriteRaw("* ESEARCH"u8);
        if (r.Tag is not null)
        {
            writer.WriteRaw(" (TAG "u8);
            writer.WriteString(r.Tag);
            writer.WriteByte((byte)')');
        }
        if (r.Uid)
        {
            writer.WriteRaw(" UID"u8);
        }
        if (r.Min is { } min)
        {
            writer.WriteRaw(" MIN "u8);
            writer.WriteNumber((ulong)min);
        }
        if (r.Max is { } max)
        {
            writer.WriteRaw(" MAX "u8);
            writer.WriteNumber((ulong)max);
        }
        if (!string.IsNullOrEmpty(r.All))
        {
            writer.WriteRaw(" ALL "u8);
            writer.WriteAtom(r.All);
        }
        if (r.Count is { } count)
        {
            writer.WriteRaw(" COUNT "u8);
            writer.WriteNumber((ulong)count);
        }
        if (r.ModSeq is { } modSeq)
        {
            writer.WriteRaw(" MODSEQ "u8);
            writer.WriteNumber(modSeq);
        }
    }

    // thread-list    = "(" (thread-members / thread-nested) ")"
    // thread-members = nz-number *(SP nz-number) [SP thread-nested]
    // thread-nested  = 2*thread-list                                   (RFC 5256 §5)
    // A chain of only children is written with a loop so deep threads cannot overflow the stack.
    private static void WriteThreadMembers(ImapWriter writer, ThreadNode node)
    {
        var current = node;
        var wroteNumber = false;
        while (true)
        {
            if (current.MessageNumber is { } number)
            {
                if (wroteNumber)
                {
                    writer.WriteSpace();
                }
                writer.WriteNumber((ulong)number);
                wroteNumber = true;
            }
            if (current.Children.Count == 1)
            {
                current = current.Children[0];
                continue;
            }
            if (current.Children.Count > 1)
            {
                if (wroteNumber)
                {
                    writer.WriteSpace();
                }
                foreach (var child in current.Children)
                {
                    writer.WriteByte((byte)'(');
                    WriteThreadMembers(writer, child);
                    writer.WriteByte((byte)')');
                }
            }
            return;
        }
    }
}
