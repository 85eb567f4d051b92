using System.Text;
using AkkaImap.Storage.Secrets;

namespace AkkaImap.Storage.Tests.Secrets;

public sealed class Md4Tests
{
    // RFC 1320 §A.5, the MD4 test suite.
    [Theory]
    [InlineData("", "31d6cfe0d16ae931b73c59d7e0c089c0")]
    [InlineData("a", "bde52cb31de33e46245e05fbdbd6fb24")]
    [InlineData("abc", "a448017aaf21d8525fc10ae87aa6729d")]
    [InlineData("message digest", "d9130a8164549fe818874806e1c7014b")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "043f8582f241db351ce627e153e7f0e4")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "e33b4ddc9c38f2199c3e7b164fcc0536")]
    public void Matches_the_RFC_1320_test_suite(string input, string digest)
    {
        Assert.Equal(digest, Convert.ToHexStringLower(Md4.HashData(Encoding.ASCII.GetBytes(input))));
    }

    [Fact]
    public void NT_hash_of_Password_is_the_MS_NLMP_value()
    {
        // MS-NLMP §4.2.2.1.2: NTOWFv1("Password").
        Assert.Equal("a4f49c406510bdcab6824ee7c30fd852", Convert.ToHexStringLower(NtHash.FromPassword("Password")));
    }
}
