namespace AkkaImap.Protocol.Writing;

/// <summary>How the writer sends one string (RFC 9051 §4.3).</summary>
public enum StringForm
{
    /// <summary>A bare atom; only chosen for astrings (mailbox names, quota roots).</summary>
    Atom,
    Quoted,
    Literal,
}
