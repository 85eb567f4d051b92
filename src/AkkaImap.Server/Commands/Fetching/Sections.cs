using System.Text;
using AkkaImap.Protocol.Fetch;
using AkkaImap.Storage;

namespace AkkaImap.Server.Commands.Fetching;

/// <summary>
/// A byte range of the stored message that a section names; <see cref="Node"/> is the MIME
/// entity whose body it is (for BINARY decoding), null when the range is a header or the whole
/// message.
/// </summary>
internal readonly record struct SectionRange(long Start, long End, MimePartNode? Node)
{
    public long Length => End - Start;
}

/// <summary>
/// Section specs (RFC 9051 §6.4.5) resolved on the part tree computed at append time, so a
/// section is read by offset without parsing the message again.
/// </summary>
internal static class Sections
{
    /// <summary>
    /// The entity a part path names (RFC 9051 §6.4.5): the parts of a multipart are numbered from 1;
    /// a non-multipart message (the top level, or the one inside a message/rfc822 part) has one
    /// part, 1, its body; inside a message/rfc822 part numbering continues in the enclosed message.
    /// Null when there is no such part.
    /// </summary>
    public static MimePartNode? Find(MimePartNode root, ReadOnlySpan<int> path)
    {
        // The top level is a message whose body is 'root'; below it, a message/rfc822 part's enclosed
        // message plays the same role.
        MimePartNode? message = root;
        MimePartNode? node = null;
        foreach (int number in path)
        {
            MimePartNode container;
            if (message is not null)
            {
                if (!message.IsMultipart)
                {
                    if (number != 1) return null;
                    node = message;
                    message = node.Message;
                    continue;
                }
                container = message;
            }
            else if (node is { IsMultipart: true })
            {
                container = node;
            }
            else
            {
                return null;
            }
            if (number < 1 || number > container.Children.Count) return null;
            node = container.Children[number - 1];
            message = node.Message;
        }
        return node;
    }

    /// <summary>
    /// The bytes of BODY[section] before any HEADER.FIELDS filtering, or null when the section does
    /// not exist (the response is NIL). HEADER, TEXT and the field lists apply to the message itself
    /// or to a message/rfc822 part only (RFC 9051 §6.4.5).
    /// </summary>
    public static SectionRange? Resolve(MimePartNode root, long size, int[] part, SectionText text)
    {
        if (part.Length == 0)
        {
            return text switch
            {
                SectionText.All => new SectionRange(0, size, null),
                SectionText.Text => new SectionRange(Math.Min(root.BodyStart, size), size, null),
                SectionText.Header or SectionText.HeaderFields or SectionText.HeaderFieldsNot => new SectionRange(0, Math.Min(root.BodyStart, size), null),
                _ => null,
            };
        }
        if (Find(root, part) is not { } node)
        {
            return null;
        }
        return text switch
        {
            SectionText.All => new SectionRange(node.BodyStart, node.End, node),
            SectionText.Mime => new SectionRange(node.HeaderStart, node.BodyStart, null),
            SectionText.Text when node.Message is { } inner => new SectionRange(inner.BodyStart, node.End, null),
            SectionText.Header or SectionText.HeaderFields or SectionText.HeaderFieldsNot when node.Message is { } inner =>
                new SectionRange(inner.HeaderStart, inner.BodyStart, null),
            _ => null,
        };
    }

    /// <summary>The section as it is echoed in the response, e.g. <c>1.2.HEADER.FIELDS (From To)</c> (RFC 9051 §7.5.2).</summary>
    public static string Name(BodySection section)
    {
        var builder = new StringBuilder();
        AppendPart(builder, section.Part);
        if (section.Text == SectionText.All)
        {
            return builder.ToString();
        }
        if (builder.Length > 0)
        {
            builder.Append('.');
        }
        builder.Append(section.Text switch
        {
            SectionText.Header => "HEADER",
            SectionText.HeaderFields => "HEADER.FIELDS",
            SectionText.HeaderFieldsNot => "HEADER.FIELDS.NOT",
            SectionText.Text => "TEXT",
            _ => "MIME",
        });
        if (section.Text is SectionText.HeaderFields or SectionText.HeaderFieldsNot)
        {
            builder.Append(" (");
            for (int i = 0; i < section.Fields.Count; i++)
            {
                if (i > 0) builder.Append(' ');
                AppendAString(builder, section.Fields[i]);
            }
            builder.Append(')');
        }
        return builder.ToString();
    }

    /// <summary>A part path as echoed in BINARY[...] and BINARY.SIZE[...] (RFC 3516 §4.2).</summary>
    public static string Name(int[] part)
    {
        var builder = new StringBuilder();
        AppendPart(builder, part);
        return builder.ToString();
    }

    private static void AppendPart(StringBuilder builder, int[] part)
    {
        for (int i = 0; i < part.Length; i++)
        {
            if (i > 0) builder.Append('.');
            builder.Append(part[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    // header-fld-name = astring: an atom when it is one, else a quoted string.
    private static void AppendAString(StringBuilder builder, string value)
    {
        bool atom = value.Length > 0;
        foreach (char c in value)
        {
            if (c <= ' ' || c >= 0x7F || c is '(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']')
            {
                atom = false;
                break;
            }
        }
        if (atom)
        {
            builder.Append(value);
            return;
        }
        builder.Append('"');
        foreach (char c in value)
        {
            if (c is '"' or '\\') builder.Append('\\');
            builder.Append(c);
        }
        builder.Append('"');
    }
}
