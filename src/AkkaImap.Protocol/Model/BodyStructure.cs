namespace AkkaImap.Protocol.Model;

/// <summary>
/// A node of BODY / BODYSTRUCTURE (RFC 9051 §7.5.2, RFC 3501 §7.4.2). The extension data
/// (MD5, disposition, language, location) is written only for BODYSTRUCTURE.
/// </summary>
public abstract record BodyPart
{
    /// <summary>Body parameters as (attribute, value) pairs, in message order; empty is NIL.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];
    public ContentDisposition? Disposition { get; init; }
    /// <summary>Content-Language values; empty is NIL.</summary>
    public IReadOnlyList<string> Languages { get; init; } = [];
    public string? Location { get; init; }
}

/// <summary>A non-multipart part: basic, text (with Lines) or message/rfc822 (with Envelope, Body and Lines).</summary>
public sealed record SinglePart(string MediaType, string MediaSubtype) : BodyPart
{
    public string? Id { get; init; }
    public string? Description { get; init; }
    /// <summary>Content-Transfer-Encoding as it appears, e.g. "7BIT", "BASE64".</summary>
    public string Encoding { get; init; } = "7BIT";
    /// <summary>Size of the encoded body in octets.</summary>
    public long Size { get; init; }
    /// <summary>Line count; written for text/* and message/rfc822 (and message/global).</summary>
    public long Lines { get; init; }
    public string? Md5 { get; init; }
    /// <summary>Set for message/rfc822 and message/global parts.</summary>
    public Envelope? MessageEnvelope { get; init; }
    /// <summary>Set for message/rfc822 and message/global parts.</summary>
    public BodyPart? MessageBody { get; init; }

    public bool IsText => string.Equals(MediaType, "TEXT", StringComparison.OrdinalIgnoreCase);
    public bool IsMessage => MessageBody is not null;
}

/// <summary>A multipart/* part.</summary>
public sealed record MultiPart(string MediaSubtype, IReadOnlyList<BodyPart> Parts) : BodyPart;

/// <summary>Content-Disposition (RFC 2183): its type and parameters.</summary>
public sealed record ContentDisposition(string Type, IReadOnlyList<KeyValuePair<string, string>> Parameters);
