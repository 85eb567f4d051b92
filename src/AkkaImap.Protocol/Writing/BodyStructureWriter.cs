using AkkaImap.Protocol.Model;

namespace AkkaImap.Protocol.Writing;

/// <summary>
/// Writes ENVELOPE and BODY/BODYSTRUCTURE from the model records (RFC 9051 §7.5.2 and the
/// body grammar in §9). BODY omits extension data; BODYSTRUCTURE writes it in full.
/// </summary>
public static class BodyStructureWriter
{
    // A multipart must hold at least one body (body-type-mpart = 1*body ...). A damaged
    // message with an empty multipart gets an empty text/plain child, as Dovecot does.
    private static readonly SinglePart EmptyPart = new("text", "plain") { Encoding = "7bit" };

    // envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP
    //            env-to SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"
    public static void WriteEnvelope(ImapWriter writer, Envelope envelope)
    {
        writer.WriteByte((byte)'(');
        writer.WriteNString(envelope.Date);
        writer.WriteSpace();
        writer.WriteNString(envelope.Subject);
        writer.WriteSpace();
        WriteAddresses(writer, envelope.From);
        writer.WriteSpace();
        WriteAddresses(writer, envelope.Sender);
        writer.WriteSpace();
        WriteAddresses(writer, envelope.ReplyTo);
        writer.WriteSpace();
        WriteAddresses(writer, envelope.To);
        writer.WriteSpace();
        WriteAddresses(writer, envelope.Cc);
        writer.WriteSpace();
        WriteAddresses(writer, envelope.Bcc);
        writer.WriteSpace();
        writer.WriteNString(envelope.InReplyTo);
        writer.WriteSpace();
        writer.WriteNString(envelope.MessageId);
        writer.WriteByte((byte)')');
    }

    public static void WriteBody(ImapWriter writer, BodyPart body, bool extensible)
    {
        switch (body)
        {
            case MultiPart multi:
                WriteMultiPart(writer, multi, extensible);
                break;
            case SinglePart single:
                WriteSinglePart(writer, single, extensible);
                break;
            default:
                throw new ArgumentException($"No serializer for {body.GetType().Name}.", nameof(body));
        }
    }

    // env-from etc. = "(" 1*address ")" / nil;  address = "(" name SP adl SP mailbox SP host ")"
    private static void WriteAddresses(ImapWriter writer, IReadOnlyList<Address>? addresses)
    {
        if (addresses is null || addresses.Count == 0)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteByte((byte)'(');
        foreach (var address in addresses)
        {
            writer.WriteByte((byte)'(');
            writer.WriteNString(address.Name);
            writer.WriteSpace();
            writer.WriteNString(address.Adl);
            writer.WriteSpace();
            writer.WriteNString(address.Mailbox);
            writer.WriteSpace();
            writer.WriteNString(address.Host);
            writer.WriteByte((byte)')');
        }
        writer.WriteByte((byte)')');
    }

    // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
    // body-ext-mpart  = body-fld-param [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]]
    private static void WriteMultiPart(ImapWriter writer, MultiPart multi, bool extensible)
    {
        writer.WriteByte((byte)'(');
        if (multi.Parts.Count == 0)
        {
            WriteSinglePart(writer, EmptyPart, extensible);
        }
        foreach (var part in multi.Parts)
        {
            WriteBody(writer, part, extensible);
        }
        writer.WriteSpace();
        writer.WriteString(multi.MediaSubtype);
        if (extensible)
        {
            writer.WriteSpace();
            WriteParameters(writer, multi.Parameters);
            WriteDispositionLanguageLocation(writer, multi);
        }
        writer.WriteByte((byte)')');
    }

    // body-type-1part = (body-type-basic / body-type-msg / body-type-text) [SP body-ext-1part]
    // body-ext-1part  = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]]
    private static void WriteSinglePart(ImapWriter writer, SinglePart part, bool extensible)
    {
        writer.WriteByte((byte)'(');
        writer.WriteString(part.MediaType);
        writer.WriteSpace();
        writer.WriteString(part.MediaSubtype);
        writer.WriteSpace();
        WriteParameters(writer, part.Parameters);
        writer.WriteSpace();
        writer.WriteNString(part.Id);
        writer.WriteSpace();
        writer.WriteNString(part.Description);
        writer.WriteSpace();
        writer.WriteString(part.Encoding);
        writer.WriteSpace();
        writer.WriteNumber(part.Size);
        if (part.IsMessage && part.MessageEnvelope is not null && part.MessageBody is not null)
        {
            // body-type-msg: envelope SP body SP body-fld-lines
            writer.WriteSpace();
            WriteEnvelope(writer, part.MessageEnvelope);
            writer.WriteSpace();
            WriteBody(writer, part.MessageBody, extensible);
            writer.WriteSpace();
            writer.WriteNumber(part.Lines);
        }
        else if (part.IsText)
        {
            writer.WriteSpace();
            writer.WriteNumber(part.Lines);
        }
        if (extensible)
        {
            writer.WriteSpace();
            writer.WriteNString(part.Md5);
            WriteDispositionLanguageLocation(writer, part);
        }
        writer.WriteByte((byte)')');
    }

    // Always written in full (NIL where absent): clients such as MailKit read positionally.
    private static void WriteDispositionLanguageLocation(ImapWriter writer, BodyPart part)
    {
        writer.WriteSpace();
        if (part.Disposition is { } disposition)
        {
            // body-fld-dsp = "(" string SP body-fld-param ")" / nil
            writer.WriteByte((byte)'(');
            writer.WriteString(disposition.Type);
            writer.WriteSpace();
            WriteParameters(writer, disposition.Parameters);
            writer.WriteByte((byte)')');
        }
        else
        {
            writer.WriteNil();
        }
        writer.WriteSpace();
        // body-fld-lang = nstring / "(" string *(SP string) ")"
        if (part.Languages.Count == 0)
        {
            writer.WriteNil();
        }
        else if (part.Languages.Count == 1)
        {
            writer.WriteString(part.Languages[0]);
        }
        else
        {
            writer.WriteByte((byte)'(');
            for (var i = 0; i < part.Languages.Count; i++)
            {
                if (i > 0)
                {
                    writer.WriteSpace();
                }
                writer.WriteString(part.Languages[i]);
            }
            writer.WriteByte((byte)')');
        }
        writer.WriteSpace();
        writer.WriteNString(part.Location);
    }

    // body-fld-param = "(" string SP string *(SP string SP string) ")" / nil
    private static void WriteParameters(ImapWriter writer, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        if (parameters.Count == 0)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteByte((byte)'(');
        for (var i = 0; i < parameters.Count; i++)
        {
            if (i > 0)
            {
                writer.WriteSpace();
            }
            writer.WriteString(parameters[i].Key);
            writer.WriteSpace();
            writer.WriteString(parameters[i].Value);
        }
        writer.WriteByte((byte)')');
    }
}
