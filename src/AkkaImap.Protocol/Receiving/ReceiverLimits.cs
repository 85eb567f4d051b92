namespace AkkaImap.Protocol.Receiving;

/// <summary>
/// Caps on what one command may occupy in memory. <paramref name="MaxLine"/> bounds the
/// command text (every line of one command together, line ends excluded);
/// <paramref name="MaxLiteral"/> bounds the literal payloads of one command together, so a
/// MULTIAPPEND (RFC 3502) cannot evade it by splitting its messages. Together they must stay
/// below 2 GiB, the largest array .NET allocates, since one command is held in one buffer.
/// </summary>
public sealed record ReceiverLimits(int MaxLine, long MaxLiteral)
{
    /// <summary>64 KiB of command text (Dovecot's imap_max_line_length) and 50 MiB of literals.</summary>
    public static ReceiverLimits Default { get; } = new(64 * 1024, 50L * 1024 * 1024);
}
