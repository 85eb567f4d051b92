using System.Buffers;
using System.Text;
using AkkaImap.Protocol.Responses;
using AkkaImap.Protocol.Writing;

namespace AkkaImap.Protocol.Tests.Writing;

/// <summary>Renders what the client would receive, as bytes and as text for readable diffs.</summary>
internal static class Wire
{
    public static byte[] Bytes(Action<ImapWriter> write, bool utf8 = false)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new ImapWriter(buffer, utf8));
        return buffer.WrittenSpan.ToArray();
    }

    public static string Text(Action<ImapWriter> write, bool utf8 = false) =>
        Encoding.UTF8.GetString(Bytes(write, utf8));

    public static string Of(ImapResponse response, bool utf8 = false) =>
        Text(w => ResponseWriter.Write(w, response), utf8);
}
