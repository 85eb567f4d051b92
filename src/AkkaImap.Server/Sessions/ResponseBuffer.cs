using System.Buffers;
using AkkaImap.Protocol.Responses;
using AkkaImap.Protocol.Writing;

namespace AkkaImap.Server.Sessions;

/// <summary>
/// Collects a session's serialized responses until the session hands them to the connection
/// in one <c>Send</c>. Text is produced only by <see cref="ResponseWriter"/>.
/// </summary>
internal sealed class ResponseBuffer
{
    private readonly ArrayBufferWriter<byte> _bytes = new(4096);

    public ResponseBuffer() => Writer = new ImapWriter(_bytes);

    /// <summary>The writer over the buffer, for streaming large FETCH data with <see cref="FetchWriter"/>.</summary>
    public ImapWriter Writer { get; }

    public int Length => _bytes.WrittenCount;

    public void Write(ImapResponse response) => ResponseWriter.Write(Writer, response);

    /// <summary>Returns a copy of what was written and empties the buffer.</summary>
    public ReadOnlyMemory<byte> Take()
    {
        var bytes = _bytes.WrittenSpan.ToArray();
        // A buffer grown by one large response is not kept for the rest of the session.
        if (_bytes.Capacity > 1024 * 1024)
        {
            _bytes.Clear();
        }
        else
        {
            _bytes.ResetWrittenCount();
        }
        return bytes;
    }
}
