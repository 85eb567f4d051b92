using System.Buffers.Binary;
using System.Numerics;

namespace AkkaImap.Storage.Secrets;

/// <summary>
/// MD4 (RFC 1320), needed only for the NT hash of NTLM (MS-NLMP §3.3.1). The BCL has no MD4 and
/// no maintained package fits, so this is a direct transcription of RFC 1320 §3.4, checked
/// against the RFC's test suite (§A.5). Never use it for anything but NTLM: MD4 is broken.
/// </summary>
public static class Md4
{
    private static readonly int[] Round2Order = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15];
    private static readonly int[] Round3Order = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15];

    public static byte[] HashData(ReadOnlySpan<byte> data)
    {
        Span<uint> state = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
        int full = data.Length / 64 * 64;
        for (int offset = 0; offset < full; offset += 64)
        {
            Transform(state, data.Slice(offset, 64));
        }
        var final = MdPadding.FinalBlocks(data[full..], data.Length);
        for (int offset = 0; offset < final.Length; offset += 64)
        {
            Transform(state, final.AsSpan(offset, 64));
        }
        return MdPadding.Digest(state);
    }

    private static void Transform(Span<uint> state, ReadOnlySpan<byte> block)
    {
        Span<uint> x = stackalloc uint[16];
        for (int i = 0; i < 16; i++)
        {
            x[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(i * 4)..]);
        }
        uint a = state[0], b = state[1], c = state[2], d = state[3];
        ReadOnlySpan<int> shifts1 = [3, 7, 11, 19];
        ReadOnlySpan<int> shifts2 = [3, 5, 9, 13];
        ReadOnlySpan<int> shifts3 = [3, 9, 11, 15];
        // Each round updates a, d, c, b in turn; rotating the four names keeps one loop body.
        for (int i = 0; i < 16; i++)
        {
            var f = (b & c) | (~b & d);
            (a, b, c, d) = (d, BitOperations.RotateLeft(a + f + x[i], shifts1[i % 4]), b, c);
        }
        for (int i = 0; i < 16; i++)
        {
            var g = (b & c) | (b & d) | (c & d);
            (a, b, c, d) = (d, BitOperations.RotateLeft(a + g + x[Round2Order[i]] + 0x5a827999, shifts2[i % 4]), b, c);
        }
        for (int i = 0; i < 16; i++)
        {
            var h = b ^ c ^ d;
            (a, b, c, d) = (d, BitOperations.RotateLeft(a + h + x[Round3Order[i]] + 0x6ed9eba1, shifts3[i % 4]), b, c);
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
    }
}
