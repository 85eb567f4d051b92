using System.Text;
using MimeKit;

namespace AkkaImap.Storage.Search;

/// <summary>
/// The parts of a message that SEARCH's HEADER, BODY and TEXT look at, decoded with MimeKit: the header
/// fields (values unfolded and RFC 2047-decoded by <see cref="Header.Value"/>) and, when the body
/// was read, the decoded text of every text/* part, including those inside attached messages
/// (whose header is body text of the outer message). Non-text parts are not searched.
/// </summary>
public sealed class MessageText
{
    /// <summary>Hostile nesting of multiparts and attached messages stops being searched here.</summary>
    private const int MaxDepth = 32;

    private string? _headerText;

    private MessageText(HeaderList headers, IReadOnlyList<string>? bodyTexts)
    {
        Headers = headers;
        BodyTexts = bodyTexts;
    }

    public HeaderList Headers { get; }

    /// <summary>Decoded text parts; null when only the header was read.</summary>
    public IReadOnlyList<string>? BodyTexts { get; }

    /// <summary>The whole header as decoded text, one field per line (for TEXT).</summary>
    public string HeaderText => _headerText ??= Describe(Headers);

    /// <summary>Parses the header block (the message's bytes up to its body).</summary>
    public static MessageText FromHeader(byte[] bytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            return new MessageText(HeaderList.Load(stream), null);
        }
        catch (FormatException)
        {
            // Not even a header could be read: nothing in it can match.
            return new MessageText([], null);
        }
    }

    /// <summary>Parses a whole message and collects the text of its text parts.</summary>
    public static MessageText FromMessage(byte[] bytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            return FromParsed(MimeMessage.Load(stream));
        }
        catch (FormatException)
        {
            return new MessageText([], []);
        }
    }

    /// <summary>
    /// The same for a message already parsed (append's analysis, which feeds the full-text index
    /// with exactly the text SEARCH compares: <see cref="IndexedDocument"/>).
    /// </summary>
    public static MessageText FromParsed(MimeMessage message)
    {
        var texts = new List<string>();
        Collect(message.Body, texts, 0);
        return new MessageText(message.Headers, texts);
    }

    private static void Collect(MimeEntity? entity, List<string> texts, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }
        switch (entity)
        {
            case Multipart multipart:
                foreach (var child in multipart)
                {
                    Collect(child, texts, depth + 1);
                }
                break;
            case MessagePart { Message: { } attached }:
                texts.Add(Describe(attached.Headers));
                Collect(attached.Body, texts, depth + 1);
                break;
            case TextPart text:
                if (TryGetText(text) is { } value)
                {
                    texts.Add(value);
                }
                break;
        }
    }

    /// <summary>The decoded text of a part; null when its content cannot be decoded at all.</summary>
    private static string? TryGetText(TextPart part)
    {
        try
        {
            return part.Text;
        }
        catch (Exception ex) when (ex is FormatException or NotSupportedException or ArgumentException or DecoderFallbackException)
        {
            return null;
        }
    }

    private static string Describe(HeaderList headers)
    {
        var text = new StringBuilder();
        foreach (var header in headers)
        {
            text.Append(header.Field).Append(": ").Append(header.Value).Append('\n');
        }
        return text.ToString();
    }
}
