using System.Text;
using AkkaImap.Protocol.Writing;
using Xunit;

namespace AkkaImap.Protocol.Tests.Writing;

/// <summary>Whatever the string, a client reading the written form gets the same string back.</summary>
public sealed class StringRoundTripTests
{
    private static readonly char[] Pool =
        ['a', 'Z', '0', ' ', '"', '\\', '(', ')', '{', '}', '%', '*', ']', '\r', '\n', '\t', '\u00e9', '\u65e5', '~'];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Strings_and_astrings_read_back_unchanged(bool utf8)
    {
        var random = new Random(9051);
        for (var i = 0; i < 3000; i++)
        {
            var chars = new char[random.Next(0, i % 100 == 0 ? 1500 : 20)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = Pool[random.Next(Pool.Length)];
            }
            var value = new string(chars);

            Assert.Equal(value, ReadBack(Wire.Bytes(w => w.WriteString(value), utf8), utf8, allowAtom: false));
            Assert.Equal(value, ReadBack(Wire.Bytes(w => w.WriteAString(value), utf8), utf8, allowAtom: true));
        }
    }

    // A minimal client-side reader for atom / quoted / literal (RFC 9051 §4.3).
    private static string ReadBack(byte[] wire, bool utf8, bool allowAtom)
    {
        if (wire[0] == (byte)'{')
        {
            var close = Array.IndexOf(wire, (byte)'}');
            var length = int.Parse(Encoding.ASCII.GetString(wire, 1, close - 1));
            Assert.Equal((byte)'\r', wire[close + 1]);
            Assert.Equal((byte)'\n', wire[close + 2]);
            Assert.Equal(close + 3 + length, wire.Length);
            return Encoding.UTF8.GetString(wire, close + 3, length);
        }
        if (wire[0] == (byte)'"')
        {
            Assert.Equal((byte)'"', wire[^1]);
            Assert.True(wire.Length <= ImapWriter.MaxQuotedBytes + 2, "quoted string too long");
            var bytes = new List<byte>();
            for (var i = 1; i < wire.Length - 1; i++)
            {
                var b = wire[i];
                Assert.False(b is (byte)'\r' or (byte)'\n', "CR or LF in a quoted string");
                Assert.True(utf8 || b < 0x80, "8-bit in a quoted string without UTF-8");
                if (b == (byte)'\\')
                {
                    b = wire[++i];
                    Assert.True(b is (byte)'"' or (byte)'\\', "bad escape");
                }
                else
                {
                    Assert.NotEqual((byte)'"', b);
                }
                bytes.Add(b);
            }
            return Encoding.UTF8.GetString(bytes.ToArray());
        }
        Assert.True(allowAtom, "atom where a string is required");
        var atom = Encoding.ASCII.GetString(wire);
        Assert.DoesNotContain(atom, c => c is ' ' or '(' or ')' or '{' or '%' or '*' or '"' or '\\' or < ' ' or > '~');
        return atom;
    }
}
