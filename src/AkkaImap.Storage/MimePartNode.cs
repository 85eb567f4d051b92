namespace AkkaImap.Storage;

/// <summary>
/// One MIME entity of a stored message with byte offsets into the raw message, for partial
/// FETCH (RFC 9051 §6.4.5 BODY[section], RFC 3516 BINARY). Offsets are absolute in the message.
/// HEADER of the part = [HeaderStart, BodyStart); TEXT/body = [BodyStart, End).
/// </summary>
/// <param name="ContentType">Lower-case "type/subtype" as parsed (default text/plain).</param>
/// <param name="Encoding">Content-Transfer-Encoding lower-case, or null when absent.</param>
/// <param name="Children">Sub-parts of a multipart; empty otherwise.</param>
/// <param name="Message">For message/rfc822 (and message/global): the root entity of the enclosed message.</param>
public sealed record MimePartNode(
    long HeaderStart,
    long BodyStart,
    long End,
    string ContentType,
    string? Encoding,
    IReadOnlyList<MimePartNode> Children,
    MimePartNode? Message)
{
    public bool IsMultipart => ContentType.StartsWith("multipart/", StringComparison.Ordinal);
    public bool IsMessage => Message is not null;

    /// <summary>
    /// Resolves a section part number (RFC 9051 §6.4.5: "1.2"), starting at the message root.
    /// A non-multipart message has part 1 = itself; inside message/rfc822 numbering continues in
    /// the enclosed message. Returns null when the part does not exist.
    /// </summary>
    public MimePartNode? Resolve(ReadOnlySpan<int> section)
    {
        var node = this;
        foreach (var number in section)
        {
            if (number < 1) return null;
            // Stepping into an enclosed message: its numbering applies to its own body.
            if (node.Message is { } enclosed) node = enclosed;
            if (node.IsMultipart)
            {
                if (number > node.Children.Count) return null;
                node = node.Children[number - 1];
            }
            else if (number != 1)
            {
                return null;
            }
        }
        return node;
    }
}
