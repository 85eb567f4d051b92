using Akka.Actor;
using Akka.Event;

namespace AkkaImap.Server.Transport;

/// <summary>
/// The COMPRESS=DEFLATE half of <see cref="ConnectionActor"/> (RFC 4978): it sits where STARTTLS
/// does, between the session and the wire, above TLS when TLS is on (the IMAP bytes are deflated,
/// then encrypted). The switch takes a round trip with the session, because the session alone
/// knows where the COMPRESS command line ended: bytes it received after that line are compressed,
/// and are inflated before anything the connection received since (held until then).
/// </summary>
internal sealed partial class ConnectionActor
{
    private DeflateChannel? _deflate;
    /// <summary>Bytes received after compression started, held until the session hands back its own.</summary>
    private List<ReadOnlyMemory<byte>>? _heldInput;

    /// <summary>Client bytes below IMAP (after TLS): inflated once compression is on.</summary>
    private void Inbound(ReadOnlyMemory<byte> data)
    {
        if (_heldInput is not null)
        {
            _heldInput.Add(data);
        }
        else if (_deflate is not null)
        {
            Inflate(data);
        }
        else
        {
            _session?.Tell(new ClientData(data));
        }
    }

    private void StartDeflate(int level)
    {
        // The tagged OK went out before this (same sender, in order): everything from here on is deflated.
        _deflate = new DeflateChannel(level);
        _heldInput = [];
        _session?.Tell(CompressionStarted.Instance);
        _log.Debug("COMPRESS=DEFLATE on (level {0})", level);
    }

    private void OnCompressedInput(ReadOnlyMemory<byte> data)
    {
        if (_deflate is null || _heldInput is null)
        {
            return;
        }

        var held = _heldInput;
        _heldInput = null;
        Inflate(data);
        foreach (var piece in held)
        {
            if (_deflate is null || _closing)
            {
                return;
            }

            Inflate(piece);
        }
    }

    private void Inflate(ReadOnlyMemory<byte> data)
    {
        if (_closing || data.IsEmpty || _deflate is null)
        {
            return;
        }

        try
        {
            _deflate.Decompress(data.Span, plain => _session?.Tell(new ClientData(plain)));
        }
        catch (InvalidDataException ex)
        {
            _log.Info("compressed input is not valid deflate data: {0}", ex.Message);
            Write("* BYE Compressed data is corrupt\r\n"u8.ToArray());
            BeginClose("corrupt compressed input");
        }
    }
}
