using System.Buffers.Binary;

namespace AkkaImap.Storage.Secrets;

/// <summary>
/// The final blocks shared by MD4 and MD5 (RFC 1320 §3.1-3.2, RFC 1321 §3.1-3.2): the
/// unprocessed tail, a 0x80 byte, zeros up to 56 mod 64, then the message length in bits as a
/// little-endian 64-bit number.
/// </summary>
internal static class MdPadding
{
    /// <summary>One or two 64-byte blocks that end a message of <paramref name="totalBytes"/> bytes whose last bytes are <paramref name="tail"/> (&lt; 64).</summary>
    public static byte[] FinalBlocks(ReadOnlySpan<byte> tail, long totalBytes)
    {
        var length = tail.Length < 56 ? 64 : 128;
        var blocks = new byte[length];
        tail.CopyTo(blocks);
        blocks[tail.Length] = 0x80;
        BinaryPrimitives.WriteUInt64LittleEndian(blocks.AsSpan(length - 8), (ulong)totalBytes * 8);
        return blocks;
    }

    /// <summary>The digest: the four state words, little-endian (RFC 1321 §3.5).</summary>
    public static byte[] Digest(ReadOnlySpan<uint> state)
    {
        var digest = new byte[16];
        for (int i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(digest.AsSpan(i * 4), state[i]);
        }
        return digest;
    }
}
