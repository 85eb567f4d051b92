using System.Buffers.Text;
using AkkaImap.Protocol.Responses;

namespace AkkaImap.Protocol.Writing;

/// <summary>
/// Serializes typed responses (RFC 9051 §7). Each call writes one complete response, including
/// literals and the final CRLF:
/// <code>
/// var writer = new ImapWriter(pipeWriter) { Utf8Enabled = session.Utf8 };
/// ResponseWriter.Write(writer, new ExistsResponse(172));
/// ResponseWriter.Write(writer, new TaggedStatusResponse(tag, StatusKind.Ok, "SELECT completed", ResponseCode.ReadWrite));
/// </code>
/// Not thread-safe: one writer per session, used by one actor at a time.
/// </summary>
public static partial class ResponseWriter
{
    public static void Write(ImapWriter writer, ImapResponse response)
    {
        switch (response)
        {
            case TaggedStatusResponse r:
                writer.WriteAtom(r.Tag);
                writer.WriteSpace();
                WriteStatusBody(writer, r.Kind, r.Code, r.Text);
                break;
            case UntaggedStatusResponse r:
                writer.WriteRaw("* "u8);
                WriteStatusBody(writer, r.Kind, r.Code, r.Text);
                break;
            case ContinuationResponse r:
                writer.WriteRaw("+ "u8);
                writer.WriteText(r.Text);
                break;
            case SaslChallengeResponse r:
                writer.WriteRaw("+ "u8);
                WriteBase64(writer, r.Challenge.Span);
                break;
            case CapabilityResponse r:
                writer.WriteRaw("* CAPABILITY"u8);
                WriteSpacedAtoms(writer, r.Capabilities);
                break;
            case EnabledResponse r:
                writer.WriteRaw("* ENABLED"u8);
                WriteSpacedAtoms(writer, r.Capabilities);
                break;
            case IdResponse r:
                writer.WriteRaw("* ID "u8);
                WriteId(writer, r);
                break;
            case FlagsResponse r:
                writer.WriteRaw("* FLAGS "u8);
                writer.WriteAtomList(r.Flags);
                break;
            case ExistsResponse r:
                WriteNumbered(writer, r.Count, " EXISTS"u8);
                break;
            case RecentResponse r:
                WriteNumbered(writer, r.Count, " RECENT"u8);
                break;
            case ExpungeResponse r:
                WriteNumbered(writer, r.SequenceNumber, " EXPUNGE"u8);
                break;
            case VanishedResponse r:
                writer.WriteRaw(r.Earlier ? "* VANISHED (EARLIER) "u8 : "* VANISHED "u8);
                writer.WriteAtom(r.Uids);
                break;
            case FetchResponse r:
                FetchWriter.Begin(writer, r.SequenceNumber);
                foreach (var item in r.Items)
                {
                    FetchWriter.WriteItem(writer, item);
                }
                FetchWriter.End(writer);
                return; // End wrote the CRLF
            default:
                if (!TryWriteMailboxResponse(writer, response) && !TryWriteSearchResponse(writer, response))
                {
                    throw new ArgumentException($"No serializer for {response.GetType().Name}.", nameof(response));
                }
                break;
        }
        writer.WriteCrlf();
    }

    /// <summary>Writes several responses in order.</summary>
    public static void Write(ImapWriter writer, IEnumerable<ImapResponse> responses)
    {
        foreach (var response in responses)
        {
            Write(writer, response);
        }
    }

    private static void WriteSpacedAtoms(ImapWriter writer, IReadOnlyList<string> atoms)
    {
        foreach (var atom in atoms)
        {
            writer.WriteSpace();
            writer.WriteAtom(atom);
        }
    }

    private static void WriteNumbered(ImapWriter writer, uint number, ReadOnlySpan<byte> suffix)
    {
        writer.WriteRaw("* "u8);
        writer.WriteNumber((ulong)number);
        writer.WriteRaw(suffix);
    }

    // resp-cond-state / resp-cond-bye / resp-cond-auth with resp-text (RFC 9051 §7.1).
    private static void WriteStatusBody(ImapWriter writer, StatusKind kind, ResponseCode? code, string text)
    {
        writer.WriteRaw(kind switch
        {
            StatusKind.Ok => "OK"u8,
            StatusKind.No => "NO"u8,
            StatusKind.Bad => "BAD"u8,
            StatusKind.PreAuth => "PREAUTH"u8,
            _ => "BYE"u8,
        });
        if (code is not null)
        {
            writer.WriteRaw(" ["u8);
            ResponseCodeWriter.Write(writer, code);
            writer.WriteByte((byte)']');
        }
        if (text.Length > 0)
        {
            writer.WriteSpace();
            writer.WriteText(text);
        }
    }

    private static void WriteBase64(ImapWriter writer, ReadOnlySpan<byte> data)
    {
        var length = Base64.GetMaxEncodedToUtf8Length(data.Length);
        var span = writer.Output.GetSpan(length);
        Base64.EncodeToUtf8(data, span, out _, out var written);
        writer.Output.Advance(written);
    }

    // id-response = "ID" SP id-params-list (RFC 2971 §4).
    private static void WriteId(ImapWriter writer, IdResponse r)
    {
        if (r.Fields is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteByte((byte)'(');
        for (var i = 0; i < r.Fields.Count; i++)
        {
            if (i > 0)
            {
                writer.WriteSpace();
            }
            writer.WriteString(r.Fields[i].Key);
            writer.WriteSpace();
            writer.WriteNString(r.Fields[i].Value);
        }
        writer.WriteByte((byte)')');
    }
}
