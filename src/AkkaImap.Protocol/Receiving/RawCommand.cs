using System.Text;

namespace AkkaImap.Protocol.Receiving;

/// <summary>
/// The bytes of one complete command: its lines with their line ends and its literal
/// payloads, contiguous and in the order sent, ready for one parsing pass. The bytes are
/// owned by this object (the receiver never reuses them), so literal slices taken from them
/// stay valid for as long as the command is kept.
/// </summary>
public sealed class RawCommand
{
    public RawCommand(ReadOnlyMemory<byte> bytes) => Bytes = bytes;

    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The first line without its line end, for logging.</summary>
    public override string ToString()
    {
        var span = Bytes.Span;
        int lf = span.IndexOf((byte)'\n');
        if (lf >= 0) span = span[..lf];
        if (span.Length > 0 && span[^1] == '\r') span = span[..^1];
        return Encoding.Latin1.GetString(span.Length > 200 ? span[..200] : span);
    }
}
