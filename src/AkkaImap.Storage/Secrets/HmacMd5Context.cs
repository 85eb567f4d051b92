using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AkkaImap.Storage.Secrets;

/// <summary>
/// The CRAM-MD5 secret (RFC 2195 §2, RFC 2104 §4): the MD5 states after absorbing
/// (K ^ ipad) and (K ^ opad), where K is the password. Enough to compute HMAC-MD5(K, text)
/// for any challenge, not to recover K cheaply; still password-equivalent for CRAM-MD5, which is
/// why it is stored only while <c>auth.cram-md5</c> is on. Serialized as 32 bytes: the inner
/// state's four words then the outer's, little-endian (the layout Dovecot's CRAM-MD5 scheme uses).
/// </summary>
public sealed class HmacMd5Context
{
    public const int SerializedLength = 32;

    private readonly uint[] _inner;
    private readonly uint[] _outer;

    private HmacMd5Context(uint[] inner, uint[] outer)
    {
        _inner = inner;
        _outer = outer;
    }

    public static HmacMd5Context FromPassword(string password) => FromKey(Encoding.UTF8.GetBytes(password));

    public static HmacMd5Context FromKey(ReadOnlySpan<byte> key)
    {
        // RFC 2104 §2: keys longer than the block are hashed first, shorter ones zero-padded.
        Span<byte> padded = stackalloc byte[Md5Block.BlockSize];
        padded.Clear();
        if (key.Length > Md5Block.BlockSize)
        {
            MD5.HashData(key).CopyTo(padded);
        }
        else
        {
            key.CopyTo(padded);
        }
        Span<byte> block = stackalloc byte[Md5Block.BlockSize];
        var inner = Md5Block.InitialState();
        var outer = Md5Block.InitialState();
        for (int i = 0; i < block.Length; i++) block[i] = (byte)(padded[i] ^ 0x36);
        Md5Block.Transform(inner, block);
        for (int i = 0; i < block.Length; i++) block[i] = (byte)(padded[i] ^ 0x5c);
        Md5Block.Transform(outer, block);
        CryptographicOperations.ZeroMemory(padded);
        CryptographicOperations.ZeroMemory(block);
        return new HmacMd5Context(inner, outer);
    }

    /// <summary>Null when <paramref name="bytes"/> is not a 32-byte serialized context.</summary>
    public static HmacMd5Context? FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != SerializedLength) return null;
        var inner = new uint[4];
        var outer = new uint[4];
        for (int i = 0; i < 4; i++)
        {
            inner[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(i * 4)..]);
            outer[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(16 + i * 4)..]);
        }
        return new HmacMd5Context(inner, outer);
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[SerializedLength];
        for (int i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), _inner[i]);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16 + i * 4), _outer[i]);
        }
        return bytes;
    }

    /// <summary>HMAC-MD5(K, <paramref name="text"/>) = MD5(K^opad, MD5(K^ipad, text)), resumed after the first blocks.</summary>
    public byte[] Compute(ReadOnlySpan<byte> text)
    {
        var innerHash = Md5Block.Finish(_inner, Md5Block.BlockSize, text);
        return Md5Block.Finish(_outer, Md5Block.BlockSize, innerHash);
    }
}
