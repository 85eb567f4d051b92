using System.Security.Cryptography;
using System.Text;
using AkkaImap.Storage.Secrets;

namespace AkkaImap.Storage.Tests.Secrets;

public sealed class HmacMd5ContextTests
{
    [Fact]
    public void Computes_the_RFC_2195_CRAM_MD5_example_digest()
    {
        // RFC 2195 §2: user tim, password tanstaaftanstaaf.
        var context = HmacMd5Context.FromPassword("tanstaaftanstaaf");

        var digest = context.Compute("<1896.697170952@postoffice.reston.mci.net>"u8);

        Assert.Equal("b913a602c7eda7a495b4e6e7334d3890", Convert.ToHexStringLower(digest));
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("a key of exactly sixty-four bytes ........................ 64!")]
    [InlineData("a key longer than one MD5 block is hashed first (RFC 2104 section 2) .........")]
    public void Equals_HMAC_MD5_after_a_round_trip_through_its_32_stored_bytes(string key)
    {
        var stored = HmacMd5Context.FromKey(Encoding.UTF8.GetBytes(key)).ToBytes();
        var text = Encoding.ASCII.GetBytes("<12345.67890@imap.example.com>");

        var context = HmacMd5Context.FromBytes(stored);

        Assert.Equal(32, stored.Length);
        Assert.NotNull(context);
        Assert.Equal(HMACMD5.HashData(Encoding.UTF8.GetBytes(key), text), context.Compute(text));
    }

    [Fact]
    public void Malformed_stored_bytes_give_no_context()
    {
        Assert.Null(HmacMd5Context.FromBytes(new byte[31]));
    }
}
