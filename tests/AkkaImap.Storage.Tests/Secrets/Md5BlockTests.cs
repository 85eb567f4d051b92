using System.Security.Cryptography;
using System.Text;
using AkkaImap.Storage.Secrets;

namespace AkkaImap.Storage.Tests.Secrets;

public sealed class Md5BlockTests
{
    // RFC 1321 §A.5, the MD5 test suite.
    [Theory]
    [InlineData("", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("a", "0cc175b9c0f1b6a831c399e269772661")]
    [InlineData("abc", "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData("message digest", "f96b697d7cb7938d525a2f31aaf161d0")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a")]
    public void Matches_the_RFC_1321_test_suite(string input, string digest)
    {
        Assert.Equal(digest, Convert.ToHexStringLower(Md5Block.HashData(Encoding.ASCII.GetBytes(input))));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(55)]
    [InlineData(56)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(200)]
    public void Resuming_from_a_saved_state_gives_the_digest_of_the_whole_input(int restLength)
    {
        var input = Enumerable.Range(0, 128 + restLength).Select(i => (byte)(i * 7)).ToArray();
        var state = Md5Block.InitialState();
        Md5Block.Transform(state, input.AsSpan(0, 64));
        Md5Block.Transform(state, input.AsSpan(64, 64));

        Assert.Equal(MD5.HashData(input), Md5Block.Finish(state, 128, input.AsSpan(128)));
    }
}
