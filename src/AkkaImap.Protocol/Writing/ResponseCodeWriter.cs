using AkkaImap.Protocol.Responses;

namespace AkkaImap.Protocol.Writing;

/// <summary>Writes the inside of the brackets of a resp-text-code (RFC 9051 §7.1).</summary>
public static class ResponseCodeWriter
{
    public static void Write(ImapWriter writer, ResponseCode code)
    {
        switch (code)
        {
            case AtomCode c:
                writer.WriteAtom(c.Name);
                break;
            case BadCharsetCode c:
                writer.WriteRaw("BADCHARSET"u8);
                if (c.Charsets.Count > 0)
                {
                    // charset = atom / quoted (RFC 9051 §9)
                    writer.WriteRaw(" ("u8);
                    for (var i = 0; i < c.Charsets.Count; i++)
                    {
                        if (i > 0)
                        {
                            writer.WriteSpace();
                        }
                        WriteCharset(writer, c.Charsets[i]);
                    }
                    writer.WriteByte((byte)')');
                }
                break;
            case CapabilityCode c:
                writer.WriteRaw("CAPABILITY "u8);
                writer.WriteAtoms(c.Capabilities);
                break;
            case PermanentFlagsCode c:
                writer.WriteRaw("PERMANENTFLAGS "u8);
                writer.WriteAtomList(c.Flags);
                break;
            case UidNextCode c:
                WriteNumber(writer, "UIDNEXT "u8, c.UidNext);
                break;
            case UidValidityCode c:
                WriteNumber(writer, "UIDVALIDITY "u8, c.UidValidity);
                break;
            case UnseenCode c:
                WriteNumber(writer, "UNSEEN "u8, c.SequenceNumber);
                break;
            case AppendUidCode c:
                WriteNumber(writer, "APPENDUID "u8, c.UidValidity);
                writer.WriteSpace();
                writer.WriteAtom(c.Uids);
                break;
            case CopyUidCode c:
                WriteNumber(writer, "COPYUID "u8, c.UidValidity);
                writer.WriteSpace();
                writer.WriteAtom(c.SourceUids);
                writer.WriteSpace();
                writer.WriteAtom(c.DestinationUids);
                break;
            case HighestModSeqCode c:
                WriteNumber(writer, "HIGHESTMODSEQ "u8, c.HighestModSeq);
                break;
            case ModifiedCode c:
                writer.WriteRaw("MODIFIED "u8);
                writer.WriteAtom(c.Set);
                break;
            case MailboxIdCode c:
                writer.WriteRaw("MAILBOXID ("u8);
                writer.WriteAtom(c.MailboxId);
                writer.WriteByte((byte)')');
                break;
            default:
                throw new ArgumentException($"No serializer for {code.GetType().Name}.", nameof(code));
        }
    }

    // charset = atom / quoted. An astring atom may hold ']', which would end the code early.
    private static void WriteCharset(ImapWriter writer, string charset)
    {
        if (!charset.Contains(']') && ImapWriter.Classify(charset, writer.Utf8Enabled, allowAtom: true) == StringForm.Atom)
        {
            writer.WriteAtom(charset);
        }
        else
        {
            writer.WriteString(charset);
        }
    }

    private static void WriteNumber(ImapWriter writer, ReadOnlySpan<byte> name, ulong value)
    {
        writer.WriteRaw(name);
        writer.WriteNumber(value);
    }
}
