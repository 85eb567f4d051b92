using System.Buffers.Binary;
using System.Numerics;

namespace AkkaImap.Storage.Secrets;

/// <summary>
/// The MD5 compression function (RFC 1321 §3.4) exposed so a hash can resume from a saved
/// state. HMAC-MD5 for CRAM-MD5 (RFC 2195) is computed from the stored states after the first
/// (key ^ ipad) and (key ^ opad) blocks (RFC 2104 §4), so the password itself is never kept.
/// The BCL's MD5 cannot start from a given state; this is checked against RFC 1321 §A.5.
/// </summary>
public static class Md5Block
{
    public const int BlockSize = 64;

    private static readonly uint[] T =
    [
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
    ];

    private static readonly int[] Shifts = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

    /// <summary>A fresh copy of the initial state A, B, C, D (RFC 1321 §3.3).</summary>
    public static uint[] InitialState() => [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];

    /// <summary>Processes one 64-byte block into <paramref name="state"/>.</summary>
    public static void Transform(Span<uint> state, ReadOnlySpan<byte> block)
    {
        if (state.Length != 4 || block.Length != BlockSize)
        {
            throw new ArgumentException("MD5 works on a 4-word state and 64-byte blocks");
        }
        Span<uint> x = stackalloc uint[16];
        for (int i = 0; i < 16; i++)
        {
            x[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(i * 4)..]);
        }
        uint a = state[0], b = state[1], c = state[2], d = state[3];
        for (int i = 0; i < 64; i++)
        {
            uint f;
            int k;
            switch (i / 16)
            {
                case 0: f = (b & c) | (~b & d); k = i; break;
                case 1: f = (b & d) | (c & ~d); k = (1 + 5 * i) % 16; break;
                case 2: f = b ^ c ^ d; k = (5 + 3 * i) % 16; break;
                default: f = c ^ (b | ~d); k = 7 * i % 16; break;
            }
            // RFC 1321 §3.4: a = b + ((a + f(b,c,d) + X[k] + T[i]) <<< s), then the names rotate.
            var rotated = b + BitOperations.RotateLeft(a + f + x[k] + T[i], Shifts[i / 16 * 4 + i % 4]);
            (a, b, c, d) = (d, rotated, b, c);
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
    }

    /// <summary>
    /// Finishes a hash that has already absorbed <paramref name="bytesDone"/> bytes (a multiple
    /// of 64) into <paramref name="state"/>, with <paramref name="rest"/> as the remaining input.
    /// <paramref name="state"/> is not changed.
    /// </summary>
    public static byte[] Finish(ReadOnlySpan<uint> state, long bytesDone, ReadOnlySpan<byte> rest)
    {
        if (bytesDone % BlockSize != 0)
        {
            throw new ArgumentException("A saved MD5 state lies on a block boundary", nameof(bytesDone));
        }
        Span<uint> s = stackalloc uint[4];
        state.CopyTo(s);
        int full = rest.Length / BlockSize * BlockSize;
        for (int offset = 0; offset < full; offset += BlockSize)
        {
            Transform(s, rest.Slice(offset, BlockSize));
        }
        var final = MdPadding.FinalBlocks(rest[full..], bytesDone + rest.Length);
        for (int offset = 0; offset < final.Length; offset += BlockSize)
        {
            Transform(s, final.AsSpan(offset, BlockSize));
        }
        return MdPadding.Digest(s);
    }

    /// <summary>Plain MD5 of <paramref name="data"/> through this block function (used to check it).</summary>
    public static byte[] HashData(ReadOnlySpan<byte> data) => Finish(InitialState(), 0, data);
}
